package dev.metering.reporting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The BatchMeterUsage path of {@link UsageReporter} against an independent peer: moto's
 * Marketplace Metering fake ({@code moto_server}, Python), started as a child process by
 * {@code src/test/python/moto_metering_server.py}, with the real SDK v2 client.
 * <p>
 * What moto 5.x checks, and so what this test proves against a second implementation: the
 * AWS JSON 1.1 wire format of BatchMeterUsage as the SDK sends it, the per-record
 * {@code Success} / {@code CustomerNotSubscribed} / {@code DuplicateRecord} statuses, a
 * {@code MeteringRecordId} per accepted record, and the echoed {@code UsageRecord} by
 * which the reporter matches a result to its report.
 * <p>
 * What moto does <em>not</em> do that AWS does, so this test cannot prove it here (the
 * emulator tests cover it):
 * <ul>
 * <li>it stores nothing it accepts: a second quantity for a reported (customer,
 * dimension, hour) is {@code Success} again with a new record id, and an identical resend
 * gets a new record id instead of the first one. Its {@code DuplicateRecord} check only
 * sees records seeded into the backend, which the launcher does with
 * {@code --prior-record} (as if another reporter had sent them);</li>
 * <li>it compares timestamps as sent (the SDK's epoch seconds), not rounded to the hour,
 * and checks no acceptance window, no future hour, no product code, no dimension, no
 * record count (25) or size (1 MB) limit, no quantity range;</li>
 * <li>it ignores {@code UsageAllocations} (accepted, dropped from the echo) and does not
 * support {@code CustomerAWSAccountId} (HTTP 500, KeyError on
 * {@code CustomerIdentifier});</li>
 * <li>it never answers {@code UnprocessedRecords}, throttling or
 * {@code TimestampOutOfBoundsException};</li>
 * <li>it keeps subscriptions per product in the backend of the caller's account and
 * region; any access key maps to account {@code 123456789012}, and the region is read
 * from the SigV4 credential scope.</li>
 * </ul>
 * Times are simulated (hours in 2026); moto accepts any timestamp, so no real hour is
 * waited for.
 */
class MotoBatchMeterUsageIT {

	private static final String PRODUCT = "prod-moto";

	private static final Instant HOUR_10 = Instant.parse("2026-03-01T10:00:00Z");

	private static final Instant HOUR_11 = HOUR_10.plus(1, ChronoUnit.HOURS);

	private static final int SUBSCRIBED = 30;

	/** What moto already holds for customer-2, scans, hour 10 (seeded). */
	private static final long PRIOR_QUANTITY = 99;

	private static final Path LAUNCHER = Path.of("src/test/python/moto_metering_server.py");

	private static Process moto;

	private static URI endpoint;

	private static final List<String> calls = new CopyOnWriteArrayList<>();

	private static final List<MotoResult> results = new CopyOnWriteArrayList<>();

	private MutableClock clock;

	private MarketplaceMeteringClient client;

	private MeteringLedger ledger;

	private MeteringTemplate template;

	private UsageReporter reporter;

	@BeforeAll
	static void startMoto() throws Exception {
		List<String> command = new ArrayList<>(
				List.of("python3", LAUNCHER.toString(), "--port", "0", "--product", PRODUCT));
		for (int customer = 1; customer <= SUBSCRIBED; customer++) {
			command.add("--customer");
			command.add("customer-" + customer);
		}
		command.add("--prior-record");
		command.add("customer-2,scans," + HOUR_10.getEpochSecond() + "," + PRIOR_QUANTITY);
		Path log = Files.createDirectories(Path.of("target")).resolve("moto-metering-server.log");
		moto = new ProcessBuilder(command).redirectError(log.toFile()).start();
		CompletableFuture<URI> url = new CompletableFuture<>();
		Thread reader = new Thread(() -> readOutput(url), "moto-output");
		reader.setDaemon(true);
		reader.start();
		endpoint = url.get(60, TimeUnit.SECONDS);
	}

	private static void readOutput(CompletableFuture<URI> url) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(moto.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				String[] fields = line.split("\t");
				if (line.startsWith("URL ")) {
					url.complete(URI.create(line.substring(4).trim()));
				}
				else if (fields[0].equals("CALL")) {
					calls.add(fields[1]);
				}
				else if (fields[0].equals("RESULT")) {
					results.add(new MotoResult(fields[1], fields[2], fields[3],
							Instant.ofEpochSecond(new BigDecimal(fields[4]).longValueExact()),
							Long.parseLong(fields[5]), fields[6]));
				}
			}
			url.completeExceptionally(new IllegalStateException("moto_server exited before printing its URL"));
		}
		catch (IOException | RuntimeException ex) {
			url.completeExceptionally(ex);
		}
	}

	@AfterAll
	static void stopMoto() throws Exception {
		if (moto != null) {
			try (Writer stdin = moto.outputWriter()) {
				// Closing stdin asks the launcher to stop.
			}
			catch (IOException ex) {
				// Already gone.
			}
			if (!moto.waitFor(10, TimeUnit.SECONDS)) {
				moto.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@BeforeEach
	void wire() {
		calls.clear();
		results.clear();
		this.clock = new MutableClock(HOUR_10.plus(30, ChronoUnit.MINUTES));
		this.client = TestClients.client(endpoint, "AKIDMOTO", Duration.ofSeconds(10));
		this.ledger = MeteringLedger.inMemory(this.clock, PRODUCT, "saas-1");
		MeteringGateway gateway = new MeteringGateway(this.client, PRODUCT);
		this.template = new MeteringTemplate(gateway, new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY));
		this.reporter = new UsageReporter(this.ledger.outbox(), gateway, ReportingFixture.fastRetry(3),
				ReportingFixture.unlimited(), this.clock, ReportingSettings.defaults());
	}

	@AfterEach
	void close() throws Exception {
		this.ledger.close();
		this.client.close();
	}

	@Test
	void motoAcceptsSubscribedUsageOnceAndItsStatusesAreApplied() {
		long subscribedTotal = 0;
		for (int customer = 1; customer <= SUBSCRIBED; customer++) {
			this.template.record("scans", customer, Map.of(), "customer-" + customer);
			subscribedTotal += (customer == 2) ? 0 : customer;
		}
		this.template.record("pages", 7, Map.of("team", "red"), "customer-1");
		this.template.record("pages", 4, Map.of(), "customer-2");
		subscribedTotal += 7 + 4;
		this.template.record("scans", 3, Map.of(), "customer-unsubscribed");
		this.clock.set(HOUR_11.plusSeconds(60));

		this.reporter.report(false);

		int expectedRecords = SUBSCRIBED + 2 + 1;
		await().atMost(Duration.ofSeconds(10)).until(() -> results.size() >= expectedRecords);
		assertThat(results).hasSize(expectedRecords);
		assertThat(calls).as("records per BatchMeterUsage call")
			.allSatisfy((count) -> assertThat(Integer.parseInt(count)).isBetween(1, 25))
			.hasSize(2);
		assertThat(this.ledger.outbox().pending()).isEmpty();

		List<UsageReport> reports = this.ledger.view().reports();
		assertThat(reports).filteredOn((report) -> report.state() == ReportState.DEAD_LETTER)
			.extracting(UsageReport::customer, UsageReport::dimension, UsageReport::reason)
			.containsExactly(tuple("customer-unsubscribed", "scans", "NOT_ENTITLED CustomerNotSubscribed"));
		assertThat(reports).filteredOn((report) -> report.state() == ReportState.MOVED_FORWARD)
			.singleElement()
			.satisfies((report) -> {
				assertThat(report.customer()).isEqualTo("customer-2");
				assertThat(report.dimension()).isEqualTo("scans");
				assertThat(report.reason()).startsWith("DuplicateRecord: ");
			});
		assertThat(this.ledger.view().openUsage()).as("the refused usage, moved into the next hour")
			.singleElement()
			.satisfies((usage) -> {
				assertThat(usage.key().customer()).isEqualTo("customer-2");
				assertThat(usage.hour()).isEqualTo(HOUR_11);
				assertThat(usage.quantity()).isEqualTo(2);
			});
		List<UsageReport> reported = reports.stream()
			.filter((report) -> report.state() == ReportState.REPORTED)
			.toList();
		assertThat(reported).hasSize(SUBSCRIBED - 1 + 2)
			.allSatisfy((report) -> assertThat(report.hour()).isEqualTo(HOUR_10));

		List<MotoResult> successes = results.stream().filter((result) -> result.status().equals("Success")).toList();
		assertThat(successes).extracting(MotoResult::key).doesNotHaveDuplicates();
		assertThat(successes.stream().mapToLong(MotoResult::quantity).sum()).as("units moto accepted")
			.isEqualTo(subscribedTotal);
		Map<String, String> motoRecordIds = successes.stream()
			.collect(Collectors.toMap(MotoResult::key, MotoResult::meteringRecordId));
		Map<String, String> ledgerRecordIds = reported.stream()
			.collect(Collectors.toMap((report) -> report.customer() + "|" + report.dimension() + "|" + report.hour(),
					UsageReport::meteringRecordId));
		assertThat(ledgerRecordIds).as("record ids kept in the ledger").isEqualTo(motoRecordIds);
		assertThat(this.reporter.getStatistics().count(ReportState.DEAD_LETTER)).isOne();
		assertThat(this.reporter.getStatistics().count(ReportState.MOVED_FORWARD)).isOne();

		this.clock.advance(Duration.ofMinutes(5));
		this.reporter.report(false);
		assertThat(calls).as("nothing is sent twice").hasSize(2);
	}

	@Test
	void usageRecordedAfterAnHourWasReportedIsSentInItsOwnHourNeverAsASecondQuantity() {
		this.template.record("scans", 5, Map.of(), "customer-1");
		this.clock.set(HOUR_11.plusSeconds(60));
		this.reporter.report(false);
		this.template.record("scans", 6, Map.of(), "customer-1");
		this.reporter.report(false);
		await().atMost(Duration.ofSeconds(10)).until(() -> results.size() >= 1);
		assertThat(results).singleElement()
			.satisfies((result) -> assertThat(result.key()).isEqualTo("customer-1|scans|" + HOUR_10));
		assertThat(results.get(0).quantity()).isEqualTo(5);

		this.clock.set(HOUR_11.plus(61, ChronoUnit.MINUTES));
		this.reporter.report(false);
		await().atMost(Duration.ofSeconds(10)).until(() -> results.size() >= 2);
		assertThat(results).extracting(MotoResult::status, MotoResult::key, MotoResult::quantity)
			.containsExactly(tuple("Success", "customer-1|scans|" + HOUR_10, 5L),
					tuple("Success", "customer-1|scans|" + HOUR_11, 6L));
		assertThat(this.ledger.outbox().pending()).isEmpty();
	}

	record MotoResult(String status, String customer, String dimension, Instant timestamp, long quantity,
			String meteringRecordId) {

		String key() {
			return this.customer + "|" + this.dimension + "|" + this.timestamp;
		}

	}

}
