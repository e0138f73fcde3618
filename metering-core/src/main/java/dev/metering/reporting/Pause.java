package dev.metering.reporting;

import java.time.Duration;

/**
 * How a report run waits between attempts: in real time, woken early when its deadline is
 * cut short; replaced in tests by one that moves an injected clock on.
 *
 * @author metering-spring-boot
 */
@FunctionalInterface
interface Pause {

	/** Waits in real time, and returns early when the deadline is cut short. */
	Pause REAL_TIME = (duration, deadline) -> deadline.awaitCut(duration);

	/**
	 * Wait for the given time, or less when the deadline is cut short.
	 * @param duration how long to wait
	 * @param deadline the deadline of the run that waits
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	void pause(Duration duration, Deadline deadline) throws InterruptedException;

}
