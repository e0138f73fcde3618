package dev.metering.reporting;

import java.util.List;

import dev.metering.core.MeteringOperations;
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

	private final MeteringOperations metering;

	private final ResilientCall calls;

	private final ReportOutcomes outcomes;

	MeterUsageSender(UsageLedger ledger, MeteringOperations metering, ResilientCall calls, ReportOutcomes outcomes) {
		this.ledger = ledger;
		this.metering = metering;
		this.calls = calls;
		this.outcomes = outcomes;
	}

	void send(List<UsageReport> reports) {
		for (UsageReport report : reports) {
			if (this.outcomes.mayStart(report)) {
				send(report);
			}
		}
	}

	private void send(UsageReport report) {
		MeterUsageRequest request = UsageRequests.meterUsage(report);
		this.ledger.markSending(report.id());
		Attempt<MeterUsageResponse> attempt = this.calls.call(() -> this.metering.meterUsage(request));
		if (attempt instanceof Attempt.Answered<MeterUsageResponse> answered) {
			this.outcomes.reported(report, answered.value().meteringRecordId());
		}
		else if (attempt instanceof Attempt.Refused<MeterUsageResponse> refused) {
			this.outcomes.refused(report, refused.failure());
		}
	}

}
