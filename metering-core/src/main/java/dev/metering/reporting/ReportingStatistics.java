package dev.metering.reporting;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.metering.ledger.ReportState;

/**
 * What the reporter has done: records settled per {@link ReportState}, attempts retried,
 * and the last report cycle. Read by health, metrics and the actuator endpoint; never by
 * the reporter itself.
 *
 * @author metering-spring-boot
 */
public class ReportingStatistics {

	private final Map<ReportState, LongAdder> settled = new EnumMap<>(ReportState.class);

	private final LongAdder retries = new LongAdder();

	private final LongAdder calls = new LongAdder();

	private final LongAdder callNanos = new LongAdder();

	private volatile Cycle lastCycle;

	ReportingStatistics() {
		for (ReportState state : ReportState.values()) {
			if (!state.isPending()) {
				this.settled.put(state, new LongAdder());
			}
		}
	}

	void settled(ReportState state) {
		this.settled.get(state).increment();
	}

	void retried() {
		this.retries.increment();
	}

	void called(long nanos) {
		this.calls.increment();
		this.callNanos.add(nanos);
	}

	void cycleEnded(Cycle cycle) {
		this.lastCycle = cycle;
	}

	/**
	 * Return how many records the reporter settled into the given state.
	 * @param state the state
	 * @return the count, 0 for a pending state
	 */
	public long count(ReportState state) {
		LongAdder count = this.settled.get(state);
		return (count != null) ? count.sum() : 0;
	}

	/**
	 * Return the count of records settled per state, in state order, for every state a
	 * report can be settled into.
	 * @return the counts
	 */
	public Map<ReportState, Long> counts() {
		Map<ReportState, Long> counts = new EnumMap<>(ReportState.class);
		this.settled.forEach((state, count) -> counts.put(state, count.sum()));
		return counts;
	}

	/**
	 * Return how many attempts failed and were retried (throttling, 5xx, I/O, unprocessed
	 * records, refused credentials).
	 * @return the count of retries
	 */
	public long retries() {
		return this.retries.sum();
	}

	/**
	 * Return how many calls (attempts) were made to the Metering Service.
	 * @return the count of calls
	 */
	public long calls() {
		return this.calls.sum();
	}

	/**
	 * Return the total time the calls to the Metering Service took.
	 * @return the total time in nanoseconds
	 */
	public long callNanos() {
		return this.callNanos.sum();
	}

	/**
	 * Return the last report cycle, or {@code null} before the first.
	 * @return the last cycle
	 */
	public Cycle lastCycle() {
		return this.lastCycle;
	}

	/**
	 * One report cycle.
	 *
	 * @param started when the cycle started
	 * @param ended when it ended
	 * @param reported records AWS confirmed
	 * @param pending records still waiting to be sent (for example after throttling)
	 * @param failure why the cycle failed, or {@code null}
	 */
	public record Cycle(Instant started, Instant ended, int reported, int pending, String failure) {

	}

}
