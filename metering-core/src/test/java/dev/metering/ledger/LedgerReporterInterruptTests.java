package dev.metering.ledger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reporter's journal writes are not broken by an interrupt, and its stop interrupts
 * nothing: the shutdown report sends everything, and a restart finds nothing damaged
 * (GUIDE R9).
 */
@ExtendWith(OutputCaptureExtension.class)
class LedgerReporterInterruptTests {

	private static final Instant NINE = Instant.parse("2026-03-01T09:00:00Z");

	@TempDir
	Path temp;

	private final MutableClock clock = new MutableClock(NINE.plusSeconds(1800));

	private final FaultyIo io = new FaultyIo();

	private final Map<String, Long> recorded = new HashMap<>();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private EmulatedReporting reporting;

	@BeforeEach
	void startEmulator() {
		this.reporting = new EmulatedReporting(this.clock);
		this.resources.add(this.reporting);
	}

	@AfterEach
	void closeAll() throws Exception {
		Thread.interrupted();
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void aReportInterruptedWhileWritingItsJournalGoesOnAndTheShutdownReportSendsEverything(CapturedOutput output)
			throws Exception {
		MeteringLedger ledger = open();
		recordTwoHours(ledger);
		UsageReporter reporter = this.reporting.reporter(ledger);
		this.io.interruptAt("state", 1);
		reporter.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> reporter.getStatistics().lastCycle() != null);
		Cycle scheduled = reporter.getStatistics().lastCycle();
		reporter.stop();
		assertThat(this.io.interrupts()).isOne();
		// the reporter thread keeps its interrupt, which may end the rest of its run; no
		// ledger write failed
		assertThat(Objects.toString(scheduled.failure(), "")).doesNotContain("journal").doesNotContain("Closed");
		assertEverythingBilledAndARestartFindsNothingDamaged(ledger, output);
	}

	@Test
	void stopRightAfterStartInterruptsNothing(CapturedOutput output) throws Exception {
		MeteringLedger ledger = open();
		recordTwoHours(ledger);
		UsageReporter reporter = this.reporting.reporter(ledger);
		reporter.start();
		reporter.stop();
		assertEverythingBilledAndARestartFindsNothingDamaged(ledger, output);
	}

	private void assertEverythingBilledAndARestartFindsNothingDamaged(MeteringLedger ledger, CapturedOutput output)
			throws Exception {
		assertThat(this.reporting.billed()).isEqualTo(this.recorded);
		assertThat(ledger.outbox().pending()).isEmpty();
		assertThat(ledger.summary().storage().isSafe()).isTrue();
		ledger.close();
		assertThat(output).doesNotContain("Could not write").doesNotContain("ClosedByInterruptException");
		MeteringLedger reopened = open();
		assertThat(reopened.recovery().isClean()).isTrue();
		assertThat(reopened.outbox().pending()).isEmpty();
		assertThat(reopened.view().openUsage()).isEmpty();
	}

	/**
	 * Record usage in hour 9 (which the scheduled run reports) and in hour 10 (which the
	 * shutdown report reports).
	 */
	private void recordTwoHours(MeteringLedger ledger) {
		for (int hour = 0; hour < 2; hour++) {
			for (int i = 0; i < 50; i++) {
				String key = hour + "-" + i;
				ledger.record(UsageKey.of("scans", null, Map.of("key", key)), i + 1);
				this.recorded.put(key, i + 1L);
			}
			this.clock.set(NINE.plus(Duration.ofMinutes(90)));
		}
	}

	private MeteringLedger open() {
		MeteringLedger ledger = MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode(EmulatedReporting.PRODUCT)
			.reportingIdentity("pod-a")
			.segmentBytes(16 * Segment.ENTRY_BYTES)
			.io(this.io)
			.build();
		this.resources.add(ledger);
		return ledger;
	}

}
