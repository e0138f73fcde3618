package dev.metering.fleet;

import java.time.Instant;
import java.util.List;

import dev.metering.ledger.LedgerView;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;

/**
 * The {@link FleetLedger} as the reporter reads a ledger. Nothing is recorded into it:
 * customers' usage is recorded in each replica's local ledger and published.
 *
 * @author metering-spring-boot
 */
final class FleetReportingLedger implements UsageLedger {

	private static final String ACTOR = "reporter";

	private final FleetLedger fleet;

	FleetReportingLedger(FleetLedger fleet) {
		this.fleet = fleet;
	}

	@Override
	public void record(UsageKey key, long quantity) {
		throw new UnsupportedOperationException(
				"Usage is recorded in each replica's local ledger and published to the shared ledger");
	}

	@Override
	public List<UsageReport> seal(Instant before) {
		return this.fleet.seal(before);
	}

	@Override
	public List<UsageReport> pendingReports() {
		return this.fleet.pending();
	}

	@Override
	public void markSending(String reportId) {
		this.fleet.markSending(reportId);
	}

	@Override
	public void markReported(String reportId, String meteringRecordId) {
		this.fleet.settle(reportId, ReportState.REPORTED, meteringRecordId, null, ACTOR);
	}

	@Override
	public void carryForward(String reportId, String reason) {
		this.fleet.settle(reportId, ReportState.CARRIED_FORWARD, null, reason, ACTOR);
	}

	@Override
	public void moveForward(String reportId, String reason) {
		this.fleet.settle(reportId, ReportState.MOVED_FORWARD, null, reason, ACTOR);
	}

	@Override
	public void deadLetter(String reportId, String reason) {
		this.fleet.settle(reportId, ReportState.DEAD_LETTER, null, reason, ACTOR);
	}

	@Override
	public LedgerView view() {
		return new LedgerView(List.of(), this.fleet.pending(), null);
	}

	@Override
	public void close() {
	}

}
