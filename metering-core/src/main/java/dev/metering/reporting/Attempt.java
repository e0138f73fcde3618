package dev.metering.reporting;

import dev.metering.core.MeteringException;

/**
 * How a call through {@link ResilientCall} ended.
 *
 * @param <T> the type of the answer
 * @author metering-spring-boot
 */
sealed interface Attempt<T> {

	/**
	 * AWS answered.
	 *
	 * @param <T> the type of the answer
	 * @param value the answer
	 */
	record Answered<T>(T value) implements Attempt<T> {

	}

	/**
	 * AWS refused for good (expired, duplicate, rejected, not entitled).
	 *
	 * @param <T> the type of the answer
	 * @param failure the refusal
	 */
	record Refused<T>(MeteringException failure) implements Attempt<T> {

	}

	/**
	 * No answer that settles the request: retries are used up for this run, or its
	 * deadline passed.
	 *
	 * @param <T> the type of the answer
	 * @param failure the last failure, or {@code null} when the deadline passed before
	 * the first attempt
	 */
	record Unanswered<T>(Exception failure) implements Attempt<T> {

	}

}
