package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * A durable {@link UsageLedger} in a directory of its own (readable by its owner only).
 * <p>
 * <strong>Recorded usage</strong> is added to a counter of its key and hour in a
 * memory-mapped segment file before {@link #record} returns, so it survives
 * {@code kill -9} (the page cache outlives the process); each stripe of recording threads
 * has counters of its own ({@link DurableCounters}). A background daemon thread forces
 * the files to disk every {@code syncInterval}, which bounds what an OS crash can lose,
 * and prepares the next segment with its pages already faulted. A key is written to
 * {@code keys.log} on its first use, before any counter refers to its id.
 * <p>
 * <strong>State</strong> (seals with their full reports, transitions, carries) is
 * appended to {@code state.journal} and forced before it is applied. Recovery is exact: a
 * counter of an hour before the sealed-hour floor is inside a sealed report and skipped,
 * a counter at or after it is open usage, and a journaled carry is open usage while its
 * hour is not sealed.
 * <p>
 * <strong>Compaction</strong>, after each seal: segments whose counters are all sealed
 * are deleted; final reports older than {@code retention} get a line in {@code audit.log}
 * and are dropped from the journal, rewritten as a snapshot.
 * <p>
 * Damaged files found at startup are handled by recovery (see {@link #recovery()}).
 * <p>
 * <strong>Machine faults</strong> are faults, never lost usage: an interrupt of any
 * thread never closes a file for the others, and never changes the thread's interrupt
 * status; an append that fails is cut back to the last whole record; a segment's space is
 * written whole before it is used, and the space of the appended files is reserved ahead
 * ({@link SpaceReserve}), so a full disk shows when the spare segment is prepared or the
 * reserve renewed, not in the middle of a record. Usage that cannot be written is held in
 * memory up to the {@link Builder#holdLimit hold limit} and written once the disk takes
 * writes again (the sync thread tries every {@code syncInterval}); {@link #storage()}
 * says so. The ledger does not start with less free space than two segments and its
 * reserve ({@link InsufficientLedgerSpaceException}).
 * <p>
 * The directory is held while the ledger is open ({@link DirectoryLock}): another ledger,
 * in this JVM or another process, is refused with a
 * {@link LedgerDirectoryInUseException}.
 * <p>
 * Sealed reports respect the service limits: an hour over 2,147,483,647 carries its
 * excess, per tag set, into the open hour; an hour with more than 2,500 tag sets folds
 * the smallest ones beyond that limit into the untagged allocation, so their quantity is
 * billed on time and only their tag attribution is lost.
 *
 * @author metering-spring-boot
 */
public final class FileUsageLedger extends AbstractUsageLedger {

	/** The default {@link Builder#holdLimit hold limit}, in keys. */
	public static final int DEFAULT_HOLD_LIMIT = 10_000;

	private static final Log logger = LogFactory.getLog(FileUsageLedger.class);

	private static final String KEYS = "keys.log";

	private static final String JOURNAL = "state.journal";

	private static final String SYNC = "the sync to disk";

	private static final int DEFAULT_RESERVE_BYTES = 1024 * 1024;

	private final Path directory;

	private final Duration retention;

	private final DirectoryLock lock;

	private final SpaceReserve reserve;

	private final RecordFile keys;

	private final RecordFile journal;

	private final SegmentLog segments;

	private final DurableCounters counters;

	private final AuditLog audit;

	private final AuditExport export;

	private final List<Carry> journaledCarries;

	private final RecoveryResult recovery;

	private final ScheduledExecutorService syncer;

	private final LedgerIo io;

	/** Why the last write of a file failed, by file; removed when it is written again. */
	private final Map<String, String> failures = new ConcurrentHashMap<>();

	private FileUsageLedger(Builder builder) throws IOException {
		super(builder.clock, builder.productCode, builder.reportingIdentity, builder.holdLimit);
		this.directory = builder.directory;
		this.retention = builder.retention;
		this.io = builder.io;
		LedgerFiles.createDirectory(this.directory);
		DirectoryLock acquired = DirectoryLock.acquire(this.directory);
		this.lock = acquired;
		try {
			long neededSpace = 2L * builder.segmentBytes + builder.reserveBytes;
			requireSpace(neededSpace, null);
			this.syncer = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "metering-ledger-sync");
				thread.setDaemon(true);
				return thread;
			});
			try {
				this.reserve = new SpaceReserve(this.directory, builder.reserveBytes, this.io, this.syncer);
			}
			catch (IOException ex) {
				requireSpace(neededSpace, ex);
				throw ex;
			}
			LedgerRecovery reader = new LedgerRecovery(builder.clock);
			Path keyFile = this.directory.resolve(KEYS);
			reader.readKeys(keyFile).forEach(this::restoreKey);
			this.keys = new RecordFile(keyFile, builder.io, this.reserve);
			Path journalFile = this.directory.resolve(JOURNAL);
			JournalCodec.Snapshot state = reader.readJournal(journalFile);
			this.journal = new RecordFile(journalFile, builder.io, this.reserve);
			this.journaledCarries = new ArrayList<>(state.carries());
			restoreState(state.openFrom(), state.reports(), state.carries());
			List<Segment> recovered = reader.readSegments(this.directory, state.openFrom(), this::restoreUsage);
			try {
				this.segments = new SegmentLog(this.directory, builder.segmentBytes, recovered, this.syncer,
						this.reserve.guard(this.io));
			}
			catch (IOException ex) {
				requireSpace(neededSpace, ex);
				throw ex;
			}
			this.counters = new DurableCounters(this.segments);
			this.audit = new AuditLog(this.directory.resolve("audit.log"), builder.io, this.reserve,
					builder.auditPolicy, builder.clock);
			this.export = new AuditExport(this.directory, builder.auditPolicy, builder.clock);
			this.recovery = reader.report(state.reports().size());
			locked(this::compact);
			long interval = builder.syncInterval.toNanos();
			this.syncer.scheduleWithFixedDelay(this::sync, interval, interval, TimeUnit.NANOSECONDS);
		}
		catch (IOException | RuntimeException ex) {
			acquired.close();
			throw ex;
		}
	}

	private void requireSpace(long neededSpace, IOException failure) throws IOException {
		long usable = this.io.usableSpace(this.directory);
		if (usable < neededSpace) {
			throw new InsufficientLedgerSpaceException(this.directory, usable, neededSpace, failure);
		}
	}

	/**
	 * Start building a ledger kept in a directory.
	 * @param directory the directory, created if needed
	 * @return the builder
	 */
	public static Builder builder(Path directory) {
		return new Builder(directory);
	}

	/**
	 * Return what was found when the directory was opened.
	 * @return the recovery report
	 */
	public RecoveryResult recovery() {
		return this.recovery;
	}

	@Override
	public LedgerStorage storage() {
		LedgerStorage held = super.storage();
		return new LedgerStorage(this.directory, usableSpace(), failure(), held.heldUnits(), held.heldKeys(),
				held.holdLimit(), held.lostUnits());
	}

	/**
	 * Return the free space of the directory that the ledger's own files may use: what
	 * {@code audit.log} and its archives may still take within their policy is counted as
	 * used.
	 */
	private long usableSpace() {
		try {
			long usable = this.io.usableSpace(this.directory);
			return (usable >= 0) ? Math.max(0, usable - this.audit.room()) : usable;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private String failure() {
		IOException spare = this.segments.spareFailure();
		if (spare != null) {
			return "the next usage segment could not be created: " + message(spare);
		}
		IOException reserve = this.reserve.failure();
		if (reserve != null) {
			return "the space reserve of keys and journal could not be renewed: " + message(reserve);
		}
		return this.failures.values().stream().findFirst().orElse(null);
	}

	private boolean failed(String file, Exception ex) {
		return this.failures.put(file, file + " could not be written: " + message(ex)) == null;
	}

	private static String message(Exception ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	@Override
	void keyDefined(KeyRef key) {
		try {
			this.keys.append(JournalCodec.encodeKey(key));
			this.failures.remove(KEYS);
		}
		catch (IOException ex) {
			failed(KEYS, ex);
			throw new UncheckedIOException("Could not write the usage key " + key.key(), ex);
		}
	}

	@Override
	void append(KeyRef key, int hour, long quantity) {
		this.counters.add(key, hour, quantity);
	}

	@Override
	void persist(LedgerEvent event) {
		try {
			this.journal.appendAndForce(JournalCodec.encode(event));
			this.failures.remove(JOURNAL);
		}
		catch (IOException ex) {
			failed(JOURNAL, ex);
			throw new UncheckedIOException("Could not write the usage ledger journal in " + this.directory, ex);
		}
		this.journaledCarries.addAll(event.carries());
		if (event instanceof LedgerEvent.Transitioned transitioned && !transitioned.report().state().isPending()) {
			this.export.settled(transitioned.report());
		}
	}

	@Override
	void sealed() {
		this.counters.forgetBefore(openFrom());
		try {
			compact();
		}
		catch (RuntimeException ex) {
			logger.error("Could not compact the usage ledger in " + this.directory, ex);
		}
	}

	/**
	 * Delete sealed segments, and drop final reports older than the retention after
	 * auditing them. Called under the lock.
	 * @return nothing
	 */
	private Void compact() {
		try {
			// never sealed: the floor is the lowest hour, so only empty segments go
			this.segments.deleteObsolete(openFrom());
			this.journaledCarries.removeIf((carry) -> carry.hour() < openFrom());
			Instant horizon = clock().instant().minus(this.retention);
			List<UsageReport> expired = view().reports()
				.stream()
				.filter((report) -> !report.state().isPending() && report.hour().isBefore(horizon))
				.toList();
			if (!expired.isEmpty()) {
				this.audit.append(expired);
				Set<String> expiredIds = expired.stream().map(UsageReport::id).collect(Collectors.toSet());
				removeReports((report) -> expiredIds.contains(report.id()));
				Integer floor = isSealed() ? openFrom() : null;
				this.journal.replace(JournalCodec
					.encode(new JournalCodec.Snapshot(floor, view().reports(), List.copyOf(this.journaledCarries))));
			}
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not compact the usage ledger in " + this.directory, ex);
		}
	}

	/**
	 * Force the files to disk, prepare a spare segment if there is none yet and renew the
	 * space reserve (after a full disk), and write the usage held in memory if the files
	 * take it again.
	 */
	private void sync() {
		try {
			this.keys.force();
			this.segments.force();
			this.failures.remove(SYNC);
		}
		catch (IOException | RuntimeException ex) {
			if (failed(SYNC, ex)) {
				logger.error("Could not force the usage ledger in " + this.directory + " to disk", ex);
			}
		}
		this.segments.ensureSpare();
		this.reserve.renew();
		writeHeld();
	}

	/**
	 * Stop the sync thread, force everything to disk and close the files.
	 */
	@Override
	void closeResources() throws IOException {
		this.syncer.shutdown();
		try {
			this.syncer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		locked(() -> {
			sync();
			return null;
		});
		this.keys.close();
		this.journal.close();
		this.audit.close();
		this.lock.close();
	}

	/**
	 * Builds a {@link FileUsageLedger}.
	 */
	public static final class Builder {

		private final Path directory;

		private Clock clock = Clock.systemUTC();

		private String productCode;

		private String reportingIdentity;

		private Duration syncInterval = Duration.ofSeconds(1);

		private Duration retention = Duration.ofDays(7);

		private int segmentBytes = 16 * 1024 * 1024;

		private LedgerIo io = LedgerIo.DIRECT;

		private int holdLimit = DEFAULT_HOLD_LIMIT;

		private int reserveBytes = DEFAULT_RESERVE_BYTES;

		private AuditPolicy auditPolicy = AuditPolicy.defaults();

		private Builder(Path directory) {
			Assert.notNull(directory, "'directory' must not be null");
			this.directory = directory;
		}

		/**
		 * Set the clock deciding the open hour; the system UTC clock by default.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Set the product code, part of each report's client token.
		 * @param productCode the product code
		 * @return this builder
		 */
		public Builder productCode(String productCode) {
			this.productCode = productCode;
			return this;
		}

		/**
		 * Set the identity reporting (instance, task, pod or seller), part of each
		 * report's client token.
		 * @param reportingIdentity the identity
		 * @return this builder
		 */
		public Builder reportingIdentity(String reportingIdentity) {
			this.reportingIdentity = reportingIdentity;
			return this;
		}

		/**
		 * Set how often the files are forced to disk, bounding what an OS crash loses; 1
		 * second by default.
		 * @param syncInterval the interval
		 * @return this builder
		 */
		public Builder syncInterval(Duration syncInterval) {
			Assert.isTrue(syncInterval != null && !syncInterval.isNegative() && !syncInterval.isZero(),
					"'syncInterval' must be positive");
			this.syncInterval = syncInterval;
			return this;
		}

		/**
		 * Set how long final reports are kept before they are compacted into the audit
		 * log; 7 days by default.
		 * @param retention the retention
		 * @return this builder
		 */
		public Builder retention(Duration retention) {
			Assert.isTrue(retention != null && !retention.isNegative(), "'retention' must not be negative");
			this.retention = retention;
			return this;
		}

		/**
		 * Set the size of a usage segment file; 16 MiB (a header and 262,143 counters of
		 * 64 bytes) by default. Small sizes are for tests.
		 * @param segmentBytes the size in bytes, at least 128 (the header and one
		 * counter)
		 * @return this builder
		 */
		public Builder segmentBytes(int segmentBytes) {
			Assert.isTrue(segmentBytes >= Segment.MIN_BYTES, () -> "'segmentBytes' must be at least "
					+ Segment.MIN_BYTES + " (a header and one counter), but was " + segmentBytes);
			this.segmentBytes = segmentBytes;
			return this;
		}

		/**
		 * Set how many keys (each in its hour) of usage are held in memory while the
		 * ledger cannot write; more usage is refused and counted as lost. 10,000 by
		 * default; 0 refuses usage at once.
		 * @param holdLimit the number of keys, at least 0
		 * @return this builder
		 */
		public Builder holdLimit(int holdLimit) {
			Assert.isTrue(holdLimit >= 0, () -> "'holdLimit' must not be negative, was " + holdLimit);
			this.holdLimit = holdLimit;
			return this;
		}

		/**
		 * Set the space reserved ahead for the keys, journal and audit log; 1 MiB by
		 * default. Small sizes are for tests.
		 * @param reserveBytes the size in bytes, at least 1
		 * @return this builder
		 */
		Builder reserveBytes(int reserveBytes) {
			Assert.isTrue(reserveBytes > 0, () -> "'reserveBytes' must be positive, was " + reserveBytes);
			this.reserveBytes = reserveBytes;
			return this;
		}

		/**
		 * Set the file I/O; tests inject faults of the machine through it.
		 * @param io the file I/O
		 * @return this builder
		 */
		Builder io(LedgerIo io) {
			this.io = io;
			return this;
		}

		/**
		 * Set how {@code audit.log} is rotated, compressed and pruned;
		 * {@link AuditPolicy#defaults()} by default.
		 * @param auditPolicy the policy
		 * @return this builder
		 */
		public Builder auditPolicy(AuditPolicy auditPolicy) {
			Assert.notNull(auditPolicy, "'auditPolicy' must not be null");
			this.auditPolicy = auditPolicy;
			return this;
		}

		/**
		 * Open the directory, recovering what an earlier run left, and start the sync
		 * thread.
		 * @return the ledger
		 * @throws UncheckedIOException if the directory cannot be used
		 */
		public FileUsageLedger build() {
			// opened with the interrupt status cleared, so that an interrupted thread
			// can open it; the status is kept
			boolean interrupted = Thread.interrupted();
			try {
				return new FileUsageLedger(this);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not open the usage ledger in " + this.directory, ex);
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
