package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.metering.core.MeteringErrors;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * The one writer of outcomes into the ledger: it settles each report the reporter sent,
 * one {@link Settlement} for each kind of answer, and counts it; and it carries out an
 * operator's {@link #acknowledge acknowledgement} or {@link #replay replay} of a dead
 * letter. Senders only mark reports as being sent.
 * <p>
 * {@code DuplicateRequestException} and {@code DuplicateRecord} mean that AWS already
 * holds another quantity for the key and hour. The ledger never sends two quantities for
 * one key and hour, so the other record is one it did not send (a lost ledger directory,
 * a second writer, a restart with the same identity and an empty ledger) and the quantity
 * refused is not billed: it moves into the next open hour, and each report run that moved
 * any logs one warning.
 *
 * @author metering-spring-boot
 */
public final class ReportSettler {

	private static final Logger logger = LoggerFactory.getLogger(ReportSettler.class);

	private static final Set<String> FOREIGN_RECORD = Set.of(MeteringErrors.DUPLICATE_REQUEST,
			MeteringErrors.DUPLICATE_RECORD);

	private final ReportOutbox outbox;

	private final ExpiredUsage expiredUsage;

	private final Clock clock;

	private final Duration acceptanceWindow;

	private final Duration lastSendMargin;

	private final ReportingStatistics statistics;

	private final RunErrors errors;

	private int movedThisRun;

	private long unitsMovedThisRun;

	private UsageReport firstMovedThisRun;

	ReportSettler(ReportOutbox outbox, ReportingSettings settings, Clock clock, ReportingStatistics statistics,
			RunErrors errors) {
		this.outbox = outbox;
		this.expiredUsage = settings.expiredUsage();
		this.acceptanceWindow = settings.acceptanceWindow();
		this.lastSendMargin = settings.lastSendMargin();
		this.clock = clock;
		this.statistics = statistics;
		this.errors = errors;
	}

	/**
	 * Create a settler that works outside a reporter's runs: an operator's decisions on
	 * the dead letters of an outbox that a reporter of another process may send (the
	 * fleet's shared ledger, from any replica, the leader or not), and a fleet replica's
	 * hand-over of its local reports to the shared ledger. Its settlements are counted in
	 * statistics of its own.
	 * @param outbox the outbox whose reports to settle
	 * @return the settler
	 */
	public static ReportSettler detached(ReportOutbox outbox) {
		Assert.notNull(outbox, "'outbox' must not be null");
		return new ReportSettler(outbox, ReportingSettings.defaults(), Clock.systemUTC(), new ReportingStatistics(),
				new RunErrors());
	}

	/**
	 * Whether a first attempt may start. A report never sent whose hour is about to leave
	 * the acceptance window is expired here, without a call: a first attempt so late
	 * could be committed with its answer lost and no time left to confirm it by a resend.
	 * A report already sent is always resent, so that AWS settles it (a replay or an
	 * out-of-bounds answer).
	 * @param report the report
	 * @return whether to send it
	 */
	boolean mayStart(UsageReport report) {
		Instant closesAt = acceptedUntil(report);
		if (report.state() == ReportState.CLOSED
				&& !this.clock.instant().isBefore(closesAt.minus(this.lastSendMargin))) {
			expired(report, "hour " + report.hour() + " left the acceptance window before it was sent");
			return false;
		}
		return true;
	}

	/**
	 * Return until when AWS accepts the hour of a report: a run never retries it later (a
	 * report already sent is still resent once per run, for AWS to settle it).
	 * @param report the report
	 * @return the end of the report's acceptance window
	 */
	Instant acceptedUntil(UsageReport report) {
		return AcceptanceWindow.closesAt(report.hour(), report.customer() != null, this.acceptanceWindow);
	}

	void reported(UsageReport report, String meteringRecordId) {
		settle(report, Settlement.reported(meteringRecordId));
	}

	void refused(UsageReport report, MeteringException failure) {
		if (failure.getOutcome() == MeteringOutcome.EXPIRED) {
			expired(report, failure.getErrorCode() + ": " + failure.getMessage());
			return;
		}
		refused(report, failure.getOutcome(), failure.getErrorCode());
	}

	void refused(UsageReport report, String status) {
		this.errors.seen(status);
		refused(report, MeteringErrors.outcomeOf(status, 200), status);
	}

	private void refused(UsageReport report, MeteringOutcome outcome, String errorCode) {
		if (FOREIGN_RECORD.contains(errorCode)) {
			moveForward(report, errorCode);
		}
		else if (MeteringErrors.IDEMPOTENCY_CONFLICT.equals(errorCode)) {
			deadLetter(report, outcome + " " + errorCode + ": one ClientToken was sent with two contents, "
					+ "which only a defect of metering-spring-boot can cause; please report it");
		}
		else {
			deadLetter(report, outcome + " " + errorCode);
		}
	}

	private void moveForward(UsageReport report, String errorCode) {
		if (logger.isDebugEnabled()) {
			ReportLogFields.of(logger.atDebug(), report)
				.log("AWS Marketplace already holds another record for " + describe(report) + " (" + errorCode
						+ "); moving it into the open hour");
		}
		settle(report, Settlement.movedForward(errorCode + ": AWS already holds another record for this key and "
				+ "hour, one this ledger did not send; the quantity moved into the next open hour"));
		if (this.movedThisRun++ == 0) {
			this.firstMovedThisRun = report;
		}
		this.unitsMovedThisRun += report.quantity();
	}

	/**
	 * Log, once for the report run that ends, the reports whose usage moved forward
	 * because AWS already held another record for them, then start counting afresh.
	 */
	void runEnded() {
		if (this.movedThisRun > 0) {
			ReportLogFields.of(logger.atWarn(), this.firstMovedThisRun)
				.addKeyValue(ReportLogFields.ERROR_CODES, this.errors.summary())
				.log("AWS Marketplace already held another record for " + this.movedThisRun
						+ " usage report(s) of this run (" + this.unitsMovedThisRun
						+ " units; AWS Marketplace error codes: " + this.errors.summary()
						+ "), records this ledger did " + "not send, for example " + describe(this.firstMovedThisRun)
						+ ". That usage is not billed yet: "
						+ "it moved into the next open hour and is billed there, up to an hour late. Likely causes: the "
						+ "ledger directory was lost (a container without a volume), a second writer reports the same "
						+ "product and customers, or the application restarted with the same task or pod identity and "
						+ "an empty ledger");
		}
		this.movedThisRun = 0;
		this.unitsMovedThisRun = 0;
		this.firstMovedThisRun = null;
	}

	private void expired(UsageReport report, String reason) {
		if (this.expiredUsage == ExpiredUsage.CARRY_FORWARD) {
			ReportLogFields.of(logger.atWarn(), report)
				.log("Carrying " + describe(report) + " forward into the open hour: " + reason);
			settle(report, Settlement.carriedForward(reason));
		}
		else {
			deadLetter(report, "EXPIRED " + reason);
		}
	}

	private void deadLetter(UsageReport report, String reason) {
		ReportLogFields.of(logger.atError(), report)
			.log("AWS Marketplace refused " + describe(report) + " for good (" + reason
					+ "); it is kept as a dead letter and will not be sent again");
		settle(report, Settlement.deadLettered(reason));
	}

	/**
	 * Settle a report whose usage another ledger took over and reports itself: a fleet
	 * replica's local report once its totals are committed in the shared ledger. It ends
	 * {@link ReportState#REPORTED reported}, with the holder as its record id.
	 * @param report the pending report handed over
	 * @param holder who holds its usage now, for the record (e.g.
	 * {@code fleet:<replica>})
	 */
	public void handedOver(UsageReport report, String holder) {
		Assert.hasText(holder, "'holder' must not be empty");
		settle(report, Settlement.reported(holder));
	}

	/**
	 * Acknowledge an open dead letter for an operator: it stays in the ledger with who
	 * acknowledged it, and no longer counts as an open dead letter (nor turns the health
	 * down). Its usage is not billed.
	 * @param reportId the id of the dead letter
	 * @param actor who asks, for the record
	 * @throws IllegalArgumentException if there is no open dead letter with that id, or
	 * the actor is empty
	 */
	public void acknowledge(String reportId, String actor) {
		UsageReport deadLetter = openDeadLetter(reportId, actor, "acknowledged");
		settle(deadLetter, Settlement.acknowledged(actor, null));
		ReportLogFields.of(logger.atWarn(), deadLetter)
			.log(actor + " acknowledged the dead letter " + describe(deadLetter) + " (" + deadLetter.reason()
					+ "); its usage is not billed");
	}

	/**
	 * Replay an open dead letter for an operator: its quantities, per tag set, move into
	 * the open hour in the same step, and are reported with that hour. Replay a dead
	 * letter once its cause is fixed (a subscription, a dimension, a tag).
	 * @param reportId the id of the dead letter
	 * @param actor who asks, for the record
	 * @throws IllegalArgumentException if there is no open dead letter with that id, or
	 * the actor is empty
	 */
	public void replay(String reportId, String actor) {
		UsageReport deadLetter = openDeadLetter(reportId, actor, "replayed");
		settle(deadLetter, Settlement.replayed(actor, null));
		ReportLogFields.of(logger.atWarn(), deadLetter)
			.log(actor + " replayed the dead letter " + describe(deadLetter) + " (" + deadLetter.reason()
					+ "); its usage moved into the open hour and is reported with it");
	}

	private UsageReport openDeadLetter(String reportId, String actor, String action) {
		Assert.hasText(actor, () -> "'actor' must name who asks for the dead letter '" + reportId + "' to be " + action
				+ ", was '" + actor + "'");
		return this.outbox.deadLetters()
			.stream()
			.filter((report) -> report.id().equals(reportId))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("'reportId' " + reportId + " names no open dead letter: "
					+ "only a dead letter not yet acknowledged or replayed can be " + action));
	}

	private void settle(UsageReport report, Settlement settlement) {
		this.outbox.settle(report, settlement);
		this.statistics.settled(settlement.state());
	}

	private static String describe(UsageReport report) {
		return "usage of " + report.quantity() + " " + report.dimension() + " in hour " + report.hour()
				+ ((report.customer() != null) ? " for customer " + report.customer() : "") + " (report " + report.id()
				+ ")";
	}

}
