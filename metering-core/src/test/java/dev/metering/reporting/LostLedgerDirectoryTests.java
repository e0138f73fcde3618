package dev.metering.reporting;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lost ledger directory, against the emulator: run A reports the partial hour on a
 * graceful stop, the directory is lost, and run B (same product, same reporting identity)
 * bills the same customers or dimensions in the same hour. AWS holds run A's records for
 * that hour, so run B's usage of those keys moves to the next hour, where the next run
 * bills it: both runs' units reach AWS, none is dead-lettered.
 */
class LostLedgerDirectoryTests {

	private static final String PRODUCT = "prod-lost";

	private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

	private static final Instant NEXT_HOUR = HOUR.plus(Duration.ofHours(1));

	private final MutableClock clock = new MutableClock(HOUR);

	private final MarketplaceMeteringEmulator emulator = MarketplaceMeteringEmulator.builder()
		.clock(this.clock)
		.product(PRODUCT, Set.of("scans", "pages", "bytes"))
		.build()
		.start();

	@TempDir
	Path root;

	@AfterEach
	void close() {
		this.emulator.close();
	}

	@Test
	void customersReportedByTheLostLedgerAreBilledInTheNextHourWithBatchMeterUsage() throws IOException {
		Path directory = this.root.resolve("ledger");
		Statistics runA = run(directory, HOUR.plus(Duration.ofMinutes(20)), 300, 50_000);
		FileSystemUtils.deleteRecursively(directory);
		Statistics runB = run(directory, HOUR.plus(Duration.ofMinutes(40)), 500, 30_000);
		Statistics nextRun = run(directory, NEXT_HOUR.plus(Duration.ofMinutes(30)), 0, 0);

		Map<String, Long> hour = billed(HOUR);
		Map<String, Long> nextHour = billed(NEXT_HOUR);
		for (int customer = 0; customer < 500; customer++) {
			String key = "scans/customer-" + customer;
			if (customer < 300) {
				assertThat(hour.get(key)).as(key).isEqualTo(runA.recorded().get(key));
				assertThat(nextHour.get(key)).as(key).isEqualTo(runB.recorded().get(key));
			}
			else {
				assertThat(hour.get(key)).as(key).isEqualTo(runB.recorded().get(key));
				assertThat(nextHour).doesNotContainKey(key);
			}
		}
		assertThat(total(hour) + total(nextHour)).isEqualTo(50_000 + 30_000);
		assertThat(this.emulator.counters().rejected("DuplicateRecord")).isEqualTo(300);
		assertThat(runA.counts()).containsEntry(ReportState.DEAD_LETTER, 0L);
		assertThat(runB.counts()).containsEntry(ReportState.MOVED_FORWARD, 300L)
			.containsEntry(ReportState.DEAD_LETTER, 0L);
		assertThat(nextRun.reports()).extracting(UsageReport::state)
			.containsOnly(ReportState.REPORTED, ReportState.MOVED_FORWARD)
			.doesNotContain(ReportState.DEAD_LETTER);
	}

	@Test
	void dimensionsReportedBeforeARestartOfTheSameIdentityAreBilledInTheNextHourWithMeterUsage() throws IOException {
		Path directory = this.root.resolve("ledger");
		Map<String, Long> runA = Map.of("scans", 340L, "pages", 60L);
		Map<String, Long> runB = Map.of("scans", 190L, "pages", 61L, "bytes", 50L);
		Statistics first = runOwnUsage(directory, HOUR.plus(Duration.ofMinutes(20)), runA);
		FileSystemUtils.deleteRecursively(directory);
		Statistics restarted = runOwnUsage(directory, HOUR.plus(Duration.ofMinutes(40)), runB);
		Statistics next = runOwnUsage(directory, NEXT_HOUR.plus(Duration.ofMinutes(30)), Map.of());

		assertThat(billed(HOUR))
			.containsExactlyInAnyOrderEntriesOf(Map.of("scans/-", 340L, "pages/-", 60L, "bytes/-", 50L));
		assertThat(billed(NEXT_HOUR)).containsExactlyInAnyOrderEntriesOf(Map.of("scans/-", 190L, "pages/-", 61L));
		assertThat(this.emulator.counters().rejected("DuplicateRequestException")).isEqualTo(2);
		assertThat(this.emulator.counters().rejected("IdempotencyConflictException")).isZero();
		assertThat(first.counts()).containsEntry(ReportState.DEAD_LETTER, 0L);
		assertThat(restarted.counts()).containsEntry(ReportState.MOVED_FORWARD, 2L)
			.containsEntry(ReportState.DEAD_LETTER, 0L);
		assertThat(next.reports()).extracting(UsageReport::state).doesNotContain(ReportState.DEAD_LETTER);
	}

	/**
	 * Start a run at the given time, record each customer's usage (a share of the total),
	 * and stop gracefully, which reports the partial hour.
	 */
	private Statistics run(Path directory, Instant at, int customers, long units) throws IOException {
		Map<String, Long> recorded = new TreeMap<>();
		return runWith(directory, at, recorded, (template) -> {
			long left = units;
			for (int customer = 0; customer < customers; customer++) {
				long quantity = (customer == customers - 1) ? left : units / customers + (customer % 3) - 1;
				template.record("scans", quantity, Map.of(), "customer-" + customer);
				recorded.put("scans/customer-" + customer, quantity);
				left -= quantity;
			}
		});
	}

	private Statistics runOwnUsage(Path directory, Instant at, Map<String, Long> usage) throws IOException {
		Map<String, Long> recorded = new TreeMap<>();
		return runWith(directory, at, recorded, (template) -> usage.forEach((dimension, quantity) -> {
			template.record(dimension, quantity);
			recorded.put(dimension + "/-", quantity);
		}));
	}

	private Statistics runWith(Path directory, Instant at, Map<String, Long> recorded,
			Consumer<MeteringTemplate> recording) throws IOException {
		this.clock.set(at);
		try (MeteringLedger ledger = MeteringLedger.file(directory)
			.clock(this.clock)
			.productCode(PRODUCT)
			.reportingIdentity("task-1")
			.build();
				MarketplaceMeteringClient client = TestClients.client(this.emulator.endpoint(), "AKIDTASK1",
						Duration.ofSeconds(5))) {
			MeteringGateway gateway = new MeteringGateway(client, PRODUCT);
			MeteringTemplate template = new MeteringTemplate(gateway,
					new UsageCapture(ledger, Set.of(), SaasIntegration.LEGACY));
			UsageReporter reporter = new UsageReporter(ledger.outbox(), gateway, ReportingFixture.fastRetry(3),
					ReportingFixture.unlimited(), this.clock, ReportingSettings.defaults());
			reporter.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> reporter.getStatistics().lastCycle() != null);
			recording.accept(template);
			reporter.stop();
			assertThat(ledger.outbox().pending()).as("pending after the graceful stop").isEmpty();
			return new Statistics(recorded, reporter.getStatistics().counts(), ledger.view().reports());
		}
	}

	private Map<String, Long> billed(Instant hour) {
		Map<String, Long> billed = new TreeMap<>();
		for (AcceptedRecord record : this.emulator.records()) {
			if (record.hour().equals(hour)) {
				billed.merge(record.dimension() + "/" + ((record.customer() != null) ? record.customer() : "-"),
						record.quantity(), Long::sum);
			}
		}
		return billed;
	}

	private static long total(Map<String, Long> billed) {
		return billed.values().stream().mapToLong(Long::longValue).sum();
	}

	private record Statistics(Map<String, Long> recorded, Map<ReportState, Long> counts, List<UsageReport> reports) {
	}

}
