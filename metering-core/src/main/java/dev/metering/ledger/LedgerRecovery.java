package dev.metering.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reads a ledger directory back: key definitions, the state journal and the usage
 * segments. Damage never silently loses data: every valid record is kept (also the ones
 * after a damaged record), the damaged file is copied aside as
 * {@code <name>.corrupt-<millis>}, the damage is removed from the original (so the ledger
 * keeps running) and reported at ERROR with the file and offset.
 *
 * @author metering-spring-boot
 */
final class LedgerRecovery {

	private static final Log logger = LogFactory.getLog(FilePersistence.class);

	private static final Pattern SEGMENT = Pattern.compile("segment-(\\d+)\\.log");

	private final Clock clock;

	private final List<RecoveryResult.Damage> damages = new ArrayList<>();

	private final Map<Integer, KeyRef> keys = new HashMap<>();

	private long recoveredEntries;

	LedgerRecovery(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Read the key definitions.
	 * @param file the key file
	 * @return the keys with their ids
	 * @throws IOException on failure
	 */
	List<KeyRef> readKeys(Path file) throws IOException {
		List<KeyRef> read = readRecords(file, JournalCodec::decodeKey);
		read.forEach((ref) -> this.keys.put(ref.id(), ref));
		return read;
	}

	/**
	 * Replay the state journal.
	 * @param file the journal
	 * @return the state it holds
	 * @throws IOException on failure
	 */
	JournalCodec.Snapshot readJournal(Path file) throws IOException {
		Integer openFrom = null;
		Map<String, UsageReport> reports = new LinkedHashMap<>();
		List<Carry> carries = new ArrayList<>();
		for (Object record : readRecords(file, JournalCodec::decode)) {
			if (record instanceof JournalCodec.Snapshot snapshot) {
				openFrom = snapshot.openFrom();
				reports.clear();
				snapshot.reports().forEach((report) -> reports.put(report.id(), report));
				carries = new ArrayList<>(snapshot.carries());
			}
			else if (record instanceof LedgerEvent.Sealed sealed) {
				openFrom = sealed.openFrom();
				sealed.reports().forEach((report) -> reports.put(report.id(), report));
				carries.addAll(sealed.carries());
			}
			else if (record instanceof LedgerEvent.Transitioned transitioned) {
				reports.put(transitioned.report().id(), transitioned.report());
				carries.addAll(transitioned.carries());
			}
		}
		// a carry into an hour sealed since is inside that hour's report
		Integer floor = openFrom;
		carries.removeIf((carry) -> floor != null && carry.hour() < floor);
		return new JournalCodec.Snapshot(openFrom, new ArrayList<>(reports.values()), carries);
	}

	/**
	 * Read the usage segments: entries before the open-hour floor are inside sealed
	 * reports and skipped; the others are handed to the sink.
	 * @param directory the ledger directory
	 * @param openFrom the first open hour, or {@code null} if never sealed
	 * @param sink receives the open usage
	 * @return the segments, oldest first
	 * @throws IOException on failure
	 */
	List<Segment> readSegments(Path directory, Integer openFrom, UsageSink sink) throws IOException {
		Map<Long, Path> files = new TreeMap<>();
		try (Stream<Path> listing = Files.list(directory)) {
			listing.forEach((path) -> {
				Matcher matcher = SEGMENT.matcher(path.getFileName().toString());
				if (matcher.matches()) {
					files.put(Long.parseLong(matcher.group(1)), path);
				}
			});
		}
		List<Segment> segments = new ArrayList<>();
		for (Map.Entry<Long, Path> file : files.entrySet()) {
			segments.add(readSegment(file.getValue(), file.getKey(), openFrom, sink));
		}
		return segments;
	}

	private Segment readSegment(Path file, long sequence, Integer openFrom, UsageSink sink) throws IOException {
		long size = Files.size(file);
		long whole = size - size % Segment.ENTRY_BYTES;
		Segment segment = Segment.open(file, sequence);
		List<Integer> damaged = new ArrayList<>();
		segment.scan(new Segment.Visitor() {

			@Override
			public boolean entry(int slot, int keyId, int hour, long quantity) {
				KeyRef key = LedgerRecovery.this.keys.get(keyId);
				if (key == null) {
					damaged.add(slot);
				}
				else if (openFrom == null || hour >= openFrom) {
					sink.accept(key, hour, quantity);
					LedgerRecovery.this.recoveredEntries++;
				}
				return true;
			}

			@Override
			public boolean empty(int slot) {
				return true;
			}

			@Override
			public boolean damaged(int slot) {
				damaged.add(slot);
				return true;
			}

		});
		if (!damaged.isEmpty() || whole != size) {
			long offset = damaged.isEmpty() ? whole : (long) damaged.get(0) * Segment.ENTRY_BYTES;
			List<String> problems = new ArrayList<>();
			if (!damaged.isEmpty()) {
				problems.add("entries with a bad check or an unknown key: " + damaged.size());
			}
			if (whole != size) {
				problems.add("a truncated entry at offset " + whole);
			}
			String problem = String.join(" and ", problems);
			damage(file, offset, problem);
			damaged.forEach(segment::erase);
			segment.force();
			truncate(file, whole);
		}
		return segment;
	}

	private <T> List<T> readRecords(Path file, Decoder<T> decoder) throws IOException {
		if (!Files.exists(file)) {
			return List.of();
		}
		Frames.Read read = Frames.read(Files.readAllBytes(file));
		List<T> records = new ArrayList<>();
		List<byte[]> kept = new ArrayList<>();
		long offset = read.firstDamage();
		String problem = "a torn or corrupted record";
		for (Frames.Frame frame : read.frames()) {
			try {
				records.add(decoder.decode(frame.payload()));
				kept.add(frame.payload());
			}
			catch (IOException | RuntimeException ex) {
				if (offset < 0 || frame.offset() < offset) {
					offset = frame.offset();
					problem = "an undecodable record (" + ex + ")";
				}
			}
		}
		if (offset >= 0) {
			damage(file, offset, problem);
			rewrite(file, kept);
		}
		return records;
	}

	/**
	 * Replace a damaged file by its valid records, atomically.
	 */
	private static void rewrite(Path file, List<byte[]> payloads) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		try (FileChannel channel = LedgerFiles.open(temporary, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			for (byte[] payload : payloads) {
				LedgerFiles.writeFully(channel, Frames.frame(payload));
			}
			channel.force(true);
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		LedgerFiles.forceDirectory(file.getParent());
	}

	private Path damage(Path file, long offset, String problem) throws IOException {
		Path copy = LedgerFiles.copyAside(file, this.clock);
		this.damages.add(new RecoveryResult.Damage(file, offset, problem, copy));
		logger.error("Usage ledger file " + file + " is damaged at offset " + offset + ": " + problem
				+ "; every valid record was kept, the damaged file was copied to " + copy);
		return copy;
	}

	private static void truncate(Path file, long length) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			if (channel.size() > length) {
				channel.truncate(length);
				channel.force(true);
			}
		}
	}

	RecoveryResult report(int recoveredReports) {
		return new RecoveryResult(this.recoveredEntries, recoveredReports, List.copyOf(this.damages));
	}

	@FunctionalInterface
	private interface Decoder<T> {

		T decode(byte[] payload) throws IOException;

	}

	/**
	 * Receives recovered open usage.
	 */
	@FunctionalInterface
	interface UsageSink {

		void accept(KeyRef key, int hour, long quantity);

	}

}
