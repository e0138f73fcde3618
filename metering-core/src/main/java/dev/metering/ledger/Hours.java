package dev.metering.ledger;

import java.time.Instant;

/**
 * Hours as small integers: the number of whole hours since the epoch.
 *
 * @author metering-spring-boot
 */
final class Hours {

	private static final long SECONDS_PER_HOUR = 3600;

	private Hours() {
	}

	/**
	 * Return the hour an instant falls in.
	 * @param instant the instant
	 * @return the hour
	 */
	static int of(Instant instant) {
		return Math.toIntExact(Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_HOUR));
	}

	/**
	 * Return the first hour starting at or after an instant.
	 * @param instant the instant
	 * @return the hour
	 */
	static int ceiling(Instant instant) {
		int hour = of(instant);
		return start(hour).equals(instant) ? hour : hour + 1;
	}

	/**
	 * Return the instant an hour starts.
	 * @param hour the hour
	 * @return its start
	 */
	static Instant start(int hour) {
		return Instant.ofEpochSecond(hour * SECONDS_PER_HOUR);
	}

}
