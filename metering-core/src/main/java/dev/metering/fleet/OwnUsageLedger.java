package dev.metering.fleet;

import java.time.Instant;
import java.util.List;

import dev.metering.ledger.LedgerStorage;
import dev.metering.ledger.LedgerSummary;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;

/**
 * A replica's local ledger as its own reporter sees it in fleet mode: only the product's
 * own usage (MeterUsage, which AWS keys per instance, task or pod) is pending for it. The
 * customers' usage is the {@link FleetPublisher}'s to publish, and the fleet's leader's
 * to report.
 *
 * @author metering-spring-boot
 */
public final class OwnUsageLedger implements UsageLedger {

	private final UsageLedger local;

	/**
	 * Show a local ledger's own usage only to a reporter.
	 * @param local the replica's local ledger
	 */
	public OwnUsageLedger(UsageLedger local) {
		this.local = local;
	}

	@Override
	public List<UsageReport> pendingReports() {
		return this.local.pendingReports().stream().filter((report) -> report.customer() == null).toList();
	}

	@Override
	public void record(UsageKey key, long quantity) {
		this.local.record(key, quantity);
	}

	@Override
	public List<UsageReport> seal(Instant before) {
		return this.local.seal(before);
	}

	@Override
	public void markSending(String reportId) {
		this.local.markSending(reportId);
	}

	@Override
	public void markReported(String reportId, String meteringRecordId) {
		this.local.markReported(reportId, meteringRecordId);
	}

	@Override
	public void carryForward(String reportId, String reason) {
		this.local.carryForward(reportId, reason);
	}

	@Override
	public void moveForward(String reportId, String reason) {
		this.local.moveForward(reportId, reason);
	}

	@Override
	public void deadLetter(String reportId, String reason) {
		this.local.deadLetter(reportId, reason);
	}

	@Override
	public LedgerView view() {
		return this.local.view();
	}

	@Override
	public LedgerSummary summary() {
		return this.local.summary();
	}

	@Override
	public LedgerStorage storage() {
		return this.local.storage();
	}

	@Override
	public void close() {
		// the local ledger's owner closes it
	}

}
