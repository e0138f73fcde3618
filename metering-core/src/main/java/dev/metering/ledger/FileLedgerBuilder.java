package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * Builds a durable {@link MeteringLedger} kept in a directory of its own (readable by its
 * owner only).
 * <p>
 * <strong>Recorded usage</strong> is added to a counter of its key and hour in a
 * memory-mapped segment file before {@code record} returns, so it survives
 * {@code kill -9} (the page cache outlives the process); a background daemon thread
 * forces the files to disk every {@link #syncInterval sync interval}, which bounds what
 * an OS crash can lose. <strong>State</strong> (seals with their full reports,
 * transitions, carries) is appended to a journal and forced before it is applied, and
 * recovered exactly at the next start, which one INFO line sums up; damaged files are
 * copied aside and reported at ERROR. Final reports older than the {@link #retention
 * retention} are compacted into {@code audit.log}. Usage that cannot be written (a full
 * disk) is held in memory up to the {@link #holdLimit hold limit} and written once the
 * disk takes writes again. The directory is held while the ledger is open: another ledger
 * on it is refused with a {@link LedgerDirectoryInUseException}.
 *
 * @author metering-spring-boot
 */
public final class FileLedgerBuilder {

	/** The default {@link #holdLimit hold limit}, in keys. */
	public static final int DEFAULT_HOLD_LIMIT = 10_000;

	private static final int DEFAULT_RESERVE_BYTES = 1024 * 1024;

	final Path directory;

	Clock clock = Clock.systemUTC();

	String productCode;

	String reportingIdentity;

	Duration syncInterval = Duration.ofSeconds(1);

	Duration retention = MeteringLedger.DEFAULT_RETENTION;

	int segmentBytes = 16 * 1024 * 1024;

	LedgerIo io = LedgerIo.DIRECT;

	int holdLimit = DEFAULT_HOLD_LIMIT;

	int reserveBytes = DEFAULT_RESERVE_BYTES;

	AuditPolicy auditPolicy = AuditPolicy.defaults();

	Collection<String> zeroUsageDimensions = Set.of();

	FileLedgerBuilder(Path directory) {
		Assert.notNull(directory, "'directory' must not be null");
		this.directory = directory;
	}

	/**
	 * Set the clock deciding the open hour; the system UTC clock by default.
	 * @param clock the clock
	 * @return this builder
	 */
	public FileLedgerBuilder clock(Clock clock) {
		this.clock = clock;
		return this;
	}

	/**
	 * Set the product code, part of each report's client token.
	 * @param productCode the product code
	 * @return this builder
	 */
	public FileLedgerBuilder productCode(String productCode) {
		this.productCode = productCode;
		return this;
	}

	/**
	 * Set the identity reporting (instance, task, pod or seller), part of each report's
	 * client token.
	 * @param reportingIdentity the identity
	 * @return this builder
	 */
	public FileLedgerBuilder reportingIdentity(String reportingIdentity) {
		this.reportingIdentity = reportingIdentity;
		return this;
	}

	/**
	 * Set how often the files are forced to disk, bounding what an OS crash loses; 1
	 * second by default.
	 * @param syncInterval the interval
	 * @return this builder
	 */
	public FileLedgerBuilder syncInterval(Duration syncInterval) {
		Assert.isTrue(syncInterval != null && !syncInterval.isNegative() && !syncInterval.isZero(),
				"'syncInterval' must be positive");
		this.syncInterval = syncInterval;
		return this;
	}

	/**
	 * Set how long final reports are kept in memory and in the journal after their hour
	 * before they are compacted into the audit log; 2 hours by default. Open dead letters
	 * stay until acknowledged or replayed.
	 * @param retention the retention
	 * @return this builder
	 */
	public FileLedgerBuilder retention(Duration retention) {
		Assert.isTrue(retention != null && !retention.isNegative(), "'retention' must not be negative");
		this.retention = retention;
		return this;
	}

	/**
	 * Set the size of a usage segment file; 16 MiB (a header and 262,143 counters of 64
	 * bytes) by default. Small sizes are for tests.
	 * @param segmentBytes the size in bytes, at least 128 (the header and one counter)
	 * @return this builder
	 */
	public FileLedgerBuilder segmentBytes(int segmentBytes) {
		Assert.isTrue(segmentBytes >= Segment.MIN_BYTES, () -> "'segmentBytes' must be at least " + Segment.MIN_BYTES
				+ " (a header and one counter), but was " + segmentBytes);
		this.segmentBytes = segmentBytes;
		return this;
	}

	/**
	 * Set how many keys (each in its hour) of usage are held in memory while the ledger
	 * cannot write; more usage is refused and counted as lost. 10,000 by default; 0
	 * refuses usage at once.
	 * @param holdLimit the number of keys, at least 0
	 * @return this builder
	 */
	public FileLedgerBuilder holdLimit(int holdLimit) {
		Assert.isTrue(holdLimit >= 0, () -> "'holdLimit' must not be negative, was " + holdLimit);
		this.holdLimit = holdLimit;
		return this;
	}

	/**
	 * Set the space reserved ahead for the keys, journal and audit log; 1 MiB by default.
	 * Small sizes are for tests.
	 * @param reserveBytes the size in bytes, at least 1
	 * @return this builder
	 */
	FileLedgerBuilder reserveBytes(int reserveBytes) {
		Assert.isTrue(reserveBytes > 0, () -> "'reserveBytes' must be positive, was " + reserveBytes);
		this.reserveBytes = reserveBytes;
		return this;
	}

	/**
	 * Set the file I/O; tests inject faults of the machine through it.
	 * @param io the file I/O
	 * @return this builder
	 */
	FileLedgerBuilder io(LedgerIo io) {
		this.io = io;
		return this;
	}

	/**
	 * Set how {@code audit.log} is rotated, compressed and pruned;
	 * {@link AuditPolicy#defaults()} by default.
	 * @param auditPolicy the policy
	 * @return this builder
	 */
	public FileLedgerBuilder auditPolicy(AuditPolicy auditPolicy) {
		Assert.notNull(auditPolicy, "'auditPolicy' must not be null");
		this.auditPolicy = auditPolicy;
		return this;
	}

	/**
	 * Set the dimensions of the product's own usage that get a report for every hour the
	 * ledger is open, 0 when nothing was recorded; none by default.
	 * @param zeroUsageDimensions the dimension names
	 * @return this builder
	 */
	public FileLedgerBuilder zeroUsageDimensions(Collection<String> zeroUsageDimensions) {
		Assert.notNull(zeroUsageDimensions, "'zeroUsageDimensions' must not be null");
		this.zeroUsageDimensions = List.copyOf(zeroUsageDimensions);
		return this;
	}

	/**
	 * Open the directory, recovering what an earlier run left, and start the sync thread.
	 * @return the ledger
	 * @throws UncheckedIOException if the directory cannot be used
	 */
	public MeteringLedger build() {
		// opened with the interrupt status cleared, so that an interrupted thread
		// can open it; the status is kept
		boolean interrupted = Thread.interrupted();
		try {
			FilePersistence persistence = new FilePersistence(this);
			try {
				MeteringLedger ledger = new MeteringLedger(this.clock, this.productCode, this.reportingIdentity,
						this.holdLimit, this.zeroUsageDimensions, this.retention, persistence);
				persistence.attach(ledger);
				return ledger;
			}
			catch (RuntimeException ex) {
				persistence.abandon();
				throw ex;
			}
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
