package dev.metering.reporting;

import java.util.List;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.ReportOutbox;
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

	private final ReportOutbox outbox;

	private final MeteringGateway metering;

	private final ResilientCall calls;

	private final ReportSettler settler;

	MeterUsageSender(ReportOutbox outbox, MeteringGateway metering, ResilientCall calls, ReportSettler settler) {
		this.outbox = outbox;
		this.metering = metering;
		this.calls = calls;
		this.settler = settler;
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
			if (this.settler.mayStart(report)) {
				send(report, deadline);
			}
		}
	}

	private void send(UsageReport report, Deadline deadline) {
		MeterUsageRequest request = UsageRequests.meterUsage(report);
		this.outbox.markSending(report);
		Attempt<MeterUsageResponse> attempt = this.calls.call(() -> this.metering.meterUsage(request), deadline,
				this.settler.acceptedUntil(report));
		if (attempt instanceof Attempt.Answered<MeterUsageResponse> answered) {
			this.settler.reported(report, answered.value().meteringRecordId());
		}
		else if (attempt instanceof Attempt.Refused<MeterUsageResponse> refused) {
			this.settler.refused(report, refused.failure());
		}
	}

}
