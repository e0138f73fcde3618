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
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once under faults: 24 simulated hours of concurrent usage, reported through an
 * emulator that throttles 30% of calls, fails 10% with 5xx, drops 5% of connections and
 * loses the answer of 5% after committing. What AWS accepted must equal what was
 * recorded, for the product's own usage, legacy customers and license customers (accounts
 * with one or two licenses).
 */
class ReportingFaultTests {

	private static final String[] DIMENSIONS = { "scans", "pages", "bytes" };

	private static final String[] TEAMS = { "red", "green", "blue", "gold" };

	private static final int ACCOUNTS = 100;

	@Test
	void meterUsageAcceptsExactlyWhatWasRecordedThrough24FaultyHours() throws Exception {
		long recorded = run(UnaryOperator.identity(), (random) -> new String[] { null, null });
		assertThat(recorded).isPositive();
	}

	@Test
	void batchMeterUsageAcceptsExactlyWhatWasRecordedFor200CustomersThrough24FaultyHours() throws Exception {
		long recorded = run(UnaryOperator.identity(),
				(random) -> new String[] { "customer-" + random.nextInt(200), null });
		assertThat(recorded).isPositive();
	}

	@Test
	void batchMeterUsageAcceptsExactlyWhatWasRecordedForLicensesThrough24FaultyHours() throws Exception {
		long recorded = run(ReportingFaultTests::grantLicenses, (random) -> {
			int account = random.nextInt(ACCOUNTS);
			int license = (account % 3 == 0) ? random.nextInt(2) : 0;
			return new String[] { account(account), license(account, license) };
		});
		assertThat(recorded).isPositive();
	}

	/**
	 * Grant a license to each account, and a second one to every third account.
	 */
	private static MarketplaceMeteringEmulator.Builder grantLicenses(MarketplaceMeteringEmulator.Builder emulator) {
		for (int account = 0; account < ACCOUNTS; account++) {
			emulator.license(license(account, 0), account(account), ReportingFixture.PRODUCT);
			if (account % 3 == 0) {
				emulator.license(license(account, 1), account(account), ReportingFixture.PRODUCT);
			}
		}
		return emulator;
	}

	private static String account(int account) {
		return String.format("%012d", 100_000_000_000L + account);
	}

	private static String license(int account, int license) {
		return "arn:aws:license-manager::123456789012:license:l-" + account + "-" + license;
	}

	/**
	 * Run 24 faulty hours of usage by 4 threads, each record for the customer and license
	 * (or {@code null}s for the product's own usage) the given function picks.
	 */
	private long run(UnaryOperator<MarketplaceMeteringEmulator.Builder> emulatorSettings,
			Function<ThreadLocalRandom, String[]> customer) throws Exception {
		Faults faults = Faults.none()
			.throttleRate(0.3)
			.serverErrorRate(0.1)
			.dropConnectionRate(0.05)
			.lostResponseRate(0.05)
			.seed(7);
		try (ReportingFixture fixture = new ReportingFixture(
				(emulator) -> emulatorSettings.apply(emulator.faults(faults)), ReportingSettings.defaults(),
				ReportingFixture.fastRetry(4), ReportingFixture.unlimited())) {
			long recorded = 0;
			ExecutorService threads = Executors.newFixedThreadPool(4);
			try {
				for (int hour = 0; hour < 24; hour++) {
					recorded += recordConcurrently(fixture, threads, customer);
					fixture.clock.set(ReportingFixture.START.plus(hour + 1, ChronoUnit.HOURS).plusSeconds(60));
					for (int run = 0; run < 20 && fixture.reporter.report(false).pending() > 0; run++) {
						fixture.clock.advance(Duration.ofMinutes(1));
					}
					assertThat(fixture.ledger.outbox().pending()).as("pending after hour %d", hour).isEmpty();
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
			assertThat(fixture.reporter.getStatistics().count(ReportState.DEAD_LETTER)).isZero();
			assertThat(fixture.emulator.mixedShapes()).isEmpty();
			if (customer.apply(ThreadLocalRandom.current())[1] != null) {
				assertThat(fixture.emulator.records()
					.stream()
					.collect(Collectors.groupingBy((record) -> record.customer() + " " + record.hour(),
							Collectors.mapping(AcceptedRecord::licenseArn, Collectors.toSet())))
					.values()).as("an account billed under two licenses in one hour")
					.anyMatch((licenses) -> licenses.size() == 2);
			}
			return recorded;
		}
	}

	private long recordConcurrently(ReportingFixture fixture, ExecutorService threads,
			Function<ThreadLocalRandom, String[]> customer) throws Exception {
		List<Future<Long>> sums = new ArrayList<>();
		for (int thread = 0; thread < 4; thread++) {
			sums.add(threads.submit(() -> {
				long sum = 0;
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < 500; i++) {
					long quantity = random.nextInt(1, 100);
					String dimension = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
					Map<String, String> tags = random.nextBoolean() ? Map.of()
							: Map.of("team", TEAMS[random.nextInt(TEAMS.length)]);
					String[] billedTo = customer.apply(random);
					fixture.ledger.record(UsageKey.of(dimension, billedTo[0], billedTo[1], tags), quantity);
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
