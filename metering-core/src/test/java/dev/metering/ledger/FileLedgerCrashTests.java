package dev.metering.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R2 with a real process: a child JVM ({@link CrashingRecorder}) records into a
 * {@link MeteringLedger} and is killed with SIGKILL (no shutdown hook, no close) at a
 * random moment; the directory, reopened, holds every acknowledged unit and none that was
 * not attempted.
 *
 * @author metering-spring-boot
 */
class FileLedgerCrashTests {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "{0} writer(s), sealing {1}")
	@CsvSource({ "1, false", "3, false", "2, true" })
	void killedWhileRecordingLosesNothingAcknowledgedAndDoublesNothing(int writers, boolean seal) throws Exception {
		long target = ThreadLocalRandom.current().nextLong(2_000, 30_000);
		Path ledgerDirectory = this.directory.resolve("ledger");
		Path output = this.directory.resolve("child.out");
		Process child = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				CrashingRecorder.class.getName(), ledgerDirectory.toString(), Integer.toString(writers),
				Boolean.toString(seal), Integer.toString(64 * Segment.ENTRY_BYTES))
			.redirectOutput(output.toFile())
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		try {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> Acknowledgements.read(output).count() >= target || !child.isAlive());
			if (seal) {
				long seen = Acknowledgements.read(output).sealings();
				// kill just after a seal has started: its journal write is likely under
				// way
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Acknowledgements.read(output).sealings() > seen || !child.isAlive());
			}
			assertThat(child.isAlive()).as("the child is still recording").isTrue();
		}
		finally {
			child.destroyForcibly();
			child.waitFor();
		}
		Acknowledgements acknowledged = Acknowledgements.read(output);
		try (MeteringLedger ledger = MeteringLedger.file(ledgerDirectory)
			.productCode("prod-1")
			.reportingIdentity("pod-a")
			.build()) {
			LedgerView view = ledger.view();
			long recovered = view.openUsage().stream().mapToLong(LedgerView.OpenUsage::quantity).sum()
					+ view.reports().stream().mapToLong(UsageReport::quantity).sum();
			assertThat(recovered)
				.as("recovered after %s acknowledged, %s seals started (target %s, %s reports)", acknowledged.count(),
						acknowledged.sealings(), target, view.reports().size())
				.isBetween(acknowledged.count(), acknowledged.count() + writers);
			if (seal) {
				assertThat(view.reports()).isNotEmpty();
			}
		}
	}

	/**
	 * What the child printed: the highest acknowledged count and how many seals it
	 * started. A torn last line can only understate the count.
	 */
	private record Acknowledgements(long count, long sealings) {

		static Acknowledgements read(Path output) throws IOException {
			long count = 0;
			long sealings = 0;
			for (String line : Files.readAllLines(output, StandardCharsets.US_ASCII)) {
				if (line.equals(CrashingRecorder.SEALING)) {
					sealings++;
				}
				else if (line.matches("\\d+")) {
					count = Math.max(count, Long.parseLong(line));
				}
			}
			return new Acknowledgements(count, sealings);
		}

	}

	private static String javaCommand() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

}
