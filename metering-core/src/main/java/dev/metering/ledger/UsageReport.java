package dev.metering.ledger;

import java.time.Instant;
import java.util.List;

/**
 * One record for AWS: the sealed usage of one (dimension, customer) for one hour, stored
 * with everything the request needs, so that every attempt, before and after a crash,
 * sends the identical request.
 *
 * @param id the ledger's id of the report, unique and stable
 * @param hour the start of the hour, sent as the request's timestamp
 * @param dimension the dimension name
 * @param customer the customer for BatchMeterUsage, or {@code null} for MeterUsage
 * @param license the customer's license ARN (license integration), or {@code null}
 * @param quantity the total quantity, 0..2,147,483,647; the sum of the allocations
 * @param allocations the quantity per allocation tag set, 1..2,500 entries
 * @param clientToken the deterministic idempotency token of the request
 * @param state where the report is in its life
 * @param meteringRecordId the record id AWS answered, once {@link ReportState#REPORTED}
 * @param reason why the report was carried forward, moved forward or dead-lettered (and
 * who acknowledged or replayed it), otherwise {@code null}
 * @param settledAt when the report reached its final state, or {@code null} while pending
 * @author metering-spring-boot
 */
public record UsageReport(String id, Instant hour, String dimension, String customer, String license, long quantity,
		List<Allocation> allocations, String clientToken, ReportState state, String meteringRecordId, String reason,
		Instant settledAt) {

	/**
	 * A report not settled yet, or settled at an unknown time.
	 * @param id the ledger's id of the report
	 * @param hour the start of the hour
	 * @param dimension the dimension name
	 * @param customer the customer, or {@code null}
	 * @param license the customer's license ARN, or {@code null}
	 * @param quantity the total quantity
	 * @param allocations the quantity per allocation tag set
	 * @param clientToken the idempotency token of the request
	 * @param state where the report is in its life
	 * @param meteringRecordId the record id AWS answered, or {@code null}
	 * @param reason why the report ended so, or {@code null}
	 */
	public UsageReport(String id, Instant hour, String dimension, String customer, String license, long quantity,
			List<Allocation> allocations, String clientToken, ReportState state, String meteringRecordId,
			String reason) {
		this(id, hour, dimension, customer, license, quantity, allocations, clientToken, state, meteringRecordId,
				reason, null);
	}

}
