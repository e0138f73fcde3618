package dev.metering.entitlement;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next attempt after a retryable failure.
 *
 * @author metering-spring-boot
 */
@FunctionalInterface
public interface Backoff {

	/**
	 * Return the delay after a failed attempt.
	 * @param attempt the number of the failed attempt, from 1
	 * @return the delay
	 */
	Duration delay(int attempt);

	/**
	 * Return an exponential backoff with equal jitter: the delay after attempt {@code n}
	 * is between half and all of {@code min(max, initial * 2^(n-1))}.
	 * @param initial the delay cap after the first attempt
	 * @param max the largest delay cap
	 * @return the backoff
	 */
	static Backoff exponentialWithJitter(Duration initial, Duration max) {
		return exponentialWithJitter(initial, max, new Random());
	}

	/**
	 * Return an exponential backoff with equal jitter from the given random source.
	 * @param initial the delay cap after the first attempt
	 * @param max the largest delay cap
	 * @param random the random source of the jitter
	 * @return the backoff
	 */
	static Backoff exponentialWithJitter(Duration initial, Duration max, RandomGenerator random) {
		return (attempt) -> {
			long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 30));
			long half = cap / 2;
			return Duration.ofMillis(half + random.nextLong(cap - half + 1));
		};
	}

}
