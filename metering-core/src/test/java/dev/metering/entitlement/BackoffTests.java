package dev.metering.entitlement;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Backoff}.
 */
class BackoffTests {

	@Test
	void exponentialWithJitterDoublesUpToTheMaximumAndStaysInTheUpperHalf() {
		Backoff backoff = Backoff.exponentialWithJitter(Duration.ofMillis(200), Duration.ofSeconds(5), new Random(7));
		long[] caps = { 200, 400, 800, 1600, 3200, 5000, 5000, 5000 };
		for (int attempt = 1; attempt <= caps.length; attempt++) {
			long cap = caps[attempt - 1];
			assertThat(backoff.delay(attempt).toMillis()).isBetween(cap / 2, cap);
		}
		assertThat(backoff.delay(1000).toMillis()).isBetween(2500L, 5000L);
	}

	@Test
	void jitterSpreadsTheDelays() {
		Backoff backoff = Backoff.exponentialWithJitter(Duration.ofMillis(200), Duration.ofSeconds(5), new Random(7));
		assertThat(IntStream.range(0, 20).mapToObj((i) -> backoff.delay(6)).distinct().count()).isGreaterThan(1);
	}

}
