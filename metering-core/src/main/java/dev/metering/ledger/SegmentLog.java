package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The usage log: a sequence of {@link Segment segments} of counters, rolling to a new one
 * when the current one is full. Each run allocates counters in segments of its own (and
 * adds to them wherever they are); segments whose counters are all sealed are deleted.
 * <p>
 * The next segment is created and its pages faulted in the background, so that a writer
 * neither creates a file nor faults a page; only when the spare is not ready yet does a
 * writer roll to a segment it creates itself. This is the ledger's reserve of space: a
 * full disk shows when the spare cannot be prepared ({@link #spareFailure()}), while
 * writers still have the current segment, and the sync thread tries again
 * ({@link #ensureSpare()}).
 *
 * @author metering-spring-boot
 */
final class SegmentLog {

	private final Path directory;

	private final int segmentBytes;

	private final Executor preparer;

	private final LedgerIo io;

	private final List<Segment> segments = new CopyOnWriteArrayList<>();

	private final Object rollLock = new Object();

	private volatile Segment current;

	private Segment spare;

	private long nextSequence;

	private volatile IOException spareFailure;

	/**
	 * Create a log whose first segment of this run is ready to be appended to.
	 * @param directory the directory
	 * @param segmentBytes the size of a segment
	 * @param recovered the segments of earlier runs
	 * @param preparer runs the preparation of the spare segment
	 * @param io the file I/O
	 * @throws IOException on failure
	 */
	SegmentLog(Path directory, int segmentBytes, List<Segment> recovered, Executor preparer, LedgerIo io)
			throws IOException {
		this.directory = directory;
		this.segmentBytes = segmentBytes;
		this.preparer = preparer;
		this.io = io;
		this.segments.addAll(recovered);
		this.nextSequence = recovered.isEmpty() ? 1 : recovered.get(recovered.size() - 1).sequence() + 1;
		Segment first = newSegment(takeSequence());
		first.prefault();
		install(first);
		requestSpare();
	}

	/**
	 * Allocate a counter in the current segment, rolling to the next one if it is full.
	 * @param keyId the key
	 * @param hour the hour
	 * @return the counter
	 */
	Segment.Counter allocate(int keyId, int hour) {
		Segment segment = this.current;
		Segment.Counter counter;
		while ((counter = segment.allocate(keyId, hour)) == null) {
			segment = roll(segment);
		}
		return counter;
	}

	private Segment roll(Segment full) {
		synchronized (this.rollLock) {
			if (this.current == full) {
				try {
					install((this.spare != null) ? this.spare : newSegment(takeSequence()));
					this.spare = null;
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Could not roll the usage log to a new segment", ex);
				}
				requestSpare();
			}
			return this.current;
		}
	}

	private void requestSpare() {
		try {
			this.preparer.execute(this::ensureSpare);
		}
		catch (RejectedExecutionException ex) {
			// closing: a writer rolls to a segment of its own if it must
		}
	}

	/**
	 * Prepare the spare segment if there is none (its preparation failed, on a full
	 * disk); called on the preparer's thread.
	 */
	void ensureSpare() {
		synchronized (this.rollLock) {
			if (this.spare != null) {
				return;
			}
		}
		try {
			Segment prepared = newSegment(takeSequence());
			prepared.prefault();
			synchronized (this.rollLock) {
				this.spare = prepared;
			}
			this.spareFailure = null;
		}
		catch (IOException ex) {
			this.spareFailure = ex;
		}
	}

	/**
	 * Return why the last preparation of the spare segment failed.
	 * @return the failure, or {@code null} if the spare is ready or being prepared
	 */
	IOException spareFailure() {
		return this.spareFailure;
	}

	private long takeSequence() {
		synchronized (this.rollLock) {
			return this.nextSequence++;
		}
	}

	private Segment newSegment(long sequence) throws IOException {
		return Segment.create(this.directory.resolve(String.format("segment-%012d.log", sequence)), sequence,
				this.segmentBytes, this.io);
	}

	/**
	 * Make a segment the one appended to; only then is it forced and considered for
	 * deletion (a spare is empty, and one left by a crash is deleted as such).
	 */
	private void install(Segment segment) {
		synchronized (this.rollLock) {
			this.segments.add(segment);
			this.current = segment;
		}
	}

	void force() {
		this.segments.forEach(Segment::force);
	}

	/**
	 * Delete the segments, other than the current one, whose entries are all before an
	 * hour.
	 * @param openFrom the first open hour
	 * @throws IOException on failure
	 */
	void deleteObsolete(int openFrom) throws IOException {
		for (Segment segment : this.segments) {
			if (segment == this.current || !segment.isObsolete(openFrom)) {
				continue;
			}
			this.segments.remove(segment);
			Files.deleteIfExists(segment.path());
		}
	}

}
