package dev.metering.ledger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The durable usage of the open hours: for each key and hour, a {@link Segment.Counter}
 * per {@link ThreadStripes stripe} of recording threads, so that concurrent threads
 * rarely add to the same counter, the way a {@code LongAdder} stripes its cells. A
 * counter is allocated on its stripe's first use of the key in the hour, and again when
 * it cannot hold a record.
 * <p>
 * Only the record path adds to the counters, inside the open hour's bucket; recovery
 * reads them back from the segments. Once an hour is sealed its counters are
 * {@link #forgetBefore forgotten} here (the segments keep them until compaction).
 *
 * @author metering-spring-boot
 */
final class DurableCounters {

	private final SegmentLog log;

	private final ConcurrentHashMap<Integer, HourCounters> hours = new ConcurrentHashMap<>();

	private volatile HourCounters latest;

	DurableCounters(SegmentLog log) {
		this.log = log;
	}

	/**
	 * Add usage to the counters of a key and an open hour.
	 * @param key the key
	 * @param hour the hour
	 * @param quantity the quantity
	 */
	void add(KeyRef key, int hour, long quantity) {
		HourCounters counters = this.latest;
		if (counters == null || counters.hour != hour) {
			counters = this.hours.computeIfAbsent(hour, HourCounters::new);
			this.latest = counters;
		}
		counters.add(key, quantity);
	}

	/**
	 * Drop the counters of sealed hours, which no writer adds to any more.
	 * @param hour the first open hour
	 */
	void forgetBefore(int hour) {
		this.hours.keySet().removeIf((counted) -> counted < hour);
		this.latest = null;
	}

	private final class HourCounters {

		private final int hour;

		private final ConcurrentHashMap<KeyRef, AtomicReferenceArray<Segment.Counter>> byKey = new ConcurrentHashMap<>();

		HourCounters(int hour) {
			this.hour = hour;
		}

		void add(KeyRef key, long quantity) {
			AtomicReferenceArray<Segment.Counter> stripes = this.byKey.get(key);
			if (stripes == null) {
				stripes = this.byKey.computeIfAbsent(key, (k) -> new AtomicReferenceArray<>(ThreadStripes.COUNT));
			}
			int stripe = ThreadStripes.current();
			Segment.Counter counter = stripes.get(stripe);
			while (counter == null || !counter.add(quantity)) {
				counter = replace(stripes, stripe, counter, key);
			}
		}

		/**
		 * Allocate a counter for a stripe whose counter is still the missing or full one.
		 */
		private Segment.Counter replace(AtomicReferenceArray<Segment.Counter> stripes, int stripe, Segment.Counter full,
				KeyRef key) {
			synchronized (stripes) {
				Segment.Counter current = stripes.get(stripe);
				if (current == full) {
					current = DurableCounters.this.log.allocate(key.id(), this.hour);
					stripes.set(stripe, current);
				}
				return current;
			}
		}

	}

}
