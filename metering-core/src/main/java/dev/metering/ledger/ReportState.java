package dev.metering.ledger;

/**
 * Where a {@link UsageReport} is in its life. An hour is open (accumulating, not yet a
 * report) until it is sealed; then its report moves through these states.
 *
 * @author metering-spring-boot
 */
public enum ReportState {

	/** Sealed with its request fixed; waiting to be sent. */
	CLOSED,

	/** Being sent; a resend after a crash sends the identical request. */
	SENDING,

	/** Confirmed by AWS; holds the metering record id. Final. */
	REPORTED,

	/** Outside the acceptance window; its quantity moved into an open hour. Final. */
	CARRIED_FORWARD,

	/** Refused for good; kept with the reason. Final. */
	DEAD_LETTER,

	/**
	 * AWS already held another record for its key and hour, one this ledger did not send;
	 * its quantity moved into an open hour. Final.
	 */
	MOVED_FORWARD;

	/**
	 * Whether the report still has to be sent.
	 * @return {@code true} for {@link #CLOSED} and {@link #SENDING}
	 */
	public boolean isPending() {
		return this == CLOSED || this == SENDING;
	}

}
