package dev.metering.reporting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.metering.core.LicenseArns;
import dev.metering.core.MeteringErrors;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOutcome;
import dev.metering.core.MeteringRequestValidator;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageReport;
import dev.metering.limits.MeteringLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/**
 * Sends customers' usage (SaaS products) with BatchMeterUsage: calls of at most 25
 * records and less than 1 MB; per-record statuses applied one by one;
 * {@code UnprocessedRecords} resent with backoff; and a batch refused because one record
 * left the acceptance window split into single records so that the others still go
 * through. Records of the license integration carry their {@code LicenseArn} and go
 * without the product code; a batch refused with {@code InvalidLicenseException} is split
 * the same way, so only the record of that license is dead-lettered.
 *
 * @author metering-spring-boot
 */
final class BatchMeterUsageSender {

	private static final Log logger = LogFactory.getLog(BatchMeterUsageSender.class);

	/** Below the 1 MB limit by room for the product code the gateway adds. */
	static final long MAX_BYTES = MeteringLimits.BATCH_METER_USAGE_BODY_LIMIT - 512;

	private final ReportOutbox outbox;

	private final MeteringGateway metering;

	private final ResilientCall calls;

	private final ReportSettler settler;

	BatchMeterUsageSender(ReportOutbox outbox, MeteringGateway metering, ResilientCall calls, ReportSettler settler) {
		this.outbox = outbox;
		this.metering = metering;
		this.calls = calls;
		this.settler = settler;
	}

	/**
	 * Send reports, in batches in the given order, until the run's deadline passes; the
	 * reports not sent by then stay pending for the next run.
	 * @param reports the reports
	 * @param deadline the deadline of the run
	 */
	void send(List<UsageReport> reports, Deadline deadline) {
		List<Pending> batch = new ArrayList<>();
		for (UsageReport report : reports) {
			if (deadline.hasPassed()) {
				return;
			}
			if (!this.settler.mayStart(report)) {
				continue;
			}
			Pending pending = new Pending(report, fitting(report));
			if (batch.size() == MeteringLimits.USAGE_RECORDS_MAX || !fitsWith(batch, pending)
					|| size(append(batch, pending)) >= MAX_BYTES) {
				sendBatch(batch, deadline);
				batch = new ArrayList<>();
			}
			batch.add(pending);
		}
		if (!batch.isEmpty()) {
			sendBatch(batch, deadline);
		}
	}

	private void sendBatch(List<Pending> batch, Deadline deadline) {
		if (deadline.hasPassed()) {
			return;
		}
		Instant retryUntil = batch.stream()
			.map((pending) -> this.settler.acceptedUntil(pending.report()))
			.min(Instant::compareTo)
			.orElseThrow();
		batch.forEach((pending) -> this.outbox.markSending(pending.report()));
		List<Pending> remaining = new ArrayList<>(batch);
		Attempt<Void> attempt = this.calls.call(() -> {
			BatchMeterUsageResponse response = this.metering.batchMeterUsage(request(remaining));
			Map<String, Pending> byRecord = new HashMap<>();
			remaining.forEach((pending) -> byRecord.put(key(pending.record()), pending));
			for (UsageRecordResult result : response.results()) {
				Pending pending = byRecord.remove(key(result.usageRecord()));
				if (pending != null) {
					apply(pending.report(), result);
				}
			}
			remaining.retainAll(byRecord.values());
			if (!remaining.isEmpty()) {
				throw new MeteringException(remaining.size() + " records were returned unprocessed",
						MeteringOutcome.RETRYABLE, MeteringErrors.UNPROCESSED_RECORDS, null);
			}
			return null;
		}, deadline, retryUntil);
		if (attempt instanceof Attempt.Refused<Void> refused) {
			MeteringException failure = refused.failure();
			if ((failure.getOutcome() == MeteringOutcome.EXPIRED
					|| MeteringErrors.INVALID_LICENSE.equals(failure.getErrorCode())) && remaining.size() > 1) {
				logger.warn("A batch of " + remaining.size() + " records was refused with " + failure.getErrorCode()
						+ ", which one record may cause; sending them one by one");
				remaining.forEach((pending) -> sendBatch(List.of(pending), deadline));
				return;
			}
			remaining.forEach((pending) -> this.settler.refused(pending.report(), failure));
		}
	}

	private void apply(UsageReport report, UsageRecordResult result) {
		if (result.status() == UsageRecordResultStatus.SUCCESS) {
			this.settler.reported(report, result.meteringRecordId());
		}
		else {
			this.settler.refused(report, result.statusAsString());
		}
	}

	/**
	 * Return the record of a report, without its allocations if it cannot fit in one call
	 * with them (thousands of long tag values): the quantity is then billed untagged
	 * rather than not at all.
	 */
	private static UsageRecord fitting(UsageReport report) {
		UsageRecord record = UsageRequests.usageRecord(report);
		if (size(List.of(new Pending(report, record))) < MAX_BYTES) {
			return record;
		}
		logger.warn("Usage of report " + report.id() + " is sent without its " + report.allocations().size()
				+ " allocations: with them the record alone would pass the 1 MB limit of BatchMeterUsage");
		return UsageRequests.untagged(record);
	}

	/**
	 * Whether a record may join a batch: one request is of one integration (the product
	 * code is request-level), and AWS answers records by customer, dimension and hour, so
	 * two licenses of one account for one dimension and hour go in different requests.
	 */
	private static boolean fitsWith(List<Pending> batch, Pending pending) {
		if (batch.isEmpty()) {
			return true;
		}
		boolean licensed = pending.report().license() != null;
		String key = key(pending.record());
		return batch.stream()
			.noneMatch((other) -> (other.report().license() != null) != licensed || key.equals(key(other.record())));
	}

	private static List<Pending> append(List<Pending> batch, Pending pending) {
		List<Pending> appended = new ArrayList<>(batch);
		appended.add(pending);
		return appended;
	}

	private static long size(List<Pending> batch) {
		return MeteringRequestValidator.batchMeterUsageBodySize(request(batch));
	}

	private static BatchMeterUsageRequest request(List<Pending> batch) {
		BatchMeterUsageRequest request = BatchMeterUsageRequest.builder()
			.usageRecords(batch.stream().map(Pending::record).toList())
			.build();
		if (batch.isEmpty() || batch.get(0).report().license() == null) {
			return request;
		}
		return LicenseArns.withLicenseArns(request,
				batch.stream().map((pending) -> pending.report().license()).toList());
	}

	private static String key(UsageRecord record) {
		return UsageRequests.customerOf(record) + "|" + record.dimension() + "|" + record.timestamp().getEpochSecond();
	}

	private record Pending(UsageReport report, UsageRecord record) {
	}

}
