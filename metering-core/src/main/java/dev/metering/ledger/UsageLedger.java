package dev.metering.ledger;

import java.io.Closeable;
import java.time.Instant;
import java.util.List;

/**
 * The single place recorded usage lives until AWS has confirmed it.
 * <p>
 * Usage is {@link #record recorded} into the open hour of the ledger's clock and
 * aggregated per {@link UsageKey} and hour. {@link #seal Sealing} turns every hour before
 * a given instant into {@link UsageReport reports} (one per dimension, customer and hour,
 * with all tag sets as allocations), fixing the request that will be sent. Usage that
 * arrives for a sealed hour goes into the next open hour, never into the sealed one. A
 * report leaves the pending state only through {@link #markReported},
 * {@link #carryForward}, {@link #moveForward} or {@link #deadLetter}.
 * <p>
 * Implementations are thread-safe; {@link #record} is lock-free and never blocks on I/O.
 *
 * @author metering-spring-boot
 */
public interface UsageLedger extends Closeable {

	/**
	 * The largest quantity of one {@link #record} (2<sup>40</sup> - 1, about 512 times
	 * the 2,147,483,647 AWS accepts per record and hour); an hour's total may be larger.
	 */
	long MAX_RECORD_QUANTITY = (1L << 40) - 1;

	/**
	 * Add a quantity to the open hour. When this returns, the quantity is held as durably
	 * as the implementation promises.
	 * @param key what the usage is for
	 * @param quantity the quantity, from 0 to {@link #MAX_RECORD_QUANTITY}
	 * @throws IllegalArgumentException if the quantity is out of that range
	 * @throws java.io.UncheckedIOException if the quantity could neither be made durable
	 * nor held in memory (see {@link #storage()}); nothing of it was recorded, and it was
	 * counted as lost
	 */
	void record(UsageKey key, long quantity);

	/**
	 * Seal every open hour that starts before the given instant: its usage becomes
	 * {@link ReportState#CLOSED closed} reports, and usage recorded later for such an
	 * hour goes into the first hour at or after it. Idempotent.
	 * @param before the instant before which hours are sealed
	 * @return the reports this call created
	 */
	List<UsageReport> seal(Instant before);

	/**
	 * Return the reports that still have to be sent, oldest hour first.
	 * @return the pending reports
	 */
	List<UsageReport> pendingReports();

	/**
	 * Note that a pending report is being sent.
	 * @param reportId the report id
	 */
	void markSending(String reportId);

	/**
	 * Note that AWS confirmed a report (a record id, or an identical-resend answer).
	 * @param reportId the report id
	 * @param meteringRecordId the record id AWS answered
	 */
	void markReported(String reportId, String meteringRecordId);

	/**
	 * Close a report whose hour AWS no longer accepts, moving its quantities, per tag
	 * set, into the open hour in the same step.
	 * @param reportId the report id
	 * @param reason why, for the record
	 */
	void carryForward(String reportId, String reason);

	/**
	 * Close a report because AWS already holds another record for its key and hour (a
	 * lost ledger directory, a second writer), moving its quantities, per tag set, into
	 * the open hour in the same step: AWS did not bill them.
	 * @param reportId the report id
	 * @param reason why, for the record
	 */
	void moveForward(String reportId, String reason);

	/**
	 * Close a report AWS refused for good, keeping it with the reason.
	 * @param reportId the report id
	 * @param reason why, for the record and the alert
	 */
	void deadLetter(String reportId, String reason);

	/**
	 * Return a consistent view of the ledger for inspection.
	 * @return the view
	 */
	LedgerView view();

	/**
	 * Return the ledger's totals: pending quantity, oldest unreported hour, reports per
	 * state. Unlike {@link #view()} it copies no report and takes no ledger-wide lock, so
	 * health and metrics read it as often as they like. The ledgers of this library keep
	 * it up to date as usage is recorded and reports change; this default summarizes a
	 * {@link #view()}.
	 * @return the summary
	 */
	default LedgerSummary summary() {
		return LedgerSummary.of(view());
	}

	/**
	 * Return whether the ledger can make usage durable now, and what it holds in memory
	 * or lost because it could not. A ledger that never fails to write says so.
	 * @return the storage state
	 */
	default LedgerStorage storage() {
		return new LedgerStorage(null, -1, null, 0, 0, 0, 0);
	}

}
