package dev.metering.reporting;

/**
 * How one sent record ended, as counted by {@link ReportingStatistics}.
 *
 * @author metering-spring-boot
 */
public enum ReportOutcome {

	/** AWS confirmed the record (a record id, or an identical-resend answer). */
	REPORTED,

	/** An attempt failed and will be retried (throttling, 5xx, I/O, unprocessed). */
	RETRIED,

	/** The hour was out of the acceptance window; the quantity was carried forward. */
	CARRIED_FORWARD,

	/** AWS refused the record for good; it was dead-lettered. */
	DEAD_LETTERED,

	/**
	 * AWS already held another record for the key and hour, one this ledger did not send;
	 * the quantity, not billed, moved into the next open hour.
	 */
	MOVED_FORWARD

}
