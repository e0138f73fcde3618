package dev.metering.reporting;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the reporter has done: records per outcome, and the last report cycle. Read by
 * health, metrics and the actuator endpoint; never by the reporter itself.
 *
 * @author metering-spring-boot
 */
public class ReportingStatistics {

	private final Map<ReportOutcome, LongAdder> records = new ConcurrentHashMap<>();

	private final LongAdder calls = new LongAdder();

	private final LongAdder callNanos = new LongAdder();

	private volatile Cycle lastCycle;

	private volatile Instant lastSuccess;

	void increment(ReportOutcome outcome) {
		this.records.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
	}

	void called(long nanos) {
		this.calls.increment();
		this.callNanos.add(nanos);
	}

	void cycleEnded(Cycle cycle) {
		this.lastCycle = cycle;
		if (cycle.failure() == null && cycle.pending() == 0) {
			this.lastSuccess = cycle.ended();
		}
	}

	/**
	 * Return how many records ended with the given outcome.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long count(ReportOutcome outcome) {
		LongAdder count = this.records.get(outcome);
		return (count != null) ? count.sum() : 0;
	}

	/**
	 * Return the count of records per outcome.
	 * @return the counts, in outcome order
	 */
	public Map<ReportOutcome, Long> counts() {
		Map<ReportOutcome, Long> counts = new TreeMap<>();
		this.records.forEach((outcome, count) -> counts.put(outcome, count.sum()));
		return counts;
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
	 * Return when the last report cycle ended that left no report pending: AWS settled
	 * every report it sent, or there was nothing to send.
	 * @return the end of that cycle, or {@code null} before the first
	 */
	public Instant lastSuccess() {
		return this.lastSuccess;
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
