package dev.metering.entitlement;

import java.time.Duration;

/**
 * Waits between attempts; replaced in tests so that nothing really waits.
 *
 * @author metering-spring-boot
 */
@FunctionalInterface
interface Sleeper {

	/**
	 * Wait for the given time.
	 * @param duration how long to wait
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	void sleep(Duration duration) throws InterruptedException;

	/**
	 * Return a sleeper that blocks the current thread.
	 * @return the sleeper
	 */
	static Sleeper threadSleep() {
		return (duration) -> Thread.sleep(duration.toMillis());
	}

}
