package dev.metering.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.metering.limits.MeteringLimits;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link UsageLedger} and its {@link ReportOutbox} share: sealing,
 * reports and their states, the summary, the limits of the service, concurrent records.
 * The ledgers of this library run it; a ledger of your own runs it by extending this
 * class from the {@code metering-core} test-jar:
 *
 * <pre class="code">
 * class MyLedgerContractTests extends UsageLedgerContract {
 *
 *     &#64;Override
 *     protected UsageLedger createLedger(Clock clock, String productCode, String reportingIdentity,
 *             Set&lt;String&gt; zeroUsageDimensions) {
 *         return new MyLedger(clock, productCode, reportingIdentity, zeroUsageDimensions);
 *     }
 *
 *     &#64;Override
 *     protected ReportOutbox outboxOf(UsageLedger ledger) {
 *         return ((MyLedger) ledger).outbox();
 *     }
 *
 * }
 * </pre>
 *
 * @author metering-spring-boot
 */
public abstract class UsageLedgerContract {

	static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));

	static final Instant TWELVE = ELEVEN.plus(Duration.ofHours(1));

	static final UsageKey SCANS = UsageKey.of("scans");

	/** The clock of every ledger the contract creates; the tests move it. */
	protected final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	/** The ledger under test, created before each test and closed after it. */
	protected UsageLedger ledger;

	/** The outbox of {@link #ledger}. */
	protected ReportOutbox outbox;

	@BeforeEach
	void openLedger() throws Exception {
		this.ledger = createLedger("prod-1", "pod-a");
		this.outbox = outboxOf(this.ledger);
	}

	@AfterEach
	void closeLedger() throws Exception {
		this.ledger.close();
	}

	private UsageLedger createLedger(String productCode, String reportingIdentity) throws Exception {
		return createLedger(productCode, reportingIdentity, Set.of());
	}

	private UsageLedger createLedger(String productCode, String reportingIdentity, Set<String> zeroUsageDimensions)
			throws Exception {
		return createLedger(this.clock, productCode, reportingIdentity, zeroUsageDimensions);
	}

	/**
	 * Create a new, empty ledger. Each call must give a ledger of its own (for a durable
	 * ledger: its own directory, table or schema).
	 * @param clock the clock deciding the open hour
	 * @param productCode the product code, part of each report's client token
	 * @param reportingIdentity the reporting identity, part of each report's client token
	 * @param zeroUsageDimensions the dimensions that get a report of 0 for every hour the
	 * ledger is open
	 * @return the ledger
	 * @throws Exception on failure
	 */
	protected abstract UsageLedger createLedger(Clock clock, String productCode, String reportingIdentity,
			Set<String> zeroUsageDimensions) throws Exception;

	/**
	 * Return the outbox of a ledger {@link #createLedger created} by this contract.
	 * @param ledger the ledger
	 * @return its outbox
	 */
	protected abstract ReportOutbox outboxOf(UsageLedger ledger);

	@Test
	void sealTurnsClosedHoursIntoReportsPerDimensionAndCustomerWithEveryTagSet() {
		this.ledger.record(SCANS, 3);
		this.ledger.record(UsageKey.of("scans", null, Map.of("team", "red")), 4);
		this.ledger.record(UsageKey.of("scans", null, Map.of("team", "red")), 1);
		this.ledger.record(UsageKey.of("scans", "cust-1", null), 7);
		this.ledger.record(UsageKey.of("bytes"), 9);
		List<UsageReport> reports = this.outbox.seal(ELEVEN);
		assertThat(reports).extracting(UsageReport::dimension, UsageReport::customer, UsageReport::quantity)
			.containsExactly(tuple("bytes", null, 9L), tuple("scans", null, 8L), tuple("scans", "cust-1", 7L));
		UsageReport scans = reports.get(1);
		assertThat(scans.hour()).isEqualTo(TEN);
		assertThat(scans.state()).isEqualTo(ReportState.CLOSED);
		assertThat(scans.allocations()).containsExactly(new Allocation(new TreeMap<>(), 3),
				new Allocation(new TreeMap<>(Map.of("team", "red")), 5));
		assertThat(scans.clientToken()).hasSizeLessThanOrEqualTo(64);
		assertThat(reports).extracting(UsageReport::id).doesNotHaveDuplicates();
		assertThat(this.outbox.pending()).containsExactlyElementsOf(reports);
		assertThat(this.ledger.view().openUsage()).isEmpty();
		assertThat(this.ledger.view().sealedBefore()).isEqualTo(ELEVEN);
	}

	@Test
	void sealIsIdempotentAndOnlySealsHoursStartingBeforeTheInstant() {
		this.ledger.record(SCANS, 1);
		assertThat(this.outbox.seal(TEN)).isEmpty();
		assertThat(this.ledger.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, TEN, 1));
		assertThat(this.outbox.seal(ELEVEN)).hasSize(1);
		assertThat(this.outbox.seal(ELEVEN)).isEmpty();
		assertThat(this.outbox.seal(TEN.plusSeconds(1))).isEmpty();
		assertThat(this.outbox.pending()).hasSize(1);
	}

	@Test
	void usageOfAnAlreadySealedHourMovesToTheNextHour() {
		this.ledger.record(SCANS, 1);
		// a shutdown flush seals the current partial hour
		this.outbox.seal(this.clock.instant());
		this.ledger.record(SCANS, 2);
		assertThat(this.ledger.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, ELEVEN, 2));
		this.clock.set(TWELVE.plusSeconds(5));
		assertThat(this.outbox.seal(TWELVE)).singleElement().satisfies((report) -> {
			assertThat(report.hour()).isEqualTo(ELEVEN);
			assertThat(report.quantity()).isEqualTo(2);
		});
	}

	@Test
	void unsealedPastHoursStayOpenUntilSealed() {
		this.ledger.record(SCANS, 1);
		this.clock.set(ELEVEN.plusSeconds(5));
		this.ledger.record(SCANS, 2);
		assertThat(this.outbox.seal(TWELVE)).extracting(UsageReport::hour, UsageReport::quantity)
			.containsExactly(tuple(TEN, 1L), tuple(TWELVE.minus(Duration.ofHours(1)), 2L));
	}

	@Test
	void excessOverTheQuantityLimitIsCarriedIntoTheNextOpenHourByAllocation() {
		UsageKey red = UsageKey.of("scans", null, Map.of("team", "red"));
		this.ledger.record(SCANS, Integer.MAX_VALUE - 10);
		this.ledger.record(red, 25);
		this.ledger.record(red, Integer.MAX_VALUE);
		this.clock.set(ELEVEN.plusSeconds(1));
		UsageReport report = this.outbox.seal(ELEVEN).get(0);
		assertThat(report.quantity()).isEqualTo(Integer.MAX_VALUE);
		assertThat(report.allocations()).containsExactly(new Allocation(new TreeMap<>(), Integer.MAX_VALUE - 10),
				new Allocation(red.tags(), 10));
		assertThat(this.ledger.view().openUsage())
			.containsExactly(new LedgerView.OpenUsage(red, ELEVEN, Integer.MAX_VALUE + 15L));
		this.clock.set(TWELVE);
		UsageReport next = this.outbox.seal(TWELVE).get(0);
		assertThat(next.quantity()).isEqualTo(Integer.MAX_VALUE);
		assertThat(this.ledger.view().openUsage()).containsExactly(new LedgerView.OpenUsage(red, TWELVE, 15));
	}

	@Test
	void tagSetsBeyondTheAllocationLimitAreFoldedIntoTheUntaggedAllocation() {
		int tagSets = MeteringLimits.USAGE_ALLOCATIONS_MAX + 10;
		long expected = 0;
		for (int i = 1; i <= tagSets; i++) {
			this.ledger.record(UsageKey.of("scans", null, Map.of("user", "u" + i)), 100 + i);
			expected += 100 + i;
		}
		UsageReport report = this.outbox.seal(ELEVEN).get(0);
		assertThat(report.allocations()).hasSize(MeteringLimits.USAGE_ALLOCATIONS_MAX);
		assertThat(report.quantity()).isEqualTo(expected);
		assertThat(report.allocations().stream().mapToLong(Allocation::quantity).sum()).isEqualTo(expected);
		// the 11 smallest tag sets (u1..u11) lost their attribution, nothing else
		assertThat(report.allocations().get(0)).isEqualTo(new Allocation(new TreeMap<>(), 11 * 100 + 66));
		assertThat(report.allocations()).extracting((allocation) -> allocation.tags().get("user"))
			.doesNotContain("u1", "u11")
			.contains("u12", "u" + tagSets);
	}

	@Test
	void reportsMoveThroughTheirStates() {
		this.ledger.record(SCANS, 1);
		this.ledger.record(UsageKey.of("bytes"), 2);
		this.ledger.record(UsageKey.of("users"), 3);
		List<UsageReport> reports = this.outbox.seal(ELEVEN);
		UsageReport bytes = reports.get(0);
		UsageReport scans = reports.get(1);
		UsageReport users = reports.get(2);
		ReportOutbox outbox = this.outbox;
		outbox.markSending(scans);
		outbox.markSending(scans);
		assertThat(outbox.pending()).extracting(UsageReport::state)
			.containsExactly(ReportState.CLOSED, ReportState.SENDING, ReportState.CLOSED);
		outbox.settle(scans, Settlement.reported("rec-1"));
		outbox.settle(scans, Settlement.reported("rec-1"));
		outbox.settle(bytes, Settlement.deadLettered("CustomerNotEntitledException"));
		outbox.markSending(users);
		outbox.settle(users, Settlement.carriedForward("TimestampOutOfBoundsException"));
		assertThat(outbox.pending()).isEmpty();
		assertThat(this.ledger.view().reports())
			.extracting(UsageReport::state, UsageReport::meteringRecordId, UsageReport::reason)
			.containsExactly(tuple(ReportState.DEAD_LETTER, null, "CustomerNotEntitledException"),
					tuple(ReportState.REPORTED, "rec-1", null),
					tuple(ReportState.CARRIED_FORWARD, null, "TimestampOutOfBoundsException"));
		assertThatIllegalStateException().isThrownBy(() -> outbox.settle(bytes, Settlement.reported("rec-2")))
			.withMessageContaining(bytes.id())
			.withMessageContaining("DEAD_LETTER")
			.withMessageContaining("REPORTED");
		assertThatIllegalStateException().isThrownBy(() -> outbox.settle(scans, Settlement.reported("rec-other")))
			.withMessageContaining(scans.id());
		assertThatIllegalStateException().isThrownBy(() -> outbox.markSending(scans))
			.withMessageContaining("REPORTED")
			.withMessageContaining("SENDING");
		assertThatIllegalStateException().isThrownBy(() -> outbox.settle(users, Settlement.carriedForward("again")))
			.withMessageContaining("CARRIED_FORWARD");
		UsageReport unknown = new UsageReport("nope", TEN, "scans", null, null, 1, List.of(), "token",
				ReportState.CLOSED, null, null);
		assertThatIllegalStateException().isThrownBy(() -> outbox.settle(unknown, Settlement.deadLettered("x")))
			.withMessageContaining("nope");
	}

	@Test
	void theSummaryKeepsTheTotalsOfTheViewThroughEveryChange() {
		UsageKey customer = UsageKey.of("scans", "cust-1", Map.of("team", "red"));
		assertThat(this.ledger.summary().oldestUnreportedHour()).isNull();
		this.ledger.record(SCANS, 4);
		this.ledger.record(customer, 6);
		assertSummaryMatchesView();
		assertThat(this.ledger.summary().pendingQuantity()).isEqualTo(10);
		assertThat(this.ledger.summary().oldestUnreportedHour()).isEqualTo(TEN);
		this.clock.set(ELEVEN.plusSeconds(60));
		this.ledger.record(UsageKey.of("bytes"), 7);
		List<UsageReport> reports = this.outbox.seal(ELEVEN);
		assertSummaryMatchesView();
		assertThat(this.ledger.summary().pendingReports()).isEqualTo(2);
		assertThat(this.ledger.summary().openHours()).isOne();
		UsageReport own = reports.stream().filter((report) -> report.customer() == null).findFirst().orElseThrow();
		UsageReport customers = reports.stream()
			.filter((report) -> report.customer() != null)
			.findFirst()
			.orElseThrow();
		this.outbox.markSending(own);
		assertSummaryMatchesView();
		this.outbox.settle(own, Settlement.reported("rec-1"));
		assertSummaryMatchesView();
		assertThat(this.ledger.summary().oldestOwnHour()).as("the open hour of bytes").isEqualTo(ELEVEN);
		assertThat(this.ledger.summary().oldestCustomerHour()).isEqualTo(TEN);
		this.outbox.settle(customers, Settlement.carriedForward("TimestampOutOfBoundsException"));
		assertSummaryMatchesView();
		assertThat(this.ledger.summary().quantity(ReportState.CARRIED_FORWARD)).isEqualTo(6);
		assertThat(this.ledger.summary().pendingQuantity()).as("bytes and the carried quantity").isEqualTo(13);
		this.outbox.seal(TWELVE);
		this.outbox.pending()
			.forEach((report) -> this.outbox.settle(report, Settlement.deadLettered("InvalidUsageDimension")));
		assertSummaryMatchesView();
		assertThat(this.ledger.summary().count(ReportState.DEAD_LETTER)).isEqualTo(2);
		assertThat(this.ledger.summary().pendingQuantity()).isZero();
		assertThat(this.ledger.summary().oldestUnreportedHour()).isNull();
	}

	void assertSummaryMatchesView() {
		LedgerSummary summary = this.ledger.summary();
		assertThat(summary).isEqualTo(LedgerSummary.of(this.ledger.view(), summary.storage()));
	}

	@Test
	void carryForwardMovesTheQuantitiesPerTagSetIntoTheOpenHour() {
		UsageKey red = UsageKey.of("scans", "cust-1", Map.of("team", "red"));
		UsageKey untagged = UsageKey.of("scans", "cust-1", null);
		this.ledger.record(red, 5);
		this.ledger.record(untagged, 2);
		UsageReport report = this.outbox.seal(ELEVEN).get(0);
		this.clock.set(TWELVE.plusSeconds(30));
		this.ledger.record(red, 1);
		this.outbox.settle(report, Settlement.carriedForward("TimestampOutOfBoundsException"));
		assertThat(this.ledger.view().openUsage()).containsExactlyInAnyOrder(new LedgerView.OpenUsage(red, TWELVE, 6),
				new LedgerView.OpenUsage(untagged, TWELVE, 2));
		UsageReport carried = this.outbox.seal(TWELVE.plus(Duration.ofHours(1))).get(0);
		assertThat(carried.hour()).isEqualTo(TWELVE);
		assertThat(carried.allocations()).containsExactly(new Allocation(new TreeMap<>(), 2),
				new Allocation(red.tags(), 6));
	}

	@Test
	void anOperatorAcknowledgesOneDeadLetterAndReplaysAnotherIntoTheOpenHour() {
		UsageKey red = UsageKey.of("scans", "cust-1", Map.of("team", "red"));
		UsageKey untagged = UsageKey.of("scans", "cust-1", null);
		this.ledger.record(red, 3);
		this.ledger.record(untagged, 2);
		this.ledger.record(UsageKey.of("bytes"), 4);
		ReportOutbox outbox = this.outbox;
		List<UsageReport> reports = outbox.seal(ELEVEN);
		UsageReport bytes = reports.get(0);
		UsageReport scans = reports.get(1);
		this.clock.set(ELEVEN.plusSeconds(60));
		outbox.settle(bytes, Settlement.deadLettered("CustomerNotEntitledException"));
		this.clock.set(ELEVEN.plusSeconds(120));
		outbox.settle(scans, Settlement.deadLettered("CustomerNotSubscribed"));
		assertThat(outbox.deadLetters()).extracting(UsageReport::id).containsExactly(bytes.id(), scans.id());
		assertThat(this.ledger.summary().deadLetters()).isEqualTo(2);
		assertThat(this.ledger.summary().oldestDeadLetter()).isEqualTo(ELEVEN.plusSeconds(60));
		assertSummaryMatchesView();

		outbox.settle(bytes, Settlement.acknowledged("alice", "refunded"));
		assertThat(outbox.deadLetters()).extracting(UsageReport::id).containsExactly(scans.id());
		assertThat(this.ledger.summary().deadLetters()).isOne();
		assertThat(this.ledger.summary().oldestDeadLetter()).isEqualTo(ELEVEN.plusSeconds(120));
		assertThat(this.ledger.summary().pendingQuantity()).isZero();
		assertSummaryMatchesView();

		outbox.settle(scans, Settlement.replayed("bob", null));
		assertThat(outbox.deadLetters()).isEmpty();
		assertThat(this.ledger.summary().oldestDeadLetter()).isNull();
		assertThat(this.ledger.view().openUsage()).containsExactlyInAnyOrder(new LedgerView.OpenUsage(red, ELEVEN, 3),
				new LedgerView.OpenUsage(untagged, ELEVEN, 2));
		assertThat(this.ledger.summary().pendingByDimension()).containsExactly(Map.entry("scans", 5L));
		assertThat(this.ledger.view().reports()).extracting(UsageReport::state, UsageReport::reason)
			.containsExactly(
					tuple(ReportState.ACKNOWLEDGED, "CustomerNotEntitledException; acknowledged by alice: refunded"),
					tuple(ReportState.REPLAYED, "CustomerNotSubscribed; replayed by bob"));
		assertSummaryMatchesView();
		assertThatIllegalStateException().isThrownBy(() -> outbox.settle(scans, Settlement.acknowledged("alice", null)))
			.withMessageContaining("only a dead letter can be acknowledged or replayed");
		UsageReport replayed = outbox.seal(TWELVE).get(0);
		assertThat(replayed.hour()).isEqualTo(ELEVEN);
		assertThat(replayed.quantity()).isEqualTo(5);
	}

	@Test
	void onlyADeadLetterCanBeAcknowledgedOrReplayed() {
		this.ledger.record(SCANS, 1);
		UsageReport report = this.outbox.seal(ELEVEN).get(0);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.outbox.settle(report, Settlement.replayed("alice", null)))
			.withMessageContaining("CLOSED")
			.withMessageContaining("only a dead letter can be acknowledged or replayed");
		this.outbox.settle(report, Settlement.reported("rec-1"));
		assertThatIllegalStateException()
			.isThrownBy(() -> this.outbox.settle(report, Settlement.acknowledged("alice", null)))
			.withMessageContaining("REPORTED");
		assertThatIllegalArgumentException().isThrownBy(() -> Settlement.acknowledged(" ", null))
			.withMessageContaining("'actor'");
	}

	@Test
	void theSummaryGivesTheUnconfirmedUsagePerDimensionOpenAndPending() {
		this.ledger.record(SCANS, 3);
		this.ledger.record(UsageKey.of("scans", "cust-1", null), 4);
		this.ledger.record(UsageKey.of("bytes"), 5);
		this.clock.set(ELEVEN.plusSeconds(60));
		List<UsageReport> reports = this.outbox.seal(ELEVEN);
		this.ledger.record(SCANS, 1);
		assertThat(this.ledger.summary().pendingByDimension()).containsOnly(Map.entry("scans", 8L),
				Map.entry("bytes", 5L));
		this.outbox.settle(reports.get(0), Settlement.reported("rec-1"));
		assertThat(this.ledger.summary().pendingByDimension()).containsOnly(Map.entry("scans", 8L));
		assertSummaryMatchesView();
	}

	@Test
	void everyHourTheLedgerIsOpenGetsAZeroUsageReportOfEachZeroUsageDimension() throws Exception {
		try (UsageLedger ledger = createLedger("prod-1", "pod-z", Set.of("pages"))) {
			ledger.record(UsageKey.of("pages", null, Map.of("team", "red")), 2);
			this.clock.set(TWELVE.plusSeconds(60));
			assertThat(outboxOf(ledger).seal(TWELVE))
				.extracting(UsageReport::hour, UsageReport::dimension, UsageReport::quantity)
				.containsExactly(tuple(TEN, "pages", 2L), tuple(ELEVEN, "pages", 0L));
			assertThat(outboxOf(ledger).seal(TWELVE)).isEmpty();
		}
	}

	@Test
	void pendingReportsComeOldestHourFirst() {
		this.ledger.record(UsageKey.of("zeta"), 1);
		this.clock.set(ELEVEN);
		this.ledger.record(UsageKey.of("alpha"), 1);
		this.outbox.seal(TWELVE);
		assertThat(this.outbox.pending()).extracting(UsageReport::hour, UsageReport::dimension)
			.containsExactly(tuple(TEN, "zeta"), tuple(ELEVEN, "alpha"));
	}

	@Test
	void anotherLedgerOfTheSameIdentityNeverReusesAClientToken() throws Exception {
		this.ledger.record(SCANS, 1);
		String token = this.outbox.seal(ELEVEN).get(0).clientToken();
		assertThat(this.outbox.pending()).singleElement()
			.satisfies((report) -> assertThat(report.clientToken()).isEqualTo(token));
		try (UsageLedger restartedEmpty = createLedger("prod-1", "pod-a")) {
			restartedEmpty.record(SCANS, 99);
			assertThat(outboxOf(restartedEmpty).seal(ELEVEN).get(0).clientToken()).isNotEqualTo(token);
		}
		try (UsageLedger otherPod = createLedger("prod-1", "pod-b")) {
			otherPod.record(SCANS, 1);
			assertThat(outboxOf(otherPod).seal(ELEVEN).get(0).clientToken()).isNotEqualTo(token);
		}
	}

	@Test
	void quantityMustBeFromZeroToTheLargestOfARecord() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.ledger.record(SCANS, -1))
			.withMessage("'quantity' must be from 0 to 1099511627775, was -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.ledger.record(SCANS, UsageLedger.MAX_RECORD_QUANTITY + 1))
			.withMessage("'quantity' must be from 0 to 1099511627775, was 1099511627776");
		this.ledger.record(SCANS, UsageLedger.MAX_RECORD_QUANTITY);
		assertThat(this.ledger.view().openUsage()).extracting(LedgerView.OpenUsage::quantity)
			.containsExactly(UsageLedger.MAX_RECORD_QUANTITY);
	}

	@Test
	void eightThreadsRecordingAMillionTimesEachAreCountedExactly() throws Exception {
		int threads = 8;
		int perThread = 1_000_000;
		Concurrently.run(threads, (thread) -> {
			UsageKey own = UsageKey.of("scans", "cust-" + thread, null);
			for (int i = 0; i < perThread; i++) {
				this.ledger.record(((i & 1) == 0) ? SCANS : own, 1);
			}
		});
		List<UsageReport> reports = this.outbox.seal(ELEVEN);
		assertThat(reports.stream().mapToLong(UsageReport::quantity).sum()).isEqualTo((long) threads * perThread);
		assertThat(reports).filteredOn((report) -> report.customer() == null)
			.singleElement()
			.extracting(UsageReport::quantity)
			.isEqualTo((long) threads * perThread / 2);
	}

	@Test
	void recordsRacingTheEndOfAnHourLandInThatHourOrTheNextNeverLostNorDoubled() throws Exception {
		int writers = 3;
		int hours = 40;
		AtomicBoolean stop = new AtomicBoolean();
		AtomicLongArray progress = new AtomicLongArray(writers);
		List<Map<Long, Long>> recordedPerPhase = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			Map<Long, Long> recorded = new HashMap<>();
			recordedPerPhase.add(recorded);
			int writer = w;
			done.add(pool.submit(() -> {
				while (!stop.get()) {
					long phase = this.clock.instant().getEpochSecond() / 3600;
					this.ledger.record(UsageKey.of("scans", null, Map.of("phase", Long.toString(phase))), 1);
					recorded.merge(phase, 1L, Long::sum);
					progress.incrementAndGet(writer);
				}
				return null;
			}));
		}
		try {
			for (int h = 0; h < hours; h++) {
				// each writer completes two records after the previous seal, so that no
				// record spans two seals
				long[] seen = new long[writers];
				for (int w = 0; w < writers; w++) {
					seen[w] = progress.get(w);
				}
				for (int w = 0; w < writers; w++) {
					int writer = w;
					long from = seen[w];
					await().pollInterval(Duration.ofMillis(1))
						.atMost(Duration.ofSeconds(10))
						.until(() -> progress.get(writer) >= from + 2);
				}
				this.clock.advance(Duration.ofHours(1));
				this.outbox.seal(this.clock.instant().truncatedTo(ChronoUnit.HOURS));
			}
		}
		finally {
			stop.set(true);
			for (Future<?> future : done) {
				future.get(10, TimeUnit.SECONDS);
			}
			pool.shutdownNow();
		}
		this.outbox.seal(this.clock.instant().plus(Duration.ofHours(1)));
		Map<Long, Long> expected = new HashMap<>();
		recordedPerPhase.forEach((recorded) -> recorded.forEach((phase, n) -> expected.merge(phase, n, Long::sum)));
		Map<Long, Long> counted = new HashMap<>();
		for (UsageReport report : this.ledger.view().reports()) {
			long hour = report.hour().getEpochSecond() / 3600;
			for (Allocation allocation : report.allocations()) {
				long phase = Long.parseLong(allocation.tags().get("phase"));
				assertThat(hour - phase).as("hour of a record made in phase %s", phase).isBetween(0L, 1L);
				counted.merge(phase, allocation.quantity(), Long::sum);
			}
		}
		assertThat(counted).isEqualTo(expected);
		assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(hours * 2L);
	}

}
