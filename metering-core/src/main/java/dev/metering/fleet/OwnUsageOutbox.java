package dev.metering.fleet;

import java.time.Instant;
import java.util.List;

import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageReport;

/**
 * A replica's local outbox as its own reporter sees it in fleet mode: only the product's
 * own usage (MeterUsage, which AWS keys per instance, task or pod) is pending for it. The
 * customers' usage is the {@link FleetPublisher}'s to publish, and the fleet's leader's
 * to report.
 *
 * @author metering-spring-boot
 */
public final class OwnUsageOutbox implements ReportOutbox {

	private final ReportOutbox local;

	/**
	 * Show a local outbox's own usage only to a reporter.
	 * @param local the replica's local outbox
	 */
	public OwnUsageOutbox(ReportOutbox local) {
		this.local = local;
	}

	@Override
	public List<UsageReport> pending() {
		return this.local.pending().stream().filter((report) -> report.customer() == null).toList();
	}

	@Override
	public List<UsageReport> seal(Instant before) {
		return this.local.seal(before);
	}

	@Override
	public List<UsageReport> deadLetters() {
		return this.local.deadLetters();
	}

	@Override
	public void markSending(UsageReport report) {
		this.local.markSending(report);
	}

	@Override
	public void settle(UsageReport report, Settlement settlement) {
		this.local.settle(report, settlement);
	}

}
