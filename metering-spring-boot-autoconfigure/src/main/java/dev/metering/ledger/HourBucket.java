package dev.metering.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The usage of one open hour, per key. Writers {@link #enter() enter} the bucket before
 * adding and {@link #exit() exit} after; {@link #seal() sealing} closes the gate to new
 * writers and waits for the ones inside, so that the totals read afterwards are final: a
 * racing writer either got in (and is counted) or was turned away (and moves on to a
 * later hour). The gate is one atomic int: the sign bit is the sealed flag, the other
 * bits count the writers inside.
 *
 * @author metering-spring-boot
 */
final class HourBucket {

	private static final int SEALED = 0x8000_0000;

	private static final int SPINS_BEFORE_YIELD = 1_000;

	private final int hour;

	private final AtomicInteger gate = new AtomicInteger();

	private final ConcurrentHashMap<KeyRef, LongAdder> usage = new ConcurrentHashMap<>();

	HourBucket(int hour) {
		this.hour = hour;
	}

	int hour() {
		return this.hour;
	}

	/**
	 * Enter the bucket, unless it is sealed.
	 * @return whether the caller is inside and may {@link #add}; it must then
	 * {@link #exit()}
	 */
	boolean enter() {
		int state;
		do {
			state = this.gate.get();
			if ((state & SEALED) != 0) {
				return false;
			}
		}
		while (!this.gate.compareAndSet(state, state + 1));
		return true;
	}

	void add(KeyRef key, long quantity) {
		LongAdder adder = this.usage.get(key);
		if (adder == null) {
			adder = this.usage.computeIfAbsent(key, (k) -> new LongAdder());
		}
		adder.add(quantity);
	}

	void exit() {
		this.gate.decrementAndGet();
	}

	/**
	 * Turn new writers away and wait until the ones inside have left.
	 */
	void seal() {
		this.gate.getAndUpdate((state) -> state | SEALED);
		int spins = 0;
		while ((this.gate.get() & ~SEALED) != 0) {
			if (++spins < SPINS_BEFORE_YIELD) {
				Thread.onSpinWait();
			}
			else {
				Thread.yield();
			}
		}
	}

	/**
	 * Return the usage so far; final once {@link #seal() sealed}.
	 * @return the quantity per key
	 */
	Map<KeyRef, Long> totals() {
		Map<KeyRef, Long> totals = new HashMap<>();
		this.usage.forEach((key, adder) -> totals.put(key, adder.sum()));
		return totals;
	}

}
