package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The ledger of this library, with its two faces: the {@link UsageLedger} that usage is
 * recorded into and read from, and the {@link #outbox() outbox} the reporter seals, sends
 * and settles reports through. It keeps open hours, sealing, reports and their states,
 * over a storage strategy: {@link #inMemory in memory only}, or durable in
 * {@link #file(Path) files of a directory}.
 * <p>
 * Sealed reports respect the service limits: an hour over 2,147,483,647 carries its
 * excess, per tag set, into the open hour; an hour with more than 2,500 tag sets folds
 * the smallest ones beyond that limit into the untagged allocation, so their quantity is
 * billed on time and only their tag attribution is lost.
 * <p>
 * {@link #record} is lock-free: it enters the {@link HourBucket} of the open hour, checks
 * that the hour is still open, appends and adds, and exits. {@link #seal} first moves the
 * open-hour floor, then seals the buckets before it (waiting for the writers inside), so
 * a racing record is counted in the sealed hour or moves on to the next open one. Every
 * other change of state happens under one lock and is {@link #persist persisted} before
 * it is applied.
 * <p>
 * A record that cannot be made durable (a hook throws {@link UncheckedIOException}: a
 * full disk, a failed write) is held in memory per key and hour, up to the hold limit of
 * keys, and written at the next record, seal or {@link #writeHeld()} that finds the files
 * writable again; past the limit it is refused and counted as lost.
 * <p>
 * Memory stays bounded however long it runs: it holds open usage, pending reports, open
 * dead letters, usage still moving forward and the final reports of the last
 * {@link #DEFAULT_RETENTION retention}; after each seal, older final reports are dropped
 * (a file ledger writes them to its audit log first). The sealed-hour floor, not the
 * reports, keeps a late record out of a sealed hour.
 *
 * @author metering-spring-boot
 */
public final class MeteringLedger implements UsageLedger {

	private static final Log logger = LogFactory.getLog(UsageLedger.class);

	/**
	 * How long final reports stay in memory (and a file ledger's journal) by default: 2
	 * hours.
	 */
	public static final Duration DEFAULT_RETENTION = Duration.ofHours(2);

	private static final int NOT_SEALED = Integer.MIN_VALUE;

	private final Clock clock;

	private final ReportAssembler assembler;

	private final LedgerPersistence persistence;

	private final KeyRegistry keys = new KeyRegistry(this::keyDefined);

	private final ConcurrentSkipListMap<Integer, HourBucket> buckets = new ConcurrentSkipListMap<>();

	private final ReportBook reports = new ReportBook();

	private final ReentrantLock lock = new ReentrantLock();

	private volatile HourBucket latest;

	private volatile int openFrom = NOT_SEALED;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final HeldUsage held;

	private final ReentrantLock writingHeld = new ReentrantLock();

	private final AtomicLong holds = new AtomicLong();

	private final List<UsageKey> zeroUsageKeys;

	private final int firstHour;

	private final Duration retention;

	private final ReportOutbox outbox = new Outbox();

	MeteringLedger(Clock clock, String productCode, String reportingIdentity, int holdLimit,
			Collection<String> zeroUsageDimensions, Duration retention, LedgerPersistence persistence) {
		Assert.notNull(clock, "'clock' must not be null");
		Assert.hasText(productCode, "'productCode' must not be empty");
		Assert.hasText(reportingIdentity, "'reportingIdentity' must not be empty");
		Assert.isTrue(holdLimit >= 0, () -> "'holdLimit' must not be negative, was " + holdLimit);
		Assert.notNull(zeroUsageDimensions, "'zeroUsageDimensions' must not be null");
		this.held = new HeldUsage(holdLimit);
		this.clock = clock;
		this.assembler = new ReportAssembler(productCode, reportingIdentity);
		this.zeroUsageKeys = zeroUsageDimensions.stream().sorted().distinct().map(UsageKey::of).toList();
		this.firstHour = Hours.of(clock.instant());
		this.retention = retention;
		this.persistence = persistence;
	}

	/**
	 * Create a ledger held in memory only, for tests and for products that accept the
	 * risk: <strong>everything it holds (open usage and unsent reports) is lost when the
	 * process stops</strong>, gracefully or not. Use a {@link #file(Path) file ledger} in
	 * production. Final reports are dropped {@link #DEFAULT_RETENTION 2 hours} after
	 * their hour.
	 * @param clock the clock deciding the open hour
	 * @param productCode the product code, part of each report's client token
	 * @param reportingIdentity the identity reporting (instance, task, pod or seller),
	 * part of each report's client token
	 * @return the ledger
	 */
	public static MeteringLedger inMemory(Clock clock, String productCode, String reportingIdentity) {
		return inMemory(clock, productCode, reportingIdentity, Set.of());
	}

	/**
	 * Create a ledger held in memory only (see {@link #inMemory(Clock, String, String)}).
	 * @param clock the clock deciding the open hour
	 * @param productCode the product code, part of each report's client token
	 * @param reportingIdentity the identity reporting (instance, task, pod or seller),
	 * part of each report's client token
	 * @param zeroUsageDimensions the dimensions of the product's own usage that get a
	 * report for every hour this ledger is open, 0 when nothing was recorded
	 * @return the ledger
	 */
	public static MeteringLedger inMemory(Clock clock, String productCode, String reportingIdentity,
			Collection<String> zeroUsageDimensions) {
		return new MeteringLedger(clock, productCode, reportingIdentity, 0, zeroUsageDimensions, DEFAULT_RETENTION,
				LedgerPersistence.NONE);
	}

	/**
	 * Start building a durable ledger kept in a directory of its own (see
	 * {@link FileLedgerBuilder}).
	 * @param directory the directory, created if needed
	 * @return the builder
	 */
	public static FileLedgerBuilder file(Path directory) {
		return new FileLedgerBuilder(directory);
	}

	/**
	 * Return what was found of an earlier run when the ledger opened: nothing for a
	 * ledger in memory.
	 * @return the recovery result
	 */
	RecoveryResult recovery() {
		return this.persistence.recovery();
	}

	private void keyDefined(KeyRef key) {
		this.persistence.keyDefined(key);
	}

	/**
	 * Return the reporter's face of this ledger.
	 * @return the outbox
	 */
	public ReportOutbox outbox() {
		return this.outbox;
	}

	@Override
	public void record(UsageKey key, long quantity) {
		Assert.notNull(key, "'key' must not be null");
		if (quantity < 0 || quantity > MAX_RECORD_QUANTITY) {
			throw new IllegalArgumentException(
					"'quantity' must be from 0 to " + MAX_RECORD_QUANTITY + ", was " + quantity);
		}
		Assert.state(!this.closed.get(), "The usage ledger is closed");
		if (!this.held.isEmpty()) {
			writeHeld();
		}
		int hour = openHour();
		try {
			recordDurably(key, hour, quantity);
		}
		catch (UncheckedIOException ex) {
			holdOrLose(key, hour, quantity, ex);
		}
	}

	/**
	 * Record usage into an hour, or the first open hour after it; all of it or, if it
	 * throws, nothing.
	 */
	private void recordDurably(UsageKey key, int fromHour, long quantity) {
		KeyRef ref = this.keys.intern(key);
		int hour = Math.max(fromHour, this.openFrom);
		while (true) {
			HourBucket bucket = bucketFor(hour);
			int ticket = bucket.enter();
			if (ticket == HourBucket.SEALED) {
				hour = Math.max(hour + 1, this.openFrom);
				continue;
			}
			try {
				int floor = this.openFrom;
				if (hour >= floor) {
					this.persistence.append(ref, hour, quantity);
					bucket.add(ref, quantity);
					return;
				}
				hour = floor;
			}
			finally {
				bucket.exit(ticket);
			}
		}
	}

	private void holdOrLose(UsageKey key, int hour, long quantity, UncheckedIOException ex) {
		String what = quantity + " units of dimension \"" + key.dimension() + "\"";
		if (!this.held.hold(key, hour, quantity)) {
			throw new UncheckedIOException(what + " were lost: the usage ledger cannot write them ("
					+ ex.getCause().getMessage() + ") and already holds the usage of " + this.held.limit()
					+ " keys in memory, its hold limit", ex.getCause());
		}
		long holds = this.holds.incrementAndGet();
		if (Long.bitCount(holds) == 1 && logger.isWarnEnabled()) {
			logger.warn(what + " are held in memory, not durable: the usage ledger cannot write them ("
					+ ex.getMessage() + "). Held now: " + this.held.units() + " units of " + this.held.keys()
					+ " keys (limit " + this.held.limit() + " keys); they are written as soon as the ledger can "
					+ "write again, and lost if the process stops before (" + holds + " usage records held so far)",
					ex);
		}
	}

	/**
	 * Write the usage held in memory into the ledger, as far as it can be written now; a
	 * quantity recorded in an hour sealed since goes into the first open hour.
	 * @return whether nothing is held any more
	 */
	boolean writeHeld() {
		if (this.held.isEmpty()) {
			return true;
		}
		if (!this.writingHeld.tryLock()) {
			return false;
		}
		try {
			return writeHeldNow();
		}
		finally {
			this.writingHeld.unlock();
		}
	}

	private boolean writeHeldNow() {
		for (Map.Entry<HeldUsage.Slot, Long> entry : this.held.entries().entrySet()) {
			HeldUsage.Slot slot = entry.getKey();
			long remaining = entry.getValue();
			while (remaining > 0) {
				long part = Math.min(remaining, MAX_RECORD_QUANTITY);
				try {
					recordDurably(slot.key(), slot.hour(), part);
				}
				catch (UncheckedIOException ex) {
					return false;
				}
				this.held.written(slot, part);
				remaining -= part;
			}
		}
		boolean empty = this.held.isEmpty();
		if (empty) {
			logger.warn("The usage held in memory was written to the usage ledger; it is durable again");
		}
		return empty;
	}

	private HourBucket bucketFor(int hour) {
		HourBucket bucket = this.latest;
		if (bucket == null || bucket.hour() != hour) {
			bucket = this.buckets.computeIfAbsent(hour, HourBucket::new);
			this.latest = bucket;
		}
		return bucket;
	}

	private List<UsageReport> seal(Instant before) {
		Assert.notNull(before, "'before' must not be null");
		writeHeld();
		int sealTo = Hours.ceiling(before);
		this.lock.lock();
		try {
			int previous = this.openFrom;
			if (sealTo <= previous) {
				return List.of();
			}
			List<KeyRef> zeroUsage = this.zeroUsageKeys.stream().map(this.keys::intern).toList();
			this.openFrom = sealTo;
			SortedMap<Integer, Map<KeyRef, Long>> sealed = sealBucketsBefore(sealTo);
			for (int hour = Math.max(previous, this.firstHour); hour < sealTo; hour++) {
				Map<KeyRef, Long> usage = sealed.computeIfAbsent(hour, (key) -> new HashMap<>());
				zeroUsage.forEach((key) -> usage.merge(key, 0L, Long::sum));
			}
			int carryTo = openHour();
			List<UsageReport> created = new ArrayList<>();
			List<Carry> carries = new ArrayList<>();
			sealed.forEach(
					(hour, usage) -> created.addAll(this.assembler.assemble(hour, byKey(usage), carryTo, carries)));
			try {
				this.persistence.persist(new LedgerEvent.Sealed(sealTo, created, carries));
			}
			catch (RuntimeException ex) {
				reopen(previous, sealed);
				throw ex;
			}
			created.forEach(this.reports::put);
			carries.forEach(this::applyCarry);
			this.persistence.sealed(this);
			return created;
		}
		finally {
			this.lock.unlock();
		}
	}

	private SortedMap<Integer, Map<KeyRef, Long>> sealBucketsBefore(int sealTo) {
		SortedMap<Integer, Map<KeyRef, Long>> sealed = new TreeMap<>();
		Map.Entry<Integer, HourBucket> first;
		while ((first = this.buckets.firstEntry()) != null && first.getKey() < sealTo) {
			HourBucket bucket = first.getValue();
			bucket.seal();
			this.buckets.remove(first.getKey(), bucket);
			bucket.totals()
				.forEach((key, quantity) -> sealed.computeIfAbsent(bucket.hour(), (hour) -> new HashMap<>())
					.merge(key, quantity, Long::sum));
		}
		return sealed;
	}

	/**
	 * Undo a seal that could not be persisted: the hours are open again, with their
	 * usage.
	 */
	private void reopen(int previous, SortedMap<Integer, Map<KeyRef, Long>> sealed) {
		this.openFrom = previous;
		this.latest = null;
		sealed.forEach((hour, usage) -> usage.forEach((key, quantity) -> addToOpenHour(key, hour, quantity)));
	}

	private static Map<UsageKey, Long> byKey(Map<KeyRef, Long> usage) {
		Map<UsageKey, Long> byKey = new HashMap<>();
		usage.forEach((ref, quantity) -> byKey.merge(ref.key(), quantity, Long::sum));
		return byKey;
	}

	/**
	 * Return the hour usage goes into now: the clock's, or the first one not sealed.
	 * @return the open hour
	 */
	int openHour() {
		return Math.max(Hours.of(this.clock.instant()), this.openFrom);
	}

	private void applyCarry(Carry carry) {
		addToOpenHour(this.keys.intern(carry.key()), carry.hour(), carry.quantity());
	}

	/**
	 * Add usage that is already durable (or needs not be) to an open hour. Called under
	 * the lock or before the ledger is shared, so the hour cannot be sealed meanwhile.
	 */
	private void addToOpenHour(KeyRef key, int hour, long quantity) {
		HourBucket bucket = this.buckets.computeIfAbsent(Math.max(hour, this.openFrom), HourBucket::new);
		int ticket = bucket.enter();
		Assert.state(ticket != HourBucket.SEALED, () -> "Hour " + Hours.start(hour) + " is sealed");
		try {
			bucket.add(key, quantity);
		}
		finally {
			bucket.exit(ticket);
		}
	}

	private List<UsageReport> select(ReportState state) {
		return locked(() -> this.reports.select((report) -> report.state() == state));
	}

	private void markSending(UsageReport report) {
		this.lock.lock();
		try {
			if (this.reports.get(report.id()).state() != ReportState.SENDING) {
				UsageReport sending = this.reports.sending(report.id());
				this.persistence.persist(new LedgerEvent.Transitioned(sending, List.of()));
				this.reports.put(sending);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void settle(UsageReport report, Settlement settlement) {
		Assert.notNull(report, "'report' must not be null");
		Assert.notNull(settlement, "'settlement' must not be null");
		this.lock.lock();
		try {
			UsageReport current = this.reports.get(report.id());
			if (current.state() == ReportState.REPORTED && settlement.state() == ReportState.REPORTED
					&& settlement.meteringRecordId().equals(current.meteringRecordId())) {
				return;
			}
			// to the millisecond, as the journal keeps it
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
			UsageReport next = this.reports.transition(report.id(), settlement, now);
			List<Carry> carries = settlement.movesQuantities() ? carriesOf(next, openHour()) : List.of();
			this.persistence.persist(new LedgerEvent.Transitioned(next, carries));
			this.reports.put(next);
			carries.forEach(this::applyCarry);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static List<Carry> carriesOf(UsageReport report, int hour) {
		List<Carry> carries = new ArrayList<>();
		for (Allocation allocation : report.allocations()) {
			if (allocation.quantity() > 0) {
				carries.add(new Carry(
						new UsageKey(report.dimension(), report.customer(), report.license(), allocation.tags()), hour,
						allocation.quantity()));
			}
		}
		return carries;
	}

	@Override
	public LedgerView view() {
		return view(this.reports::all);
	}

	/**
	 * Return a view of what is not settled yet: the open usage and the pending reports,
	 * without the final reports that {@link #view()} copies too. For a reader that runs
	 * often, such as a fleet replica's publisher.
	 * @return the view, whose reports are all pending
	 */
	public LedgerView pendingView() {
		return view(() -> this.reports.select((report) -> report.state().isPending()));
	}

	private LedgerView view(Supplier<List<UsageReport>> reports) {
		return locked(() -> {
			List<LedgerView.OpenUsage> open = new ArrayList<>();
			int floor = this.openFrom;
			this.buckets.tailMap(floor)
				.forEach((hour, bucket) -> bucket.totals()
					.forEach((ref, quantity) -> open
						.add(new LedgerView.OpenUsage(ref.key(), Hours.start(hour), quantity))));
			open.sort(
					Comparator.comparing(LedgerView.OpenUsage::hour).thenComparing((usage) -> usage.key().toString()));
			return new LedgerView(List.copyOf(open), reports.get(), (floor != NOT_SEALED) ? Hours.start(floor) : null);
		});
	}

	/**
	 * Sum the open hours' live totals and take the reports' totals as of their last
	 * change, without the lock. It is not one consistent moment: while a seal moves an
	 * hour's usage into reports, that usage can be missing from one summary.
	 */
	@Override
	public LedgerSummary summary() {
		ReportBook.Tally tally = this.reports.tally();
		Map<String, Long> pendingByDimension = new HashMap<>(tally.pendingByDimension());
		long openQuantity = 0;
		int openHours = 0;
		Instant oldestOwn = tally.oldestOwnHour();
		Instant oldestCustomer = tally.oldestCustomerHour();
		for (HourBucket bucket : this.buckets.tailMap(this.openFrom).values()) {
			boolean used = false;
			Instant hour = Hours.start(bucket.hour());
			for (Map.Entry<KeyRef, LongAdder> total : bucket.liveTotals()) {
				used = true;
				long quantity = total.getValue().sum();
				openQuantity += quantity;
				pendingByDimension.merge(total.getKey().key().dimension(), quantity, Long::sum);
				if (total.getKey().key().customer() != null) {
					oldestCustomer = (oldestCustomer == null || hour.isBefore(oldestCustomer)) ? hour : oldestCustomer;
				}
				else {
					oldestOwn = (oldestOwn == null || hour.isBefore(oldestOwn)) ? hour : oldestOwn;
				}
			}
			openHours += used ? 1 : 0;
		}
		return new LedgerSummary(openQuantity, openHours, oldestOwn, oldestCustomer, tally.reports(),
				pendingByDimension, tally.oldestDeadLetter(), storage());
	}

	/**
	 * Return whether the ledger can make usage durable now, and what it holds in memory
	 * or lost because it could not.
	 * @return the storage state
	 */
	private LedgerStorage storage() {
		return this.persistence.storage(new LedgerStorage(null, -1, null, this.held.units(), this.held.keys(),
				this.held.limit(), this.held.lost()));
	}

	/**
	 * Write what is held in memory a last time (what cannot be written is lost, and said
	 * so), then close the resources.
	 */
	@Override
	public void close() throws IOException {
		if (this.closed.compareAndSet(false, true)) {
			this.writingHeld.lock();
			try {
				if (!this.held.isEmpty() && !writeHeldNow()) {
					long lost = this.held.loseAll();
					logger.error(lost + " units of usage held in memory were lost: the usage ledger closes and "
							+ "still cannot write them");
				}
			}
			finally {
				this.writingHeld.unlock();
			}
			this.persistence.close();
		}
	}

	/**
	 * Run an action under the ledger's lock, which orders seals, transitions and views.
	 * @param <T> the result type
	 * @param action the action
	 * @return its result
	 */
	<T> T locked(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	int openFrom() {
		return this.openFrom;
	}

	boolean isSealed() {
		return this.openFrom != NOT_SEALED;
	}

	/**
	 * Return the reports kept, oldest hour first; called under the lock.
	 * @return the reports
	 */
	List<UsageReport> reports() {
		return this.reports.all();
	}

	/**
	 * Return the final reports past the retention: their hour started more than the
	 * retention ago. Open dead letters stay until an operator acknowledges or replays
	 * them, and so does usage still moving forward (the trailing run of
	 * {@link ReportState#MOVED_FORWARD moved} reports of a dimension and customer), which
	 * the health watches until AWS takes it. Called under the lock.
	 * @return the expired reports
	 */
	List<UsageReport> expiredReports() {
		Instant horizon = this.clock.instant().minus(this.retention);
		Map<String, ReportState> lastFinal = new HashMap<>();
		for (UsageReport report : this.reports.all()) {
			if (!report.state().isPending()) {
				lastFinal.put(chainKey(report), report.state());
			}
		}
		return this.reports.select((report) -> !report.state().isPending() && report.state() != ReportState.DEAD_LETTER
				&& !(report.state() == ReportState.MOVED_FORWARD
						&& lastFinal.get(chainKey(report)) == ReportState.MOVED_FORWARD)
				&& report.hour().isBefore(horizon));
	}

	private static String chainKey(UsageReport report) {
		return report.dimension() + "/" + report.customer() + "/" + report.license();
	}

	/**
	 * Remove reports from memory; called under the lock.
	 * @param removed the reports
	 */
	void removeReports(List<UsageReport> removed) {
		removed.forEach((report) -> this.reports.remove(report.id()));
	}

	/**
	 * Restore the state of an earlier run; only before the ledger is shared.
	 * @param restoredOpenFrom the first open hour, or {@code null} if never sealed
	 * @param restoredReports the reports
	 * @param openCarries the carried quantities into hours still open
	 */
	void restoreState(Integer restoredOpenFrom, List<UsageReport> restoredReports, List<Carry> openCarries) {
		this.openFrom = (restoredOpenFrom != null) ? restoredOpenFrom : NOT_SEALED;
		restoredReports.forEach(this.reports::put);
		openCarries.forEach(this::applyCarry);
	}

	/**
	 * Restore a key of an earlier run with its id; only before the ledger is shared.
	 */
	void restoreKey(KeyRef ref) {
		this.keys.restore(ref);
	}

	/**
	 * Restore usage of an earlier run into an open hour; only before the ledger is
	 * shared.
	 */
	void restoreUsage(KeyRef key, int hour, long quantity) {
		addToOpenHour(key, hour, quantity);
	}

	/**
	 * The reporter's face of the ledger.
	 */
	private final class Outbox implements ReportOutbox {

		@Override
		public List<UsageReport> seal(Instant before) {
			return MeteringLedger.this.seal(before);
		}

		@Override
		public List<UsageReport> pending() {
			return locked(() -> MeteringLedger.this.reports.select((report) -> report.state().isPending()));
		}

		@Override
		public List<UsageReport> deadLetters() {
			return select(ReportState.DEAD_LETTER);
		}

		@Override
		public void markSending(UsageReport report) {
			MeteringLedger.this.markSending(report);
		}

		@Override
		public void settle(UsageReport report, Settlement settlement) {
			MeteringLedger.this.settle(report, settlement);
		}

	}

}
