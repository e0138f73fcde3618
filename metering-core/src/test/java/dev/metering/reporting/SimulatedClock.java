package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code speedUp} times faster than the wall clock from a fixed base
 * instant: {@code base + (currentTimeMillis - realStartMillis) * speedUp}. Two processes
 * given the same three numbers compute the same time, so that a test and the child JVMs
 * it kills agree on which hours have ended. {@link #advance} moves it further on, in the
 * process that calls it only.
 */
final class SimulatedClock extends Clock {

	private final Instant base;

	private final long realStartMillis;

	private final long speedUp;

	private volatile Duration advanced = Duration.ZERO;

	SimulatedClock(Instant base, long realStartMillis, long speedUp) {
		this.base = base;
		this.realStartMillis = realStartMillis;
		this.speedUp = speedUp;
	}

	void advance(Duration duration) {
		this.advanced = this.advanced.plus(duration);
	}

	/**
	 * Return how many real milliseconds one simulated hour takes.
	 * @return the real duration of a simulated hour
	 */
	Duration realHour() {
		return Duration.ofHours(1).dividedBy(this.speedUp);
	}

	@Override
	public Instant instant() {
		long elapsed = (System.currentTimeMillis() - this.realStartMillis) * this.speedUp;
		return this.base.plusMillis(elapsed).plus(this.advanced);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException();
	}

}
