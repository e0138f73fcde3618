package dev.metering.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import dev.metering.ledger.LedgerView;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.RecoveryResult;
import dev.metering.ledger.UsageReport;

/**
 * The one line that says, when the file ledger opens, what it recovered from an earlier
 * run: open hours, pending reports, the units they hold, and any damaged part moved
 * aside.
 *
 * @author metering-spring-boot
 */
final class LedgerRecoveryMessage {

	private LedgerRecoveryMessage() {
	}

	static String of(MeteringLedger ledger, Path directory) {
		LedgerView view = ledger.view();
		List<UsageReport> pending = view.reports().stream().filter((report) -> report.state().isPending()).toList();
		long openHours = view.openUsage().stream().map(LedgerView.OpenUsage::hour).distinct().count();
		long units = view.openUsage().stream().mapToLong(LedgerView.OpenUsage::quantity).sum()
				+ pending.stream().mapToLong(UsageReport::quantity).sum();
		RecoveryResult recovery = ledger.recovery();
		return "Usage ledger opened in " + directory.toAbsolutePath() + ": recovered " + openHours
				+ " open hour(s) and " + pending.size() + " pending report(s) holding " + units
				+ " unit(s) not yet confirmed by AWS; " + damages(recovery);
	}

	private static String damages(RecoveryResult recovery) {
		if (recovery.isClean()) {
			return "nothing damaged";
		}
		return recovery.damages().size() + " damaged part(s) moved aside: "
				+ recovery.damages()
					.stream()
					.map((damage) -> damage.file().getFileName() + " at offset " + damage.offset() + " ("
							+ damage.problem() + ", copy in " + damage.copy() + ")")
					.collect(Collectors.joining("; "));
	}

}
