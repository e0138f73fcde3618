package dev.metering.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Recorded usage a ledger could not make durable yet, held in memory per key and hour up
 * to a limit of keys, and the units refused past that limit (lost).
 *
 * @author metering-spring-boot
 */
final class HeldUsage {

	private final int limit;

	private final Map<Slot, Long> held = new ConcurrentHashMap<>();

	private final LongAdder lost = new LongAdder();

	private volatile boolean empty = true;

	HeldUsage(int limit) {
		this.limit = limit;
	}

	int limit() {
		return this.limit;
	}

	/**
	 * Hold a quantity, if its key and hour are held already or the limit allows one more.
	 * @param key the key
	 * @param hour the hour it was recorded in
	 * @param quantity the quantity
	 * @return whether it is held; if not, it is counted as lost
	 */
	synchronized boolean hold(UsageKey key, int hour, long quantity) {
		Slot slot = new Slot(key, hour);
		if (!this.held.containsKey(slot) && this.held.size() >= this.limit) {
			this.lost.add(quantity);
			return false;
		}
		this.held.merge(slot, quantity, Long::sum);
		this.empty = false;
		return true;
	}

	/**
	 * Whether nothing is held; a cheap read for the hot path.
	 * @return {@code true} if nothing is held
	 */
	boolean isEmpty() {
		return this.empty;
	}

	/**
	 * Return what is held now.
	 * @return the held quantities
	 */
	Map<Slot, Long> entries() {
		return new HashMap<>(this.held);
	}

	/**
	 * Note that a held quantity was written; more held meanwhile stays held.
	 * @param slot the key and hour
	 * @param written the quantity written
	 */
	synchronized void written(Slot slot, long written) {
		this.held.computeIfPresent(slot, (key, quantity) -> (quantity == written) ? null : quantity - written);
		this.empty = this.held.isEmpty();
	}

	/**
	 * Count held usage as lost, because the ledger closes before it could be written.
	 * @return the units lost
	 */
	synchronized long loseAll() {
		long units = units();
		this.lost.add(units);
		this.held.clear();
		this.empty = true;
		return units;
	}

	long units() {
		return this.held.values().stream().mapToLong(Long::longValue).sum();
	}

	int keys() {
		return this.held.size();
	}

	long lost() {
		return this.lost.sum();
	}

	/**
	 * The key and hour of held usage.
	 *
	 * @param key the key
	 * @param hour the hour it was recorded in
	 */
	record Slot(UsageKey key, int hour) {

	}

}
