package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

import dev.metering.emulator.Faults;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once under faults: 24 simulated hours of concurrent usage, reported through an
 * emulator that throttles 30% of calls, fails 10% with 5xx, drops 5% of connections and
 * loses the answer of 5% after committing. What AWS accepted must equal what was
 * recorded.
 */
class ReportingFaultTests {

	private static final String[] DIMENSIONS = { "scans", "pages", "bytes" };

	private static final String[] TEAMS = { "red", "green", "blue", "gold" };

	@Test
	void meterUsageAcceptsExactlyWhatWasRecordedThrough24FaultyHours() throws Exception {
		long recorded = run((thread) -> null);
		assertThat(recorded).isPositive();
	}

	@Test
	void batchMeterUsageAcceptsExactlyWhatWasRecordedFor200CustomersThrough24FaultyHours() throws Exception {
		long recorded = run((thread) -> "customer-" + ThreadLocalRandom.current().nextInt(200));
		assertThat(recorded).isPositive();
	}

	private long run(IntFunction<String> customer) throws Exception {
		Faults faults = Faults.none()
			.throttleRate(0.3)
			.serverErrorRate(0.1)
			.dropConnectionRate(0.05)
			.lostResponseRate(0.05)
			.seed(7);
		try (ReportingFixture fixture = new ReportingFixture((emulator) -> emulator.faults(faults),
				ReportingSettings.defaults(), ReportingFixture.fastRetry(4), ReportingFixture.unlimited())) {
			long recorded = 0;
			ExecutorService threads = Executors.newFixedThreadPool(4);
			try {
				for (int hour = 0; hour < 24; hour++) {
					recorded += recordConcurrently(fixture, threads, customer);
					fixture.clock.set(ReportingFixture.START.plus(hour + 1, ChronoUnit.HOURS).plusSeconds(60));
					for (int run = 0; run < 20 && fixture.reporter.report(false).pending() > 0; run++) {
						fixture.clock.advance(Duration.ofMinutes(1));
					}
					assertThat(fixture.ledger.pendingReports()).as("pending after hour %d", hour).isEmpty();
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(fixture.acceptedTotal()).isEqualTo(recorded);
			assertThat(fixture.emulator.counters().rejected("DuplicateRequestException")).isZero();
			assertThat(fixture.emulator.counters().rejected("DuplicateRecord")).isZero();
			assertThat(fixture.emulator.counters().rejected("TimestampOutOfBoundsException")).isZero();
			assertThat(fixture.emulator.counters().replays()).as("lost answers confirmed by resends").isPositive();
			assertThat(fixture.reporter.getStatistics().count(ReportOutcome.DEAD_LETTERED)).isZero();
			return recorded;
		}
	}

	private long recordConcurrently(ReportingFixture fixture, ExecutorService threads, IntFunction<String> customer)
			throws Exception {
		List<Future<Long>> sums = new ArrayList<>();
		for (int thread = 0; thread < 4; thread++) {
			int id = thread;
			sums.add(threads.submit(() -> {
				long sum = 0;
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < 500; i++) {
					long quantity = random.nextInt(1, 100);
					String dimension = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
					Map<String, String> tags = random.nextBoolean() ? Map.of()
							: Map.of("team", TEAMS[random.nextInt(TEAMS.length)]);
					fixture.ledger.record(UsageKey.of(dimension, customer.apply(id), tags), quantity);
					sum += quantity;
				}
				return sum;
			}));
		}
		long total = 0;
		for (Future<Long> sum : sums) {
			total += sum.get();
		}
		return total;
	}

}
