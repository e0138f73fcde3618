package dev.metering.ledger;

import java.io.Closeable;

/**
 * The single place recorded usage lives until AWS has confirmed it: the face of the
 * ledger for those who write usage and those who read it.
 * <p>
 * Usage is {@link #record recorded} into the open hour of the ledger's clock and
 * aggregated per {@link UsageKey} and hour. The reporter turns closed hours into reports
 * and settles them through the ledger's other face, the {@link ReportOutbox}.
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
	 * nor held in memory (see {@link LedgerSummary#storage()}); nothing of it was
	 * recorded, and it was counted as lost
	 */
	void record(UsageKey key, long quantity);

	/**
	 * Return a consistent copy of the ledger, for inspection (the actuator endpoint).
	 * @return the view
	 */
	LedgerView view();

	/**
	 * Return the ledger's totals: pending quantity, oldest unreported hour, reports per
	 * state, dead letters, storage. Unlike {@link #view()} it copies no report and takes
	 * no ledger-wide lock, so health and metrics read it as often as they like.
	 * @return the summary
	 */
	LedgerSummary summary();

}
