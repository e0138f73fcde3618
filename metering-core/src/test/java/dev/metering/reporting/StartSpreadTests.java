package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.ReportOutbox;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * A fleet of simulated replicas, each a {@link UsageReporter} with its own random source
 * on one clock: their hourly runs start spread over the configured start spread, not all
 * in the same second.
 */
class StartSpreadTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:30:00Z");

	private static final Instant NEXT_HOUR = NOW.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));

	private static final int REPLICAS = 100;

	@Test
	void theHourlyStartsOfAFleetSpreadOverTheConfiguredWindow() {
		Duration spread = Duration.ofMinutes(5);
		List<Instant> starts = hourlyStarts(spread);
		Instant earliest = NEXT_HOUR.plus(Duration.ofMinutes(1));
		assertThat(starts).allSatisfy((start) -> assertThat(start).isBetween(earliest, earliest.plus(spread))
			.isBefore(earliest.plus(spread)));
		Map<Long, Long> perMinute = starts.stream()
			.collect(Collectors.groupingBy((start) -> Duration.between(earliest, start).toMinutes(),
					Collectors.counting()));
		assertThat(perMinute).as("every minute of the spread gets about a fifth of the fleet")
			.containsOnlyKeys(0L, 1L, 2L, 3L, 4L)
			.allSatisfy((minute, count) -> assertThat(count).isBetween(10L, 30L));
		Map<Instant, Long> perSecond = starts.stream()
			.collect(Collectors.groupingBy((start) -> start.truncatedTo(ChronoUnit.SECONDS), Collectors.counting()));
		assertThat(perSecond.values()).as("at most 3 of the 100 replicas start in one second")
			.allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(3L));
	}

	@Test
	void withoutSpreadTheWholeFleetStartsInTheSameSecond() {
		List<Instant> starts = hourlyStarts(Duration.ZERO);
		assertThat(starts.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())))
			.containsExactly(Map.entry(NEXT_HOUR.plus(Duration.ofMinutes(1)), (long) REPLICAS));
	}

	@Test
	void aReplicaKeepsItsStartEveryHourAndItsRetriesWhilePending() {
		UsageReporter replica = replica(Duration.ofMinutes(5), new Random(42));
		Duration first = replica.nextRunDelay(NOW, false);
		Instant start = NOW.plus(first);
		assertThat(replica.nextRunDelay(start, false)).isEqualTo(Duration.ofHours(1));
		assertThat(replica.nextRunDelay(start, true)).isEqualTo(Duration.ofMinutes(1));
	}

	private List<Instant> hourlyStarts(Duration spread) {
		return IntStream.range(0, REPLICAS)
			.mapToObj((replica) -> NOW.plus(replica(spread, new Random(replica)).nextRunDelay(NOW, false)))
			.toList();
	}

	private static UsageReporter replica(Duration spread, Random random) {
		ReportingSettings defaults = ReportingSettings.defaults();
		ReportingSettings settings = new ReportingSettings(defaults.offset(), defaults.retryInterval(), true,
				defaults.expiredUsage(), defaults.acceptanceWindow(), defaults.lastSendMargin(),
				defaults.shutdownTimeout(), spread);
		return new UsageReporter(mock(ReportOutbox.class), mock(MeteringGateway.class), ReportingFixture.fastRetry(1),
				ReportingFixture.unlimited(), Clock.fixed(NOW, ZoneOffset.UTC), settings, Pause.REAL_TIME, random);
	}

}
