package dev.metering.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The usage of one open hour, per key. Writers {@link #enter() enter} the bucket before
 * adding and {@link #exit(int) exit} after; {@link #seal() sealing} closes the gate to
 * new writers and waits for the ones inside, so that the totals read afterwards are
 * final: a racing writer either got in (and is counted) or was turned away (and moves on
 * to a later hour). The gate is a sealed flag and a count of the writers inside per
 * {@link ThreadStripes stripe} of threads, each on a cache line of its own, so that
 * concurrent writers do not contend for one word: a writer counts itself in and then
 * reads the flag, the sealer sets the flag and then waits for every count to be zero, so
 * (all of these being volatile accesses) either the writer sees the flag or the sealer
 * sees the writer.
 *
 * @author metering-spring-boot
 */
final class HourBucket {

	static final int SEALED = -1;

	/** Ints between two stripe counts: 128 bytes, a cache line pair of its own. */
	private static final int SPACING = 32;

	private static final int SPINS_BEFORE_YIELD = 1_000;

	private final int hour;

	/** Stripe counts from index {@link #SPACING} on, clear of the array's header. */
	private final AtomicIntegerArray inside = new AtomicIntegerArray((ThreadStripes.COUNT + 1) * SPACING);

	private volatile boolean sealed;

	private final ConcurrentHashMap<KeyRef, LongAdder> usage = new ConcurrentHashMap<>();

	HourBucket(int hour) {
		this.hour = hour;
	}

	int hour() {
		return this.hour;
	}

	/**
	 * Enter the bucket, unless it is sealed.
	 * @return {@link #SEALED} if it is sealed; otherwise a ticket: the caller is inside
	 * and may {@link #add}, and must then {@link #exit(int) exit} with the ticket
	 */
	int enter() {
		int ticket = (ThreadStripes.current() + 1) * SPACING;
		this.inside.incrementAndGet(ticket);
		if (this.sealed) {
			this.inside.decrementAndGet(ticket);
			return SEALED;
		}
		return ticket;
	}

	void add(KeyRef key, long quantity) {
		LongAdder adder = this.usage.get(key);
		if (adder == null) {
			adder = this.usage.computeIfAbsent(key, (k) -> new LongAdder());
		}
		adder.add(quantity);
	}

	void exit(int ticket) {
		this.inside.decrementAndGet(ticket);
	}

	/**
	 * Turn new writers away and wait until the ones inside have left.
	 */
	void seal() {
		this.sealed = true;
		int spins = 0;
		for (int stripe = 1; stripe <= ThreadStripes.COUNT; stripe++) {
			while (this.inside.get(stripe * SPACING) != 0) {
				if (++spins < SPINS_BEFORE_YIELD) {
					Thread.onSpinWait();
				}
				else {
					Thread.yield();
				}
			}
		}
	}

	/**
	 * Return the usage so far; final once {@link #seal() sealed}.
	 * @return the quantity per key
	 */
	/**
	 * Return the live totals per key, without copying them.
	 * @return the totals, read as they are being added to
	 */
	Iterable<Map.Entry<KeyRef, LongAdder>> liveTotals() {
		return this.usage.entrySet();
	}

	Map<KeyRef, Long> totals() {
		Map<KeyRef, Long> totals = new HashMap<>();
		this.usage.forEach((key, adder) -> totals.put(key, adder.sum()));
		return totals;
	}

}
