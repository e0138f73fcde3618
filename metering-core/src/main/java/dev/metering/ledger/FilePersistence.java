package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The file storage of a durable {@link MeteringLedger}, in a directory of its own
 * (readable by its owner only).
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
 * are deleted; final reports whose hour is older than {@code retention} (open dead
 * letters excepted) get a line in {@code audit.log} and are dropped from memory and from
 * the journal, rewritten as a snapshot. An operator's acknowledgement or replay of a dead
 * letter gets its line in {@code audit.log} when it is journaled.
 * <p>
 * Damaged files found at startup are handled by recovery (see {@link #recovery()}).
 * <p>
 * <strong>Machine faults</strong> are faults, never lost usage: an interrupt of any
 * thread never closes a file for the others, and never changes the thread's interrupt
 * status; an append that fails is cut back to the last whole record; a segment's space is
 * written whole before it is used, and the space of the appended files is reserved ahead
 * ({@link SpaceReserve}), so a full disk shows when the spare segment is prepared or the
 * reserve renewed, not in the middle of a record. Usage that cannot be written is held in
 * memory up to the {@link FileLedgerBuilder#holdLimit hold limit} and written once the
 * disk takes writes again (the sync thread tries every {@code syncInterval});
 * {@link LedgerSummary#storage()} says so. The ledger does not start with less free space
 * than two segments and its reserve ({@link InsufficientLedgerSpaceException}).
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
final class FilePersistence implements LedgerPersistence {

	private static final Log logger = LogFactory.getLog(FilePersistence.class);

	private static final String KEYS = "keys.log";

	private static final String JOURNAL = "state.journal";

	private static final String SYNC = "the sync to disk";

	private final Path directory;

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

	private final Duration syncInterval;

	private final List<KeyRef> recoveredKeys;

	private final JournalCodec.Snapshot recoveredState;

	private final List<RecoveredUsage> recoveredUsage = new ArrayList<>();

	private MeteringLedger ledger;

	/**
	 * Open the directory and read what an earlier run left; the ledger gets it when it
	 * {@link #attach attaches}.
	 */
	FilePersistence(FileLedgerBuilder builder) throws IOException {
		this.directory = builder.directory;
		this.syncInterval = builder.syncInterval;
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
			this.recoveredKeys = reader.readKeys(keyFile);
			this.keys = new RecordFile(keyFile, builder.io, this.reserve);
			Path journalFile = this.directory.resolve(JOURNAL);
			JournalCodec.Snapshot state = reader.readJournal(journalFile);
			this.recoveredState = state;
			this.journal = new RecordFile(journalFile, builder.io, this.reserve);
			this.journaledCarries = new ArrayList<>(state.carries());
			List<Segment> recovered = reader.readSegments(this.directory, state.openFrom(),
					(key, hour, quantity) -> this.recoveredUsage.add(new RecoveredUsage(key, hour, quantity)));
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
		}
		catch (IOException | RuntimeException ex) {
			acquired.close();
			throw ex;
		}
	}

	/**
	 * Restore what the earlier run left into the ledger, compact, and start the sync
	 * thread.
	 */
	@Override
	public void attach(MeteringLedger ledger) {
		this.ledger = ledger;
		this.recoveredKeys.forEach(ledger::restoreKey);
		ledger.restoreState(this.recoveredState.openFrom(), this.recoveredState.reports(),
				this.recoveredState.carries());
		this.recoveredUsage.forEach((usage) -> ledger.restoreUsage(usage.key(), usage.hour(), usage.quantity()));
		this.recoveredUsage.clear();
		ledger.locked(this::compact);
		logger.info(LedgerRecoveryMessage.of(ledger, this.directory, this.recovery));
		long interval = this.syncInterval.toNanos();
		this.syncer.scheduleWithFixedDelay(this::sync, interval, interval, TimeUnit.NANOSECONDS);
	}

	/**
	 * Close the files of a persistence whose ledger could not be opened.
	 */
	void abandon() {
		this.syncer.shutdown();
		try {
			this.keys.close();
			this.journal.close();
			this.audit.close();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not close the usage ledger files in " + this.directory, ex);
		}
		try {
			this.lock.close();
		}
		catch (IOException ex) {
			logger.warn("Could not release the usage ledger directory " + this.directory, ex);
		}
	}

	private void requireSpace(long neededSpace, IOException failure) throws IOException {
		long usable = this.io.usableSpace(this.directory);
		if (usable < neededSpace) {
			throw new InsufficientLedgerSpaceException(this.directory, usable, neededSpace, failure);
		}
	}

	@Override
	public RecoveryResult recovery() {
		return this.recovery;
	}

	@Override
	public LedgerStorage storage(LedgerStorage held) {
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
	public void keyDefined(KeyRef key) {
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
	public void append(KeyRef key, int hour, long quantity) {
		this.counters.add(key, hour, quantity);
	}

	@Override
	public void persist(LedgerEvent event) {
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
		if (event instanceof LedgerEvent.Transitioned transitioned && isOperatorChange(transitioned.report().state())) {
			audit(transitioned.report());
		}
	}

	private static boolean isOperatorChange(ReportState state) {
		return state == ReportState.ACKNOWLEDGED || state == ReportState.REPLAYED;
	}

	/**
	 * Write the audit line of an operator's change, which the journal already holds: a
	 * failure is logged, and the change stands.
	 */
	private void audit(UsageReport report) {
		try {
			this.audit.append(List.of(report));
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Could not write the audit line of report " + report.id() + " (" + report.state()
					+ ") to the audit log in " + this.directory + "; the change itself is journaled", ex);
		}
	}

	@Override
	public void sealed(MeteringLedger ledger) {
		this.counters.forgetBefore(this.ledger.openFrom());
		try {
			compact();
		}
		catch (RuntimeException ex) {
			logger.error("Could not compact the usage ledger in " + this.directory, ex);
		}
	}

	/**
	 * Delete sealed segments, and drop the final reports past the retention (open dead
	 * letters stay) after auditing them. Called under the lock.
	 * @return nothing
	 */
	private Void compact() {
		try {
			// never sealed: the floor is the lowest hour, so only empty segments go
			int openFrom = this.ledger.openFrom();
			this.segments.deleteObsolete(openFrom);
			this.journaledCarries.removeIf((carry) -> carry.hour() < openFrom);
			List<UsageReport> expired = this.ledger.expiredReports();
			if (!expired.isEmpty()) {
				this.audit.append(expired);
				this.ledger.removeReports(expired);
				Integer floor = this.ledger.isSealed() ? openFrom : null;
				this.journal.replace(JournalCodec.encode(
						new JournalCodec.Snapshot(floor, this.ledger.reports(), List.copyOf(this.journaledCarries))));
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
		this.ledger.writeHeld();
	}

	/**
	 * Stop the sync thread, force everything to disk and close the files.
	 */
	@Override
	public void close() throws IOException {
		this.syncer.shutdown();
		try {
			this.syncer.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.ledger.locked(() -> {
			sync();
			return null;
		});
		this.keys.close();
		this.journal.close();
		this.audit.close();
		this.lock.close();
	}

	/**
	 * Usage of an open hour read back from a segment.
	 */
	private record RecoveredUsage(KeyRef key, int hour, long quantity) {

	}

}
