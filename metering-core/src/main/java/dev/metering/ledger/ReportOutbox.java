package dev.metering.ledger;

import java.time.Instant;
import java.util.List;

/**
 * The reporter's face of the ledger: closed hours become reports, which are sent and
 * settled. A report leaves the pending state only through {@link #settle}; the one class
 * that settles is the reporting package's {@code ReportSettler}.
 * <p>
 * Implementations are thread-safe, and every change is as durable as the ledger before it
 * takes effect.
 *
 * @author metering-spring-boot
 */
public interface ReportOutbox {

	/**
	 * Seal every open hour that starts before the given instant: its usage becomes
	 * {@link ReportState#CLOSED closed} reports, together with a zero-usage report for
	 * each of the ledger's zero-usage dimensions, and usage recorded later for such an
	 * hour goes into the first hour at or after it. Idempotent.
	 * @param before the instant before which hours are sealed
	 * @return the reports this call created
	 */
	List<UsageReport> seal(Instant before);

	/**
	 * Return the reports that still have to be sent, oldest hour first.
	 * @return the pending reports
	 */
	List<UsageReport> pending();

	/**
	 * Return the dead letters no operator acknowledged or replayed yet, oldest hour
	 * first.
	 * @return the open dead letters
	 */
	List<UsageReport> deadLetters();

	/**
	 * Note that a pending report is being sent.
	 * @param report the report
	 */
	void markSending(UsageReport report);

	/**
	 * Change the state of a report: a pending report ends (reported, carried or moved
	 * forward, dead-lettered), or an operator acknowledges or replays a dead letter.
	 * Carrying, moving and replaying move the report's quantities, per tag set, into the
	 * open hour in the same step.
	 * @param report the report
	 * @param settlement how it ended
	 * @throws IllegalStateException if the ledger holds no such report, or its state
	 * cannot change that way
	 */
	void settle(UsageReport report, Settlement settlement);

}
