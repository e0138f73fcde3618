package dev.metering.reporting;

import java.util.List;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * Sends the product's own usage (AMI and container products): one MeterUsage request per
 * report, that is per dimension and hour, carrying all of the hour's tag sets as
 * allocations, with the report's stored timestamp and client token.
 *
 * @author metering-spring-boot
 */
final class MeterUsageSender {

	private final UsageLedger ledger;

	private final MeteringGateway metering;

	private final ResilientCall calls;

	private final ReportSettler outcomes;

	MeterUsageSender(UsageLedger ledger, MeteringGateway metering, ResilientCall calls, ReportSettler outcomes) {
		this.ledger = ledger;
		this.metering = metering;
		this.calls = calls;
		this.outcomes = outcomes;
	}

	/**
	 * Send reports, in the given order, until the run's deadline passes; the reports not
	 * sent by then stay pending for the next run.
	 * @param reports the reports
	 * @param deadline the deadline of the run
	 */
	void send(List<UsageReport> reports, Deadline deadline) {
		for (UsageReport report : reports) {
			if (deadline.hasPassed()) {
				return;
			}
			if (this.outcomes.mayStart(report)) {
				send(report, deadline);
			}
		}
	}

	private void send(UsageReport report, Deadline deadline) {
		MeterUsageRequest request = UsageRequests.meterUsage(report);
		this.ledger.markSending(report.id());
		Attempt<MeterUsageResponse> attempt = this.calls.call(() -> this.metering.meterUsage(request), deadline,
				this.outcomes.acceptedUntil(report));
		if (attempt instanceof Attempt.Answered<MeterUsageResponse> answered) {
			this.outcomes.reported(report, answered.value().meteringRecordId());
		}
		else if (attempt instanceof Attempt.Refused<MeterUsageResponse> refused) {
			this.outcomes.refused(report, refused.failure());
		}
	}

}
