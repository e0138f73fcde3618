package dev.metering.ledger;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Durability, recovery and compaction of {@link MeteringLedger}.
 *
 * @author metering-spring-boot
 */
@ExtendWith(OutputCaptureExtension.class)
class FileLedgerTests {

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));

	private static final Instant TWELVE = ELEVEN.plus(Duration.ofHours(1));

	private static final UsageKey SCANS = UsageKey.of("scans");

	private static final UsageKey RED = UsageKey.of("scans", "cust-1", Map.of("team", "red"));

	private static final UsageKey BYTES = UsageKey.of("bytes");

	/** A segment of a header and ten counters. */
	private static final int TEN_COUNTERS = 11 * Segment.ENTRY_BYTES;

	@TempDir
	Path temp;

	private final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	private final List<MeteringLedger> opened = new ArrayList<>();

	@AfterEach
	void closeAll() throws IOException {
		for (MeteringLedger ledger : this.opened) {
			ledger.close();
		}
	}

	private Path directory() {
		return this.temp.resolve("ledger");
	}

	/**
	 * Open the ledger directory. A kill is tested with a real process in
	 * {@link FileLedgerCrashTests}.
	 */
	private MeteringLedger open() {
		MeteringLedger ledger = MeteringLedger.file(directory())
			.clock(this.clock)
			.productCode("prod-1")
			.reportingIdentity("pod-a")
			.segmentBytes(TEN_COUNTERS)
			.build();
		this.opened.add(ledger);
		return ledger;
	}

	@Test
	void reopeningKeepsOpenUsageReportsTheirStatesAndTheSealedHourFloor() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, 5);
		ledger.record(RED, 3);
		ledger.record(UsageKey.of("bytes"), 1);
		List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
		ledger.outbox().settle(reports.get(0), Settlement.reported("rec-1"));
		ledger.outbox().markSending(reports.get(1));
		ledger.outbox().settle(reports.get(2), Settlement.deadLettered("CustomerNotSubscribed"));
		this.clock.set(ELEVEN.plusSeconds(5));
		ledger.record(SCANS, 7);
		LedgerView before = ledger.view();
		ledger.close();
		MeteringLedger reopened = open();
		assertThat(reopened.view()).isEqualTo(before);
		LedgerSummary summary = reopened.summary();
		assertThat(summary).isEqualTo(LedgerSummary.of(before, summary.storage()));
		assertThat(reopened.view().sealedBefore()).isEqualTo(ELEVEN);
		assertThat(reopened.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, ELEVEN, 7));
		assertThat(reopened.recovery()).isEqualTo(new RecoveryResult(1, 3, List.of()));
	}

	@Test
	void aResendAfterARestartSendsTheIdenticalRequest() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, 5);
		ledger.record(RED, 3);
		ledger.record(UsageKey.of("scans", "cust-1", null), 4);
		ledger.outbox().seal(ELEVEN);
		ledger.outbox().markSending(ledger.outbox().pending().get(0));
		List<UsageReport> sent = ledger.outbox().pending();
		ledger.close();
		this.clock.set(ELEVEN.plusSeconds(300));
		MeteringLedger restarted = open();
		assertThat(restarted.outbox().pending()).isEqualTo(sent);
		assertThat(restarted.outbox().pending().get(1).allocations()).extracting(Allocation::tags, Allocation::quantity)
			.containsExactly(tuple(Map.of(), 4L), tuple(Map.of("team", "red"), 3L));
	}

	@Test
	void usageOfAnHourSealedAtShutdownMovesToTheNextHourAfterARestart() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, 1);
		ledger.outbox().seal(this.clock.instant());
		ledger.close();
		MeteringLedger restarted = open();
		restarted.record(SCANS, 2);
		assertThat(restarted.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, ELEVEN, 2));
		assertThat(restarted.outbox().pending()).extracting(UsageReport::hour, UsageReport::quantity)
			.containsExactly(tuple(TEN, 1L));
	}

	@Test
	void carriedQuantitiesSurviveARestartUntilTheirHourIsSealed() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, Integer.MAX_VALUE + 5L);
		ledger.record(RED, 3);
		this.clock.set(ELEVEN.plusSeconds(5));
		List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
		ledger.outbox().settle(reports.get(1), Settlement.carriedForward("TimestampOutOfBoundsException"));
		List<LedgerView.OpenUsage> carried = List.of(new LedgerView.OpenUsage(SCANS, ELEVEN, 5),
				new LedgerView.OpenUsage(RED, ELEVEN, 3));
		assertThat(ledger.view().openUsage()).containsExactlyInAnyOrderElementsOf(carried);
		ledger.close();
		MeteringLedger restarted = open();
		assertThat(restarted.view().openUsage()).containsExactlyInAnyOrderElementsOf(carried);
		this.clock.set(TWELVE);
		assertThat(restarted.outbox().seal(TWELVE)).extracting(UsageReport::hour, UsageReport::quantity)
			.containsExactly(tuple(ELEVEN, 5L), tuple(ELEVEN, 3L));
		restarted.close();
		MeteringLedger again = open();
		assertThat(again.view().openUsage()).isEmpty();
		assertThat(again.view().reports()).hasSize(4);
	}

	@Test
	void aDirectoryIsUsedByOneLedgerAtATime() throws IOException {
		MeteringLedger ledger = open();
		assertThatExceptionOfType(LedgerDirectoryInUseException.class).isThrownBy(this::open)
			.withMessageContaining(directory().toRealPath().toString())
			.withMessageContaining("in use by another ledger in this JVM")
			.satisfies((refused) -> assertThat(refused.getHolder())
				.isEqualTo(LedgerDirectoryInUseException.Holder.THIS_JVM));
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), directory());
		assertThatExceptionOfType(LedgerDirectoryInUseException.class)
			.isThrownBy(() -> MeteringLedger.file(link).productCode("prod-1").reportingIdentity("pod-a").build())
			.withMessageContaining("in this JVM");
		ledger.close();
		assertThat(open().recovery().isClean()).isTrue();
	}

	@Test
	void filesAreReadableByTheirOwnerOnly() throws IOException {
		MeteringLedger ledger = open();
		for (int i = 0; i < 25; i++) {
			ledger.record(SCANS, 1);
		}
		ledger.outbox().seal(ELEVEN);
		ledger.close();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory()))).isEqualTo("rwx------");
		try (Stream<Path> files = Files.list(directory())) {
			assertThat(files).isNotEmpty()
				.allSatisfy((file) -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
					.as(file.toString())
					.isEqualTo("rw-------"));
		}
	}

	@Test
	void segmentsRollWhenFullAndAreReadBackAcrossRolls() throws IOException {
		MeteringLedger ledger = open();
		List<LedgerView.OpenUsage> recorded = new ArrayList<>();
		for (int i = 1; i <= 95; i++) {
			UsageKey customer = UsageKey.of("scans", "cust-" + i, null);
			ledger.record(customer, i);
			recorded.add(new LedgerView.OpenUsage(customer, TEN, i));
		}
		assertThat(segmentsWithEntries()).as("a counter per key, ten per segment").hasSize(10);
		ledger.close();
		MeteringLedger restarted = open();
		assertThat(restarted.view().openUsage()).containsExactlyInAnyOrderElementsOf(recorded);
		assertThat(restarted.recovery().recoveredEntries()).isEqualTo(95);
	}

	@Test
	void aKeyRecordedManyTimesByOneThreadUsesOneCounter() throws IOException {
		MeteringLedger ledger = open();
		for (int i = 1; i <= 1000; i++) {
			ledger.record(SCANS, i);
		}
		assertThat(segmentsWithEntries()).hasSize(1);
		ledger.close();
		MeteringLedger restarted = open();
		assertThat(restarted.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, TEN, 1000 * 1001 / 2));
		assertThat(restarted.recovery().recoveredEntries()).isEqualTo(1);
	}

	@Test
	void moreThreadsThanStripesRecordingOneKeyAreExactAfterARestart() throws Exception {
		MeteringLedger ledger = open();
		int threads = 2 * ThreadStripes.COUNT;
		int perThread = 100_000;
		Concurrently.run(threads, (thread) -> {
			for (int i = 0; i < perThread; i++) {
				ledger.record(SCANS, 1);
			}
		});
		ledger.close();
		MeteringLedger restarted = open();
		assertThat(restarted.view().openUsage())
			.containsExactly(new LedgerView.OpenUsage(SCANS, TEN, (long) threads * perThread));
		assertThat(restarted.recovery().recoveredEntries()).isBetween(1L, (long) ThreadStripes.COUNT);
	}

	@Test
	void aQuantityBeyondWhatOneCounterHoldsGoesOnInAnother() throws IOException {
		MeteringLedger ledger = open();
		long max = UsageLedger.MAX_RECORD_QUANTITY;
		ledger.record(SCANS, max - 1);
		ledger.record(SCANS, 5);
		ledger.record(SCANS, max);
		ledger.close();
		MeteringLedger restarted = open();
		assertThat(restarted.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, TEN, 2 * max + 4));
		assertThat(restarted.recovery().recoveredEntries()).isEqualTo(3);
	}

	@Test
	void compactionDeletesSealedSegmentsAndAuditsExpiredFinalReports() throws IOException {
		MeteringLedger ledger = open();
		for (int i = 0; i < 50; i++) {
			ledger.record(UsageKey.of("scans", null, Map.of("team", "t" + (i % 25))), 1);
			ledger.record(UsageKey.of("bytes"), 1);
		}
		assertThat(segmentsWithEntries()).as("26 counters").hasSize(3);
		this.clock.set(ELEVEN.plusSeconds(5));
		List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
		assertThat(segmentsWithEntries()).as("only the current segment is left").hasSize(1);
		ledger.outbox().settle(reports.get(1), Settlement.reported("rec-1"));
		ledger.outbox().settle(reports.get(0), Settlement.carriedForward("TimestampOutOfBoundsException"));
		this.clock.set(TEN.plus(Duration.ofDays(8)).plusSeconds(5));
		ledger.record(SCANS, 2);
		ledger.outbox().seal(this.clock.instant());
		assertThat(ledger.view().reports()).extracting(UsageReport::hour, UsageReport::dimension, UsageReport::state)
			.containsExactly(tuple(ELEVEN, "bytes", ReportState.CLOSED),
					tuple(TEN.plus(Duration.ofDays(8)), "scans", ReportState.CLOSED));
		assertThat(Files.readAllLines(directory().resolve("audit.log"))).containsExactly(
				"2026-01-01T10:00:00Z\tbytes\t-\t-\t50\tCARRIED_FORWARD\tTimestampOutOfBoundsException",
				"2026-01-01T10:00:00Z\tscans\t-\t-\t50\tREPORTED\trec-1");
		LedgerView before = ledger.view();
		ledger.close();
		MeteringLedger reopened = open();
		assertThat(reopened.view()).isEqualTo(before);
		assertThat(reopened.recovery().isClean()).isTrue();
	}

	@Test
	void anAcknowledgedAndAReplayedDeadLetterStaySoAfterARestartAndAreAudited() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(RED, 3);
		ledger.record(BYTES, 4);
		this.clock.set(ELEVEN.plusSeconds(5));
		List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
		reports.forEach((report) -> ledger.outbox().settle(report, Settlement.deadLettered("CustomerNotSubscribed")));
		ledger.outbox().settle(reports.get(0), Settlement.acknowledged("alice", "refunded"));
		ledger.outbox().settle(reports.get(1), Settlement.replayed("bob", null));
		assertThat(Files.readAllLines(directory().resolve("audit.log"))).containsExactly(
				"2026-01-01T10:00:00Z\tbytes\t-\t-\t4\tACKNOWLEDGED\tCustomerNotSubscribed; acknowledged by alice: refunded",
				"2026-01-01T10:00:00Z\tscans\tcust-1\t-\t3\tREPLAYED\tCustomerNotSubscribed; replayed by bob");
		LedgerView before = ledger.view();
		ledger.close();
		MeteringLedger reopened = open();
		assertThat(reopened.view()).isEqualTo(before);
		assertThat(reopened.view().openUsage()).containsExactly(new LedgerView.OpenUsage(RED, ELEVEN, 3));
		assertThat(reopened.outbox().deadLetters()).isEmpty();
		assertThat(reopened.summary().deadLetters()).isZero();
		assertThat(reopened.view().reports()).extracting(UsageReport::settledAt).containsOnly(ELEVEN.plusSeconds(5));
		assertThat(reopened.outbox().seal(TWELVE)).singleElement().satisfies((report) -> {
			assertThat(report.hour()).isEqualTo(ELEVEN);
			assertThat(report.quantity()).isEqualTo(3);
		});
	}

	@Test
	void aTruncatedSegmentKeepsEveryWholeEntryAndIsCopiedAside(CapturedOutput output) throws IOException {
		Path segment = segmentOfAClosedLedgerWithScansRedAndBytes();
		int whole = 3 * Segment.ENTRY_BYTES;
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			file.setLength(whole + 10);
		}
		MeteringLedger reopened = open();
		assertThat(reopened.view().openUsage()).containsExactlyInAnyOrder(new LedgerView.OpenUsage(SCANS, TEN, 1),
				new LedgerView.OpenUsage(RED, TEN, 2));
		RecoveryResult.Damage damage = reopened.recovery().damages().get(0);
		assertThat(damage.file()).isEqualTo(segment);
		assertThat(damage.offset()).isEqualTo(whole);
		assertThat(damage.copy()).hasSize(whole + 10);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(damage.copy()))).isEqualTo("rw-------");
		assertThat(output).contains("ERROR").contains(segment.toString()).contains("offset " + whole);
		reopened.record(SCANS, 10);
		assertThat(reopened.outbox().seal(ELEVEN)).extracting(UsageReport::dimension, UsageReport::quantity)
			.containsExactlyInAnyOrder(tuple("scans", 11L), tuple("scans", 2L));
		reopened.close();
		assertThat(open().recovery().isClean()).isTrue();
	}

	@Test
	void aCorruptedCounterIsSetAsideAndTheOthersKept(CapturedOutput output) throws IOException {
		Path segment = segmentOfAClosedLedgerWithScansRedAndBytes();
		int red = 2 * Segment.ENTRY_BYTES;
		int quantityOfRed = red + 16;
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			file.seek(quantityOfRed + 3);
			file.write(0x7F);
		}
		MeteringLedger reopened = open();
		assertThat(reopened.view().openUsage()).containsExactlyInAnyOrder(new LedgerView.OpenUsage(SCANS, TEN, 1),
				new LedgerView.OpenUsage(BYTES, TEN, 4));
		assertThat(reopened.recovery().damages()).singleElement().satisfies((damage) -> {
			assertThat(damage.offset()).isEqualTo(red);
			assertThat(Files.size(damage.copy())).isEqualTo(TEN_COUNTERS);
		});
		assertThat(output).contains("ERROR").contains(segment.toString()).contains("offset " + red);
		reopened.record(SCANS, 10);
		assertThat(reopened.view().openUsage()).containsExactlyInAnyOrder(new LedgerView.OpenUsage(SCANS, TEN, 11),
				new LedgerView.OpenUsage(BYTES, TEN, 4));
	}

	@Test
	void aSegmentWrittenBeforeTheHeaderRecoversItsUsageExactly() throws IOException {
		MeteringLedger ledger = open();
		for (int i = 1; i <= 25; i++) {
			ledger.record(UsageKey.of("scans", "cust-" + i, null), i);
		}
		LedgerView before = ledger.view();
		ledger.close();
		for (Path segment : segments()) {
			withoutHeader(segment);
		}
		MeteringLedger reopened = open();
		assertThat(reopened.view()).isEqualTo(before);
		assertThat(reopened.recovery().recoveredEntries()).isEqualTo(25);
		assertThat(reopened.recovery().isClean()).isTrue();
		reopened.record(UsageKey.of("scans", "cust-1", null), 100);
		this.clock.set(ELEVEN.plusSeconds(5));
		assertThat(reopened.outbox().seal(ELEVEN)).extracting(UsageReport::quantity).hasSize(25).contains(101L);
		reopened.close();
		assertThat(open().recovery().isClean()).isTrue();
	}

	@Test
	void aSegmentOfAnUnknownFormatVersionIsRefusedAndLeftUntouched() throws IOException {
		Path segment = segmentOfAClosedLedgerWithScansRedAndBytes();
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			file.seek(8);
			file.writeInt(Segment.FORMAT_VERSION + 1);
		}
		byte[] written = Files.readAllBytes(segment);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(this::open)
			.havingCause()
			.withMessageContaining(segment.toString())
			.withMessageContaining("format version " + (Segment.FORMAT_VERSION + 1));
		assertThat(Files.readAllBytes(segment)).isEqualTo(written);
		assertThat(segments()).hasSize(2);
	}

	@Test
	void aTornJournalKeepsEveryWholeRecordAndTheLedgerGoesOn(CapturedOutput output) throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, 1);
		UsageReport report = ledger.outbox().seal(ELEVEN).get(0);
		Path journal = directory().resolve("state.journal");
		long sealed = Files.size(journal);
		ledger.outbox().markSending(report);
		ledger.close();
		try (RandomAccessFile file = new RandomAccessFile(journal.toFile(), "rw")) {
			file.setLength(file.length() - 3);
		}
		MeteringLedger reopened = open();
		assertThat(reopened.outbox().pending()).containsExactly(report);
		assertThat(reopened.view().sealedBefore()).isEqualTo(ELEVEN);
		assertThat(reopened.recovery().damages()).singleElement()
			.extracting(RecoveryResult.Damage::file, RecoveryResult.Damage::offset)
			.containsExactly(journal, sealed);
		assertThat(output).contains("ERROR").contains(journal.toString()).contains("offset " + sealed);
		reopened.outbox().markSending(report);
		reopened.close();
		MeteringLedger again = open();
		assertThat(again.recovery().isClean()).isTrue();
		assertThat(again.outbox().pending()).extracting(UsageReport::state).containsExactly(ReportState.SENDING);
	}

	@Test
	void aCorruptedJournalRecordIsCopiedAsideAndTheRecordsAfterItAreKept() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, 1);
		UsageReport report = ledger.outbox().seal(ELEVEN).get(0);
		long sealed = Files.size(directory().resolve("state.journal"));
		ledger.outbox().markSending(report);
		ledger.outbox().settle(report, Settlement.reported("rec-1"));
		ledger.close();
		Path journal = directory().resolve("state.journal");
		byte[] original = Files.readAllBytes(journal);
		try (RandomAccessFile file = new RandomAccessFile(journal.toFile(), "rw")) {
			file.seek(sealed + 12);
			file.write(original[(int) sealed + 12] ^ 0x01);
		}
		MeteringLedger reopened = open();
		assertThat(reopened.outbox().pending()).isEmpty();
		assertThat(reopened.view().reports()).singleElement()
			.extracting(UsageReport::state, UsageReport::meteringRecordId)
			.containsExactly(ReportState.REPORTED, "rec-1");
		RecoveryResult.Damage damage = reopened.recovery().damages().get(0);
		assertThat(damage.offset()).isEqualTo(sealed);
		assertThat(Files.size(damage.copy())).isEqualTo(original.length);
		reopened.close();
		assertThat(open().recovery().isClean()).isTrue();
	}

	/**
	 * Record 1 scan, 2 red scans and 4 bytes (a counter each, after the header), close
	 * the ledger and return its segment.
	 */
	private Path segmentOfAClosedLedgerWithScansRedAndBytes() throws IOException {
		MeteringLedger ledger = open();
		ledger.record(SCANS, 1);
		ledger.record(RED, 2);
		ledger.record(BYTES, 4);
		ledger.close();
		return segments().get(0);
	}

	/**
	 * Rewrite a segment as it was written before segments had a header: its counters from
	 * the first slot on.
	 */
	private static void withoutHeader(Path segment) throws IOException {
		byte[] content = Files.readAllBytes(segment);
		byte[] preHeader = new byte[content.length];
		System.arraycopy(content, Segment.ENTRY_BYTES, preHeader, 0, content.length - Segment.ENTRY_BYTES);
		Files.write(segment, preHeader);
	}

	private List<Path> segmentsWithEntries() throws IOException {
		List<Path> withEntries = new ArrayList<>();
		for (Path segment : segments()) {
			byte[] counters = Arrays.copyOfRange(Files.readAllBytes(segment), Segment.ENTRY_BYTES,
					(int) Files.size(segment));
			if (!Arrays.equals(counters, new byte[counters.length])) {
				withEntries.add(segment);
			}
		}
		return withEntries;
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.list(directory())) {
			return files.filter((file) -> file.getFileName().toString().matches("segment-\\d+\\.log"))
				.sorted()
				.toList();
		}
	}

}
