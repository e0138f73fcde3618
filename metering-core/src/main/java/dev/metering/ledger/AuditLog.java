package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The append-only {@code audit.log}: one tab-separated line per final report compacted
 * out of the ledger (hour, dimension, customer, license, quantity, state, record id or
 * reason), so that what was billed stays traceable after the ledger forgot it. An append
 * that fails is cut back, so the log holds whole lines only; an append takes its space
 * from the ledger's {@link SpaceReserve} first.
 * <p>
 * It is bounded by an {@link AuditPolicy}: after an append that brings it to its size
 * limit, or before the first append once its first line is older than the age limit, it
 * is renamed to {@code audit-NNNNNNNN.log}, compressed to {@code audit-NNNNNNNN.log.gz},
 * and archives beyond the history limit are deleted, oldest first. A rotation cut short
 * by a crash is completed at the next open.
 *
 * @author metering-spring-boot
 */
final class AuditLog implements Closeable {

	private static final Log logger = LogFactory.getLog(AuditLog.class);

	private static final Pattern ARCHIVE = Pattern.compile("audit-(\\d{8})\\.log(\\.gz)?");

	private final Path file;

	private final LedgerChannel channel;

	private final SpaceReserve reserve;

	private final AuditPolicy policy;

	private final Clock clock;

	private long length;

	/** When the first line of the active file was written, {@code null} while empty. */
	private Instant startedAt;

	private int archiveCount;

	private long largestArchive;

	private volatile long room;

	AuditLog(Path file, LedgerIo io, SpaceReserve reserve, AuditPolicy policy, Clock clock) throws IOException {
		this.file = file;
		this.channel = new LedgerChannel(file, io);
		this.reserve = reserve;
		this.policy = policy;
		this.clock = clock;
		this.length = Files.size(file);
		this.startedAt = (this.length > 0) ? Files.getLastModifiedTime(file).toInstant() : null;
		try {
			completeRotations();
		}
		catch (IOException ex) {
			logger.warn("Could not complete the rotation of " + file + "; trying again at the next rotation", ex);
		}
		measureRoom();
	}

	/**
	 * Return the bytes this log may still take before it reaches the bound of its policy:
	 * the rest of the active file, and the archives not made yet, each the size of the
	 * largest so far (before the first, a third of the file size: gzip shrinks the lines
	 * about 3-fold when customers and record ids are all different).
	 * @return the bytes, 0 once the bound is reached
	 */
	long room() {
		return this.room;
	}

	private void measureRoom() {
		long archive = (this.largestArchive > 0) ? this.largestArchive : (this.policy.maxFileSize() + 2) / 3;
		this.room = Math.max(0, this.policy.maxFileSize() - this.length)
				+ Math.max(0, this.policy.maxHistory() - this.archiveCount) * archive;
	}

	/**
	 * Append a line per report and force them to disk.
	 * @param reports the reports
	 * @throws IOException on failure
	 */
	synchronized void append(List<UsageReport> reports) throws IOException {
		if (this.startedAt != null && !this.clock.instant().isBefore(this.startedAt.plus(this.policy.maxFileAge()))) {
			rotate();
		}
		StringBuilder lines = new StringBuilder();
		for (UsageReport report : reports) {
			lines.append(report.hour())
				.append('\t')
				.append(report.dimension())
				.append('\t')
				.append((report.customer() != null) ? report.customer() : "-")
				.append('\t')
				.append((report.license() != null) ? report.license() : "-")
				.append('\t')
				.append(report.quantity())
				.append('\t')
				.append(report.state())
				.append('\t')
				.append((report.state() == ReportState.REPORTED) ? report.meteringRecordId() : report.reason())
				.append('\n');
		}
		ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
		long start = this.length;
		this.reserve.append(start, bytes.limit(), () -> this.channel.run((channel) -> {
			if (channel.size() != start) {
				channel.truncate(start);
			}
			bytes.rewind();
			this.channel.io().writeFully(this.channel.path(), channel, bytes);
			return null;
		}));
		this.channel.force();
		this.length = start + bytes.limit();
		if (this.startedAt == null) {
			this.startedAt = this.clock.instant();
		}
		if (this.length >= this.policy.maxFileSize()) {
			rotate();
		}
		measureRoom();
	}

	/**
	 * Rename the active file to the next archive name, then compress and prune. The lines
	 * are already on disk: a failure here is logged and the rotation tried again after
	 * the next append.
	 */
	private void rotate() {
		try {
			Path rotated = this.file.resolveSibling("audit-%08d.log".formatted(lastArchive() + 1));
			this.channel.reopen();
			Files.move(this.file, rotated, StandardCopyOption.ATOMIC_MOVE);
			this.length = 0;
			this.startedAt = null;
			this.channel.run((channel) -> null);
			completeRotations();
		}
		catch (IOException ex) {
			logger.warn("Could not rotate " + this.file + "; trying again after the next append", ex);
		}
	}

	/**
	 * Compress every rotated file not compressed yet, then delete the oldest archives
	 * beyond the history limit.
	 */
	private void completeRotations() throws IOException {
		for (Path rotated : archives()) {
			if (!rotated.toString().endsWith(".gz")) {
				compress(rotated);
			}
		}
		List<Path> archives = archives();
		for (int i = 0; i < archives.size() - this.policy.maxHistory(); i++) {
			Files.delete(archives.get(i));
		}
		List<Path> kept = archives();
		this.archiveCount = kept.size();
		for (Path archive : kept) {
			this.largestArchive = Math.max(this.largestArchive, Files.size(archive));
		}
	}

	private void compress(Path rotated) throws IOException {
		Path compressed = rotated.resolveSibling(rotated.getFileName() + ".gz");
		Path partial = rotated.resolveSibling(compressed.getFileName() + ".tmp");
		try (FileChannel target = LedgerFiles.open(partial, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING);
				GZIPOutputStream gzip = new GZIPOutputStream(Channels.newOutputStream(target))) {
			Files.copy(rotated, gzip);
			gzip.finish();
			target.force(true);
		}
		Files.move(partial, compressed, StandardCopyOption.ATOMIC_MOVE);
		Files.delete(rotated);
	}

	/**
	 * Return the rotated files, compressed or not, oldest first.
	 */
	private List<Path> archives() throws IOException {
		try (Stream<Path> files = Files.list(this.file.getParent())) {
			return files.filter((path) -> ARCHIVE.matcher(path.getFileName().toString()).matches()).sorted().toList();
		}
	}

	private int lastArchive() throws IOException {
		List<Path> archives = archives();
		if (archives.isEmpty()) {
			return 0;
		}
		Matcher matcher = ARCHIVE.matcher(archives.get(archives.size() - 1).getFileName().toString());
		return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	@Override
	public synchronized void close() throws IOException {
		this.channel.close();
	}

}
