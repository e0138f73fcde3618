package dev.metering.reporting;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The move of usage past a record AWS already holds, under {@code kill -9}: a child JVM
 * ({@link ForeignRecordCrashChild}) reports an hour for which another writer already
 * reported, and is killed before the ledger journaled the move (AWS answered) or right
 * after. The directory, reopened in this JVM, reports what is left: AWS ends up holding
 * the other writer's records in that hour and exactly the child's usage in the next one,
 * none lost, none doubled, none dead-lettered.
 */
class ForeignRecordCrashTests {

	private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

	private static final Instant NEXT_HOUR = HOUR.plus(Duration.ofHours(1));

	@TempDir
	Path directory;

	@ParameterizedTest(name = "killed {0} of {1}")
	@CsvSource({ "answered, MeterUsage", "journaled, MeterUsage", "answered, BatchMeterUsage",
			"journaled, BatchMeterUsage" })
	void killedBeforeOrAfterTheJournalWriteTheMovedUsageIsBilledExactlyOnce(String point, String operation)
			throws Exception {
		MutableClock clock = new MutableClock(HOUR.plus(Duration.ofMinutes(30)));
		Path ledger = this.directory.resolve("ledger");
		try (MarketplaceMeteringEmulator emulator = MarketplaceMeteringEmulator.builder()
			.clock(clock)
			.product(ForeignRecordCrashChild.PRODUCT, Set.of("scans"))
			.build()
			.start(); MarketplaceMeteringClient client = ReporterCrashChild.client(emulator.endpoint())) {
			client.meterUsage(MeterUsageRequest.builder()
				.productCode(ForeignRecordCrashChild.PRODUCT)
				.usageDimension("scans")
				.timestamp(HOUR)
				.usageQuantity(1000)
				.build());
			client.batchMeterUsage(BatchMeterUsageRequest.builder()
				.productCode(ForeignRecordCrashChild.PRODUCT)
				.usageRecords(UsageRecord.builder()
					.customerIdentifier(ForeignRecordCrashChild.CUSTOMER)
					.dimension("scans")
					.timestamp(HOUR)
					.quantity(2000)
					.build())
				.build());

			String paused = runAndKill(emulator, ledger, clock.instant(), point, operation);
			assertThat(paused).startsWith("PAUSED " + point);

			clock.set(NEXT_HOUR.plus(Duration.ofMinutes(5)));
			List<UsageReport> reports = reportEverything(emulator, ledger, clock);

			assertThat(billed(emulator, HOUR)).containsExactlyInAnyOrderEntriesOf(
					Map.of("scans/-", 1000L, "scans/" + ForeignRecordCrashChild.CUSTOMER, 2000L));
			long own = ForeignRecordCrashChild.OWN_USAGE.values().stream().mapToLong(Long::longValue).sum();
			assertThat(billed(emulator, NEXT_HOUR)).containsExactlyInAnyOrderEntriesOf(Map.of("scans/-", own,
					"scans/" + ForeignRecordCrashChild.CUSTOMER, ForeignRecordCrashChild.CUSTOMER_USAGE));
			assertThat(emulator.records()).filteredOn((record) -> record.hour().equals(NEXT_HOUR))
				.filteredOn((record) -> record.customer() == null)
				.singleElement()
				.satisfies((record) -> assertThat(record.allocations()).extracting(AcceptedRecord.Allocation::quantity)
					.containsExactlyInAnyOrderElementsOf(ForeignRecordCrashChild.OWN_USAGE.values()));
			assertThat(reports).extracting(UsageReport::hour, UsageReport::state)
				.containsExactlyInAnyOrder(tuple(HOUR, ReportState.MOVED_FORWARD),
						tuple(HOUR, ReportState.MOVED_FORWARD), tuple(NEXT_HOUR, ReportState.REPORTED),
						tuple(NEXT_HOUR, ReportState.REPORTED));
			assertThat(emulator.counters().rejected("IdempotencyConflictException")).isZero();
		}
	}

	private String runAndKill(MarketplaceMeteringEmulator emulator, Path ledger, Instant at, String point,
			String operation) throws IOException, InterruptedException {
		String java = ProcessHandle.current().info().command().orElse("java");
		Path out = this.directory.resolve("child.out");
		Path log = Files.createDirectories(Path.of("target")).resolve("foreign-record-crash-child.log");
		Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), ForeignRecordCrashChild.class.getName(),
				emulator.endpoint().toString(), ledger.toString(), at.toString(), point, operation)
			.redirectOutput(out.toFile())
			.redirectError(Redirect.appendTo(log.toFile()))
			.start();
		try {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> !child.isAlive() || Files.readString(out, StandardCharsets.UTF_8).contains("PAUSED"));
			assertThat(child.isAlive()).as("the child waits to be killed").isTrue();
		}
		finally {
			child.toHandle().destroyForcibly();
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child killed").isTrue();
		}
		return Files.readString(out, StandardCharsets.UTF_8).strip();
	}

	/**
	 * Open the directory the child left, and report until nothing is pending and the next
	 * hour is billed.
	 */
	private static List<UsageReport> reportEverything(MarketplaceMeteringEmulator emulator, Path directory,
			MutableClock clock) throws IOException {
		try (MeteringLedger ledger = ForeignRecordCrashChild.ledger(directory, clock);
				MarketplaceMeteringClient client = ReporterCrashChild.client(emulator.endpoint())) {
			MeteringGateway gateway = new MeteringGateway(client, ForeignRecordCrashChild.PRODUCT);
			MeteringTemplate template = new MeteringTemplate(gateway, new UsageCapture(ledger, Set.of()));
			UsageReporter reporter = new UsageReporter(ledger.outbox(), gateway, ReporterCrashChild.fastRetry(),
					ReportingFixture.unlimited(), clock, ReportingSettings.defaults());
			reporter.report(false);
			clock.set(NEXT_HOUR.plus(Duration.ofMinutes(65)));
			reporter.report(false);
			assertThat(ledger.outbox().pending()).isEmpty();
			assertThat(ledger.view().openUsage()).as("usage left in open hours").isEmpty();
			return ledger.view().reports();
		}
	}

	private static Map<String, Long> billed(MarketplaceMeteringEmulator emulator, Instant hour) {
		Map<String, Long> billed = new TreeMap<>();
		for (AcceptedRecord record : emulator.records()) {
			if (record.hour().equals(hour)) {
				billed.merge(record.dimension() + "/" + ((record.customer() != null) ? record.customer() : "-"),
						record.quantity(), Long::sum);
			}
		}
		return billed;
	}

}
