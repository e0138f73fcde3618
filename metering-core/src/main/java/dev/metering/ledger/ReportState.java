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
	MOVED_FORWARD,

	/**
	 * A dead letter an operator acknowledged: kept with the reason and who acknowledged
	 * it, no longer an open dead letter. Final.
	 */
	ACKNOWLEDGED,

	/**
	 * A dead letter an operator replayed: its quantity moved into an open hour, to be
	 * reported again. Final.
	 */
	REPLAYED;

	/**
	 * Whether the report still has to be sent.
	 * @return {@code true} for {@link #CLOSED} and {@link #SENDING}
	 */
	public boolean isPending() {
		return this == CLOSED || this == SENDING;
	}

	/**
	 * Whether a report can move from this state to another one.
	 * @param next the other state
	 * @return {@code true} from a pending state to {@link #SENDING} or a state a sent
	 * report ends in, and from {@link #DEAD_LETTER} to {@link #ACKNOWLEDGED} or
	 * {@link #REPLAYED}
	 */
	boolean canMoveTo(ReportState next) {
		if (isPending()) {
			return next == SENDING || next == REPORTED || next == CARRIED_FORWARD || next == MOVED_FORWARD
					|| next == DEAD_LETTER;
		}
		return this == DEAD_LETTER && (next == ACKNOWLEDGED || next == REPLAYED);
	}

}
