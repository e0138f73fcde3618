package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * When a report run must end. Past it the run starts no attempt, and it never waits
 * (backoff, rate-limiter permit) beyond it; a call in flight is not interrupted (an
 * interrupt must never break the ledger's file I/O), so the run ends at its next attempt
 * boundary and what is not confirmed stays pending in the ledger. The reporter's stop
 * cuts a deadline short by counting down its latch, which also wakes a run that waits
 * between attempts.
 *
 * @author metering-spring-boot
 */
final class Deadline {

	private final Clock clock;

	private final Instant at;

	private final CountDownLatch cut;

	private final Pause pause;

	/**
	 * Create a deadline.
	 * @param clock the clock it is measured on
	 * @param at when it passes
	 * @param cut counted down when it is cut short (a latch may be shared by several
	 * deadlines)
	 * @param pause how to wait on this clock
	 */
	Deadline(Clock clock, Instant at, CountDownLatch cut, Pause pause) {
		this.clock = clock;
		this.at = at;
		this.cut = cut;
		this.pause = pause;
	}

	/**
	 * Return this deadline, or an earlier one cut short together with it.
	 * @param limit the latest instant
	 * @return a deadline no later than {@code limit}
	 */
	Deadline notAfter(Instant limit) {
		return limit.isBefore(this.at) ? new Deadline(this.clock, limit, this.cut, this.pause) : this;
	}

	Instant at() {
		return this.at;
	}

	boolean hasPassed() {
		return isCut() || !this.clock.instant().isBefore(this.at);
	}

	Duration remaining() {
		return hasPassed() ? Duration.ZERO : Duration.between(this.clock.instant(), this.at);
	}

	/**
	 * Wait, unless the wait would end at or past the deadline: then return at once, so
	 * that no time is spent on an attempt that could not start.
	 * @param wait how long to wait
	 * @return whether the deadline still allows an attempt after the wait
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	boolean waitFor(Duration wait) throws InterruptedException {
		if (wait.isZero() || wait.isNegative()) {
			return !hasPassed();
		}
		if (isCut() || !this.clock.instant().plus(wait).isBefore(this.at)) {
			return false;
		}
		this.pause.pause(wait, this);
		return !hasPassed();
	}

	/**
	 * Wait in real time, returning early when the deadline is cut short.
	 * @param wait how long to wait at most
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	void awaitCut(Duration wait) throws InterruptedException {
		this.cut.await(wait.toNanos(), TimeUnit.NANOSECONDS);
	}

	boolean isCut() {
		return this.cut.getCount() == 0;
	}

}
