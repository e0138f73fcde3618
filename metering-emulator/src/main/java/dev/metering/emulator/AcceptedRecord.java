package dev.metering.emulator;

import java.time.Instant;
import java.util.List;

/**
 * A usage record the emulator accepted (billed), from MeterUsage or BatchMeterUsage.
 *
 * @param operation {@code MeterUsage} or {@code BatchMeterUsage}
 * @param productCode the product code
 * @param dimension the usage dimension
 * @param hour the timestamp rounded down to the hour
 * @param quantity the quantity billed
 * @param allocations the usage allocations, empty when none were sent
 * @param customer the customer identifier or AWS account id (BatchMeterUsage), or
 * {@code null} for MeterUsage
 * @param licenseArn the license ARN of a record of the license integration, or
 * {@code null}
 * @param callerIdentity the access key id that signed the request
 * @param meteringRecordId the id answered to the caller
 */
public record AcceptedRecord(String operation, String productCode, String dimension, Instant hour, long quantity,
		List<Allocation> allocations, String customer, String licenseArn, String callerIdentity,
		String meteringRecordId) {

	/**
	 * One usage allocation of a record.
	 *
	 * @param quantity the allocated quantity
	 * @param tags the tags, empty for an untagged allocation
	 */
	public record Allocation(long quantity, List<Tag> tags) {

	}

	/**
	 * A tag of an allocation.
	 *
	 * @param key the key
	 * @param value the value
	 */
	public record Tag(String key, String value) {

	}

}
