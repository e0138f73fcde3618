package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The append-only usage log: a sequence of {@link Segment segments}, rolling to a new one
 * when the current one is full. Each run appends to segments of its own; segments whose
 * entries are all sealed are deleted.
 *
 * @author metering-spring-boot
 */
final class SegmentLog {

	private final Path directory;

	private final int segmentBytes;

	private final List<Segment> segments = new CopyOnWriteArrayList<>();

	private final Object rollLock = new Object();

	private volatile Segment current;

	SegmentLog(Path directory, int segmentBytes, List<Segment> recovered) throws IOException {
		this.directory = directory;
		this.segmentBytes = segmentBytes;
		this.segments.addAll(recovered);
		long sequence = recovered.isEmpty() ? 1 : recovered.get(recovered.size() - 1).sequence() + 1;
		this.current = newSegment(sequence);
	}

	static Path file(Path directory, long sequence) {
		return directory.resolve(String.format("segment-%012d.log", sequence));
	}

	void append(int keyId, int hour, long quantity) {
		Segment segment = this.current;
		while (!segment.append(keyId, hour, quantity)) {
			segment = roll(segment);
		}
	}

	private Segment roll(Segment full) {
		synchronized (this.rollLock) {
			if (this.current == full) {
				try {
					this.current = newSegment(full.sequence() + 1);
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Could not roll the usage log to a new segment", ex);
				}
			}
			return this.current;
		}
	}

	private Segment newSegment(long sequence) throws IOException {
		Segment segment = Segment.create(file(this.directory, sequence), sequence, this.segmentBytes);
		this.segments.add(segment);
		return segment;
	}

	void force() {
		this.segments.forEach(Segment::force);
	}

	/**
	 * Delete the segments, other than the current one, whose entries are all before an
	 * hour.
	 * @param openFrom the first open hour
	 * @return the deleted files
	 * @throws IOException on failure
	 */
	List<Path> deleteObsolete(int openFrom) throws IOException {
		List<Path> deleted = new ArrayList<>();
		for (Segment segment : this.segments) {
			if (segment != this.current && segment.isObsolete(openFrom)) {
				this.segments.remove(segment);
				Files.deleteIfExists(segment.path());
				deleted.add(segment.path());
			}
		}
		return deleted;
	}

	int size() {
		return this.segments.size();
	}

}
