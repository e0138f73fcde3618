package dev.metering.aop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import dev.metering.ledger.LedgerSummary;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;

/**
 * Thread-safe {@link UsageLedger} test double that sums recorded quantities per key and
 * can be told to fail; only {@link #record} is supported.
 */
public class SummingUsageLedger implements UsageLedger {

	private final Map<UsageKey, LongAdder> quantities = new ConcurrentHashMap<>();

	private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

	@Override
	public void record(UsageKey key, long quantity) {
		RuntimeException ex = this.failure.get();
		if (ex != null) {
			throw ex;
		}
		this.quantities.computeIfAbsent(key, (k) -> new LongAdder()).add(quantity);
	}

	/**
	 * Make every following {@link #record} call throw the given exception.
	 * @param ex the exception
	 */
	public void failWith(RuntimeException ex) {
		this.failure.set(ex);
	}

	/**
	 * Return the sum recorded for a key, or {@code null} when nothing was recorded for
	 * it.
	 * @param key the key
	 * @return the sum or {@code null}
	 */
	public Long quantity(UsageKey key) {
		LongAdder sum = this.quantities.get(key);
		return (sum != null) ? sum.sum() : null;
	}

	/**
	 * Return the sums recorded per key.
	 * @return the sums
	 */
	public Map<UsageKey, Long> quantities() {
		Map<UsageKey, Long> sums = new ConcurrentHashMap<>();
		this.quantities.forEach((key, sum) -> sums.put(key, sum.sum()));
		return sums;
	}

	@Override
	public LedgerView view() {
		throw new UnsupportedOperationException();
	}

	@Override
	public LedgerSummary summary() {
		throw new UnsupportedOperationException();
	}

	@Override
	public void close() {
	}

}
