package dev.metering.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import dev.metering.test.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AuditLog} bounded by an {@link AuditPolicy}: rotated by size and by age,
 * compressed, and never holding more archives than the history limit.
 */
class AuditLogRotationTests {

	private static final Instant HOUR = Instant.parse("2026-01-01T10:00:00Z");

	private static final int MAX_HISTORY = 3;

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock(HOUR.plus(Duration.ofDays(8)));

	private final List<String> appended = new ArrayList<>();

	@Test
	void rotatesBySizeCompressesAndNeverKeepsMoreThanTheHistoryLimit() throws IOException {
		try (AuditLog audit = open(new AuditPolicy(400, Duration.ofDays(1), MAX_HISTORY))) {
			for (int i = 0; i < 60; i++) {
				append(audit, i);
				assertThat(archives()).as("archives after append %d", i).hasSizeLessThanOrEqualTo(MAX_HISTORY);
				assertThat(Files.size(active())).isLessThan(400);
			}
		}
		assertThat(archives()).hasSize(MAX_HISTORY)
			.allSatisfy((archive) -> assertThat(archive.getFileName().toString()).endsWith(".log.gz"));
		List<String> kept = new ArrayList<>();
		for (Path archive : archives()) {
			kept.addAll(gunzip(archive));
		}
		kept.addAll(Files.readAllLines(active()));
		assertThat(kept).as("the newest lines, whole and in order")
			.isEqualTo(this.appended.subList(this.appended.size() - kept.size(), this.appended.size()));
		assertThat(kept.size()).isLessThan(this.appended.size());
	}

	@Test
	void rotatesAFileOlderThanTheMaxAgeOnItsNextAppend() throws IOException {
		try (AuditLog audit = open(new AuditPolicy(1024 * 1024, Duration.ofDays(1), MAX_HISTORY))) {
			this.clock.advance(Duration.ofDays(3));
			append(audit, 1);
			this.clock.advance(Duration.ofHours(23));
			append(audit, 2);
			assertThat(archives()).as("an empty file has no age, the first line is 23 hours old").isEmpty();
			this.clock.advance(Duration.ofHours(1));
			append(audit, 3);
			assertThat(archives()).singleElement()
				.satisfies((archive) -> assertThat(gunzip(archive)).isEqualTo(this.appended.subList(0, 2)));
			assertThat(Files.readAllLines(active())).isEqualTo(this.appended.subList(2, 3));
		}
	}

	@Test
	void completesARotationCutShortByACrashWhenOpened() throws IOException {
		Files.writeString(this.directory.resolve("audit-00000007.log"), "a line\n");
		Files.writeString(this.directory.resolve("audit-00000007.log.gz.tmp"), "half");
		try (AuditLog audit = open(new AuditPolicy(400, Duration.ofDays(1), MAX_HISTORY))) {
			assertThat(archives()).singleElement()
				.satisfies((archive) -> assertThat(archive.getFileName()).hasToString("audit-00000007.log.gz"));
			assertThat(gunzip(archives().get(0))).containsExactly("a line");
			for (int i = 0; i < 30; i++) {
				append(audit, i);
			}
			assertThat(archives()).last()
				.satisfies(
						(archive) -> assertThat(archive.getFileName().toString()).matches("audit-000000\\d\\d.log.gz"))
				.satisfies((archive) -> assertThat(archive.getFileName().toString())
					.isGreaterThan("audit-00000007.log.gz"));
		}
	}

	private AuditLog open(AuditPolicy policy) throws IOException {
		SpaceReserve reserve = new SpaceReserve(active().getParent(), 64 * 1024, LedgerIo.DIRECT, Runnable::run);
		return new AuditLog(active(), LedgerIo.DIRECT, reserve, policy, this.clock);
	}

	private void append(AuditLog audit, int i) throws IOException {
		UsageReport report = new UsageReport("r" + i, HOUR.plus(Duration.ofHours(i)), "scans", null, null, i, List.of(),
				"token-" + i, ReportState.REPORTED, "record-" + i, null);
		audit.append(List.of(report));
		this.appended.add(report.hour() + "\tscans\t-\t-\t" + i + "\tREPORTED\trecord-" + i);
	}

	private Path active() {
		return this.directory.resolve("audit.log");
	}

	private List<Path> archives() throws IOException {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((path) -> path.getFileName().toString().matches("audit-\\d{8}\\.log(\\.gz)?"))
				.sorted()
				.toList();
		}
	}

	private static List<String> gunzip(Path archive) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
		}
	}

}
