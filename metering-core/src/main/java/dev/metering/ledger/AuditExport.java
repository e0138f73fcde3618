package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hourly export of settled reports, for reconciliation with AWS Marketplace's billing
 * reports: one JSON line per report that reached a final state (reported, carried or
 * moved forward, dead-lettered), appended to {@code audit/settled-yyyy-MM-ddTHH.jsonl}
 * under the ledger directory, one file per hour of the ledger's clock (the hour the
 * report was settled; each line names the usage hour). The files are kept as long as the
 * {@link AuditPolicy} keeps {@code audit.log}'s history ({@code maxFileAge} times
 * {@code maxHistory}, at least an hour); older ones are deleted when an hour's file is
 * started.
 * <p>
 * It is derived data: the ledger's journal and {@code audit.log} are the record. A line
 * that cannot be written is logged and skipped, never failing the settlement.
 *
 * @author metering-spring-boot
 */
final class AuditExport {

	/** The folder of the export in the ledger directory. */
	static final String FOLDER = "audit";

	private static final Logger logger = LoggerFactory.getLogger(AuditExport.class);

	private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

	private static final String PREFIX = "settled-";

	private static final String SUFFIX = ".jsonl";

	private final Path folder;

	private final Clock clock;

	private final Duration retention;

	private Instant currentHour;

	private long failures;

	AuditExport(Path ledgerDirectory, AuditPolicy policy, Clock clock) {
		this.folder = ledgerDirectory.resolve(FOLDER);
		this.clock = clock;
		Duration history = policy.maxFileAge().multipliedBy(policy.maxHistory());
		this.retention = (history.compareTo(Duration.ofHours(1)) > 0) ? history : Duration.ofHours(1);
	}

	/**
	 * Append the line of a settled report to the file of the current hour.
	 * @param report the report, in its final state
	 */
	synchronized void settled(UsageReport report) {
		Instant now = this.clock.instant();
		Instant hour = now.truncatedTo(ChronoUnit.HOURS);
		try {
			if (!hour.equals(this.currentHour)) {
				LedgerFiles.createDirectory(this.folder);
				prune(hour);
				this.currentHour = hour;
			}
			Path file = this.folder
				.resolve(PREFIX + HOUR.format(LocalDateTime.ofInstant(hour, ZoneOffset.UTC)) + SUFFIX);
			try (FileChannel channel = LedgerFiles.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
				LedgerFiles.writeFully(channel, ByteBuffer.wrap(line(report, now).getBytes(StandardCharsets.UTF_8)));
			}
		}
		catch (IOException | RuntimeException ex) {
			if (Long.bitCount(++this.failures) == 1) {
				logger.atWarn()
					.addKeyValue("reportId", report.id())
					.log("Could not export settled report {} to {} ({} exports failed so far); the ledger and "
							+ "audit.log still hold it: {}", report.id(), this.folder, this.failures, ex.toString());
			}
		}
	}

	/**
	 * Delete the files of hours older than the retention.
	 */
	private void prune(Instant hour) throws IOException {
		Instant horizon = hour.minus(this.retention);
		List<Path> files;
		try (Stream<Path> listed = Files.list(this.folder)) {
			files = listed.toList();
		}
		for (Path file : files) {
			Instant fileHour = hourOf(file.getFileName().toString());
			if (fileHour != null && fileHour.isBefore(horizon)) {
				Files.deleteIfExists(file);
			}
		}
	}

	private static Instant hourOf(String name) {
		if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
			return null;
		}
		try {
			return LocalDateTime.parse(name.substring(PREFIX.length(), name.length() - SUFFIX.length()), HOUR)
				.toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	static String line(UsageReport report, Instant settledAt) {
		StringBuilder json = new StringBuilder("{");
		field(json, "settledAt", settledAt.toString());
		field(json, "reportId", report.id());
		field(json, "hour", report.hour().toString());
		field(json, "dimension", report.dimension());
		field(json, "customer", report.customer());
		field(json, "license", report.license());
		json.append(",\"quantity\":").append(report.quantity());
		field(json, "state", report.state().name());
		field(json, "meteringRecordId", report.meteringRecordId());
		field(json, "reason", report.reason());
		return json.append("}\n").toString();
	}

	private static void field(StringBuilder json, String name, String value) {
		if (value == null) {
			return;
		}
		if (json.length() > 1) {
			json.append(',');
		}
		json.append('"').append(name).append("\":\"");
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append("\\u%04x".formatted((int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
