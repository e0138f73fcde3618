package dev.metering.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file ledger's hourly JSON-lines export of settled reports, pruned with the audit
 * policy's history, and the free space it reports, which counts the room
 * {@code audit.log} and its archives may still take.
 */
class AuditExportTests {

	private static final Instant HOUR_10 = Instant.parse("2026-03-01T10:00:00Z");

	private static final long DISK = 100L * 1024 * 1024;

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock(HOUR_10.plus(Duration.ofMinutes(30)));

	private MeteringLedger ledger;

	@AfterEach
	void close() throws IOException {
		if (this.ledger != null) {
			this.ledger.close();
		}
	}

	@Test
	void eachSettledReportIsAJsonLineInTheFileOfTheHourItWasSettled() throws IOException {
		this.ledger = open(AuditPolicy.defaults(), Duration.ofDays(7));
		this.ledger.record(UsageKey.of("scans"), 5);
		this.ledger.record(UsageKey.of("pages", "customer \"7\"", null), 2);
		this.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		List<UsageReport> reports = this.ledger.outbox().seal(this.clock.instant().minus(Duration.ofMinutes(1)));
		UsageReport own = reports.stream().filter((report) -> report.customer() == null).findFirst().orElseThrow();
		UsageReport customers = reports.stream()
			.filter((report) -> report.customer() != null)
			.findFirst()
			.orElseThrow();
		this.ledger.outbox().markSending(own);
		assertThat(exports()).as("a report being sent is not settled").isEmpty();
		this.ledger.outbox().settle(own, Settlement.reported("record-1"));
		this.ledger.outbox().settle(customers, Settlement.deadLettered("REJECTED CustomerNotSubscribed:\tgone"));

		assertThat(exports()).singleElement()
			.satisfies((file) -> assertThat(file.getFileName()).hasToString("settled-2026-03-01T11.jsonl"));
		assertThat(Files.readAllLines(exports().get(0))).containsExactly(
				"{\"settledAt\":\"2026-03-01T11:01:00Z\",\"reportId\":\"" + own.id()
						+ "\",\"hour\":\"2026-03-01T10:00:00Z\",\"dimension\":\"scans\",\"quantity\":5,"
						+ "\"state\":\"REPORTED\",\"meteringRecordId\":\"record-1\"}",
				"{\"settledAt\":\"2026-03-01T11:01:00Z\",\"reportId\":\"" + customers.id()
						+ "\",\"hour\":\"2026-03-01T10:00:00Z\",\"dimension\":\"pages\",\"customer\":\"customer \\\"7\\\"\","
						+ "\"quantity\":2,\"state\":\"DEAD_LETTER\",\"reason\":\"REJECTED CustomerNotSubscribed:\\tgone\"}");
		assertThat(Files.getPosixFilePermissions(exports().get(0)))
			.containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
	}

	@Test
	void filesOlderThanTheAuditHistoryAreDeletedWhenAnHoursFileStarts() throws IOException {
		this.ledger = open(new AuditPolicy(1024 * 1024, Duration.ofHours(1), 3), Duration.ofDays(7));
		for (int hour = 0; hour < 8; hour++) {
			this.ledger.record(UsageKey.of("scans"), 1);
			this.clock.advance(Duration.ofHours(1));
			for (UsageReport report : this.ledger.outbox().seal(this.clock.instant())) {
				this.ledger.outbox().settle(report, Settlement.reported("record-" + hour));
			}
		}
		assertThat(exports()).extracting((file) -> file.getFileName().toString())
			.as("the hours within 3 times 1 hour of the last one")
			.containsExactly("settled-2026-03-01T15.jsonl", "settled-2026-03-01T16.jsonl",
					"settled-2026-03-01T17.jsonl", "settled-2026-03-01T18.jsonl");
	}

	@Test
	void theFreeSpaceCountsWhatAuditLogAndItsArchivesMayStillTake() throws IOException {
		AuditPolicy policy = new AuditPolicy(3000, Duration.ofDays(1), 2);
		this.ledger = open(policy, Duration.ofHours(1));
		assertThat(this.ledger.summary().storage().usableSpace()).as("the file and two archives of a third of its size")
			.isEqualTo(DISK - 3000 - 2 * 1000);
		for (int hour = 0; hour < 40; hour++) {
			for (int customer = 0; customer < 10; customer++) {
				this.ledger.record(UsageKey.of("scans", "customer-" + customer, null), 1);
			}
			this.clock.advance(Duration.ofHours(1));
			for (UsageReport report : this.ledger.outbox().seal(this.clock.instant())) {
				this.ledger.outbox().settle(report, Settlement.reported("record-" + hour));
			}
		}
		List<Path> archives = archives();
		assertThat(archives).as("audit.log rotated").hasSize(2);
		long active = Files.size(this.directory.resolve("audit.log"));
		assertThat(this.ledger.summary().storage().usableSpace())
			.as("both archives exist: only the active file may grow")
			.isEqualTo(DISK - (3000 - active));
	}

	private MeteringLedger open(AuditPolicy policy, Duration retention) {
		return MeteringLedger.file(this.directory)
			.clock(this.clock)
			.productCode("prod-1")
			.reportingIdentity("pod-a")
			.auditPolicy(policy)
			.retention(retention)
			.io(new FixedSpaceIo())
			.build();
	}

	private List<Path> exports() throws IOException {
		Path folder = this.directory.resolve(AuditExport.FOLDER);
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(folder)) {
			return files.sorted().toList();
		}
	}

	private List<Path> archives() throws IOException {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().matches("audit-\\d+\\.log\\.gz")).toList();
		}
	}

	/** A disk of a fixed free space, so that the figures are exact. */
	private static final class FixedSpaceIo implements LedgerIo {

		@Override
		public long usableSpace(Path directory) {
			return DISK;
		}

		@Override
		public void force(Path file, FileChannel channel) throws IOException {
			channel.force(false);
		}

	}

}
