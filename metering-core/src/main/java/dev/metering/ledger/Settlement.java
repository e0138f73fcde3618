package dev.metering.ledger;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * How a report ended, or how an operator changed a dead letter: what
 * {@link ReportOutbox#settle} writes into the ledger.
 *
 * @param state the report's new state
 * @param meteringRecordId the record id AWS answered, for {@link ReportState#REPORTED}
 * @param reason why, for the record (for an operator's change: their note)
 * @param actor who asked, for an operator's change
 * @author metering-spring-boot
 */
public record Settlement(ReportState state, @Nullable String meteringRecordId, @Nullable String reason,
		@Nullable String actor) {

	/**
	 * A settlement, checking that its state is one a report can be settled into.
	 * @param state the report's new state
	 * @param meteringRecordId the record id, for {@link ReportState#REPORTED} only
	 * @param reason why
	 * @param actor who asked
	 */
	public Settlement {
		Assert.notNull(state, "'state' must not be null");
		Assert.isTrue(state != ReportState.CLOSED && state != ReportState.SENDING,
				() -> "A report cannot be settled as " + state + ": that state is pending");
		Assert.isTrue((state == ReportState.REPORTED) == (meteringRecordId != null),
				() -> "'meteringRecordId' must be given for REPORTED only, was " + meteringRecordId + " for " + state);
		Assert.isTrue(!isOperatorChange(state) || (actor != null && !actor.isBlank()),
				() -> "'actor' must name who " + state.name().toLowerCase() + " the dead letter");
	}

	/**
	 * AWS confirmed the report (a record id, or an identical-resend answer).
	 * @param meteringRecordId the record id AWS answered
	 * @return the settlement
	 */
	public static Settlement reported(String meteringRecordId) {
		return new Settlement(ReportState.REPORTED, meteringRecordId, null, null);
	}

	/**
	 * The report's hour left the acceptance window; its quantities move into the open
	 * hour.
	 * @param reason why
	 * @return the settlement
	 */
	public static Settlement carriedForward(String reason) {
		return new Settlement(ReportState.CARRIED_FORWARD, null, reason, null);
	}

	/**
	 * AWS already holds another record for the key and hour, one this ledger did not
	 * send; the quantities, not billed, move into the open hour.
	 * @param reason why
	 * @return the settlement
	 */
	public static Settlement movedForward(String reason) {
		return new Settlement(ReportState.MOVED_FORWARD, null, reason, null);
	}

	/**
	 * AWS refused the report for good; it is kept with the reason.
	 * @param reason why
	 * @return the settlement
	 */
	public static Settlement deadLettered(String reason) {
		return new Settlement(ReportState.DEAD_LETTER, null, reason, null);
	}

	/**
	 * An operator acknowledged a dead letter: it stays in the ledger, no longer open.
	 * @param actor who acknowledged it
	 * @param note their note, or {@code null}
	 * @return the settlement
	 */
	public static Settlement acknowledged(String actor, @Nullable String note) {
		return new Settlement(ReportState.ACKNOWLEDGED, null, note, actor);
	}

	/**
	 * An operator replayed a dead letter: its quantities move into the open hour, to be
	 * reported again.
	 * @param actor who replayed it
	 * @param note their note, or {@code null}
	 * @return the settlement
	 */
	public static Settlement replayed(String actor, @Nullable String note) {
		return new Settlement(ReportState.REPLAYED, null, note, actor);
	}

	/**
	 * Return whether the settlement moves the report's quantities into the open hour.
	 * @return {@code true} for carried forward, moved forward and replayed
	 */
	boolean movesQuantities() {
		return this.state == ReportState.CARRIED_FORWARD || this.state == ReportState.MOVED_FORWARD
				|| this.state == ReportState.REPLAYED;
	}

	/**
	 * Return the reason the settled report keeps: for an operator's change, the dead
	 * letter's reason followed by who changed it and their note.
	 * @param previousReason the reason the report had
	 * @return the reason to keep
	 */
	String reasonAfter(@Nullable String previousReason) {
		if (!isOperatorChange(this.state)) {
			return this.reason;
		}
		return previousReason + "; " + this.state.name().toLowerCase() + " by " + this.actor
				+ ((this.reason != null) ? ": " + this.reason : "");
	}

	private static boolean isOperatorChange(ReportState state) {
		return state == ReportState.ACKNOWLEDGED || state == ReportState.REPLAYED;
	}

}
