package dev.metering.reporting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.Counters;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R1 and R2 across {@code kill -9} while reporting: a child JVM
 * ({@link ReporterCrashChild}) records usage into a {@link MeteringLedger} and reports it
 * to the emulator while simulated hours pass (one hour every 6 real seconds); the test
 * kills it with SIGKILL five times and restarts it on the same ledger directory, then
 * reports what is left from this JVM.
 * <p>
 * Kills land at random moments (three runs), and, in the other two runs, right after AWS
 * answered a call and before the ledger heard of the answer (the child's gateway parks
 * the reporting thread there), so a committed record is resent after the restart. The
 * emulator also loses 10% of answers after committing and delays each call by 20 ms.
 * <p>
 * Each child prints {@code BEGIN} before and {@code ACK} after every {@code record()};
 * per (dimension, customer), what AWS accepted must lie between what was acknowledged and
 * that plus the units begun but not acknowledged when the child was killed (none lost,
 * none doubled), with no duplicate, idempotency conflict or out-of-window refusal, and at
 * least one resend answered as a replay.
 */
class ReporterCrashTests {

	/** Five minutes before an hour ends, so the first one ends half a second in. */
	private static final Instant BASE = Instant.parse("2026-03-01T10:55:00Z");

	/** One simulated hour every 6 real seconds. */
	private static final long SPEED_UP = 600;

	private static final int THREADS = 2;

	private static final int KILLS = 5;

	private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(20);

	@TempDir
	Path ledgerDirectory;

	@Test
	void everyAcknowledgedUnitReachesAwsExactlyOnceAcrossKill9WhileReporting() throws Exception {
		long realStart = System.currentTimeMillis();
		SimulatedClock clock = new SimulatedClock(BASE, realStart, SPEED_UP);
		Faults faults = Faults.none().lostResponseRate(0.1).latency(Duration.ofMillis(20)).seed(11);
		MarketplaceMeteringEmulator.Builder builder = MarketplaceMeteringEmulator.builder()
			.clock(clock)
			.product(ReporterCrashChild.PRODUCT, Set.of(ReporterCrashChild.DIMENSIONS))
			.faults(faults);
		for (String customer : ReporterCrashChild.CUSTOMERS) {
			builder.subscribedCustomer(customer);
		}
		try (MarketplaceMeteringEmulator emulator = builder.build().start()) {
			Random random = new Random(realStart);
			List<Child> children = new ArrayList<>();
			int sendingAtRestart = 0;
			for (int run = 0; run < KILLS; run++) {
				boolean pauseAfterAnswer = run % 2 == 1;
				Child child = Child.start(emulator, this.ledgerDirectory, realStart, pauseAfterAnswer);
				children.add(child);
				try {
					child.awaitAcknowledgements();
					if (pauseAfterAnswer) {
						child.awaitAnswered();
					}
					else {
						Instant killAt = clock.instant()
							.plus(Duration.ofMinutes(10 + random.nextInt(50)).plusSeconds(random.nextInt(60)));
						await().atMost(CHILD_TIMEOUT).until(() -> !clock.instant().isBefore(killAt));
					}
				}
				finally {
					child.kill();
				}
				sendingAtRestart += child.sendingAtStart;
			}

			clock.advance(Duration.ofHours(1));
			List<UsageReport> finalReports = reportEverything(emulator, clock);

			Map<String, Long> acknowledged = new TreeMap<>();
			Map<String, Long> inFlight = new TreeMap<>();
			for (Child child : children) {
				child.acknowledged.forEach((key, quantity) -> acknowledged.merge(key, quantity, Long::sum));
				child.inFlight().forEach((key, quantity) -> inFlight.merge(key, quantity, Long::sum));
			}
			Map<String, Long> accepted = new TreeMap<>();
			for (AcceptedRecord record : emulator.records()) {
				accepted.merge(record.dimension() + "/" + ((record.customer() != null) ? record.customer() : "-"),
						record.quantity(), Long::sum);
			}
			Counters counters = emulator.counters();
			String summary = "acknowledged " + acknowledged + ", in flight at kills " + inFlight + ", accepted "
					+ accepted + ", " + counters + ", SENDING reports found at restarts " + sendingAtRestart
					+ ", children " + children.stream().map((child) -> child.readyLine).toList() + ", in the ledger "
					+ reportedByKey(finalReports);
			assertThat(children).allSatisfy((child) -> assertThat(child.acknowledged).isNotEmpty());
			assertThat(accepted.keySet()).as(summary).isEqualTo(acknowledged.keySet());
			for (String key : new TreeSet<>(acknowledged.keySet())) {
				long floor = acknowledged.get(key);
				long ceiling = floor + inFlight.getOrDefault(key, 0L);
				assertThat(accepted.get(key)).as("accepted units of %s; %s", key, summary).isBetween(floor, ceiling);
			}
			assertThat(counters.rejected("DuplicateRequestException")).as(summary).isZero();
			assertThat(counters.rejected("DuplicateRecord")).as(summary).isZero();
			assertThat(counters.rejected("IdempotencyConflictException")).as(summary).isZero();
			assertThat(counters.rejected("TimestampOutOfBoundsException")).as(summary).isZero();
			assertThat(counters.rejected("CustomerNotSubscribed")).as(summary).isZero();
			assertThat(counters.replays()).as("resends answered as replays; %s", summary).isPositive();
			assertThat(sendingAtRestart).as("reports a kill left between AWS's answer and the ledger; %s", summary)
				.isGreaterThanOrEqualTo(KILLS / 2);
			assertThat(finalReports).as("final ledger").allSatisfy((report) -> {
				assertThat(report.state()).isEqualTo(ReportState.REPORTED);
				assertThat(report.meteringRecordId()).isNotBlank();
			});
		}
	}

	private static Map<String, Long> reportedByKey(List<UsageReport> reports) {
		Map<String, Long> byKey = new TreeMap<>();
		reports.forEach((report) -> byKey.merge(
				report.dimension() + "/" + ((report.customer() != null) ? report.customer() : "-"), report.quantity(),
				Long::sum));
		return byKey;
	}

	/**
	 * Open the ledger the children used, in this JVM, after the last kill, and report
	 * until nothing is pending.
	 */
	private List<UsageReport> reportEverything(MarketplaceMeteringEmulator emulator, SimulatedClock clock)
			throws IOException {
		try (MeteringLedger ledger = MeteringLedger.file(this.ledgerDirectory)
			.clock(clock)
			.productCode(ReporterCrashChild.PRODUCT)
			.reportingIdentity("pod-1")
			.segmentBytes(Integer.getInteger("crash.segmentBytes", ReporterCrashChild.SEGMENT_BYTES))
			.build(); MarketplaceMeteringClient client = ReporterCrashChild.client(emulator.endpoint())) {
			MeteringGateway gateway = new MeteringGateway(client, ReporterCrashChild.PRODUCT);
			MeteringTemplate template = new MeteringTemplate(gateway,
					new UsageCapture(ledger, Set.of(), SaasIntegration.LEGACY));
			UsageReporter reporter = new UsageReporter(ledger.outbox(), gateway, ReporterCrashChild.fastRetry(),
					ReportingFixture.unlimited(), clock, ReportingSettings.defaults());
			for (int run = 0; run < 20 && reporter.report(false).pending() > 0; run++) {
				clock.advance(Duration.ofMinutes(1));
			}
			assertThat(ledger.outbox().pending()).isEmpty();
			assertThat(ledger.view().openUsage()).as("usage left in open hours").isEmpty();
			return ledger.view().reports();
		}
	}

	/**
	 * One child JVM and what it printed.
	 */
	private static final class Child {

		private final Process process;

		private final Thread reader;

		private final CountDownLatch ready = new CountDownLatch(1);

		private final CountDownLatch acknowledging = new CountDownLatch(1);

		private final CountDownLatch answered = new CountDownLatch(1);

		private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

		/** Per recording thread, the "key quantity" begun and not acknowledged yet. */
		private final Map<String, String> begun = new ConcurrentHashMap<>();

		private volatile IOException readFailure;

		private volatile int sendingAtStart;

		private volatile String readyLine;

		private Child(Process process) {
			this.process = process;
			this.reader = new Thread(this::read, "crash-child-output");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		static Child start(MarketplaceMeteringEmulator emulator, Path ledgerDirectory, long realStart,
				boolean pauseAfterAnswer) throws IOException {
			String java = ProcessHandle.current().info().command().orElse("java");
			Path log = Files.createDirectories(Path.of("target")).resolve("reporter-crash-child.log");
			List<String> command = List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx256m",
					"-Dcrash.segmentBytes="
							+ Integer.getInteger("crash.segmentBytes", ReporterCrashChild.SEGMENT_BYTES),
					"-cp", System.getProperty("java.class.path"), ReporterCrashChild.class.getName(),
					emulator.endpoint().toString(), ledgerDirectory.toString(), BASE.toString(),
					Long.toString(realStart), Long.toString(SPEED_UP), Integer.toString(THREADS),
					pauseAfterAnswer ? "pause" : "run");
			return new Child(new ProcessBuilder(command).redirectError(Redirect.appendTo(log.toFile())).start());
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.endsWith(" .")) {
						accept(line.substring(0, line.length() - 2).split(" "));
					}
				}
			}
			catch (IOException ex) {
				this.readFailure = ex;
			}
		}

		private void accept(String[] fields) {
			switch (fields[0]) {
				case "READY" -> {
					this.sendingAtStart = Integer.parseInt(fields[2].substring("sending=".length()));
					this.readyLine = String.join(" ", fields);
					this.ready.countDown();
				}
				case "BEGIN" -> this.begun.put(fields[1], fields[2] + " " + fields[3]);
				case "ACK" -> {
					this.begun.remove(fields[1]);
					this.acknowledged.merge(fields[2], Long.parseLong(fields[3]), Long::sum);
					this.acknowledging.countDown();
				}
				case "ANSWERED" -> this.answered.countDown();
				default -> {
					// Not part of the protocol.
				}
			}
		}

		void awaitAcknowledgements() throws InterruptedException {
			assertThat(this.ready.await(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("child ready").isTrue();
			assertThat(this.acknowledging.await(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.as("child acknowledging usage")
				.isTrue();
		}

		void awaitAnswered() throws InterruptedException {
			assertThat(this.answered.await(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.as("an answer from AWS in the child")
				.isTrue();
		}

		/**
		 * SIGKILL the child, then read what it printed to the end. Not
		 * {@link Process#destroyForcibly()}: it also closes this end of the child's
		 * stdout, losing the lines still in the pipe, and so acknowledgements.
		 */
		void kill() throws InterruptedException, IOException {
			this.process.toHandle().destroyForcibly();
			assertThat(this.process.waitFor(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("child killed")
				.isTrue();
			this.reader.join(CHILD_TIMEOUT.toMillis());
			assertThat(this.reader.isAlive()).as("child output read to the end").isFalse();
			assertThat(this.readFailure).as("failure reading the child's output").isNull();
			this.process.getOutputStream().close();
		}

		/**
		 * Return the units begun but not acknowledged when the child died, per key: they
		 * may or may not have been recorded.
		 */
		Map<String, Long> inFlight() {
			Map<String, Long> inFlight = new HashMap<>();
			this.begun.values().forEach((begun) -> {
				String[] fields = begun.split(" ");
				inFlight.merge(fields[0], Long.parseLong(fields[1]), Long::sum);
			});
			return inFlight;
		}

	}

}
