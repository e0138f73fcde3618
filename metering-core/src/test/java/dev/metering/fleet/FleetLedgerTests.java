package dev.metering.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.Allocation;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The shared ledger against a real PostgreSQL, on clocks the tests move: the replicas'
 * and the database's.
 */
class FleetLedgerTests {

	private static final String PRODUCT = "prod-fleet";

	private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

	private static final Duration GRACE = Duration.ofSeconds(30);

	private static final Duration FLUSH = Duration.ofSeconds(5);

	private static FleetDatabase database;

	private final MutableClock clock = new MutableClock(HOUR.plusSeconds(600));

	private final MutableClock databaseClock = new MutableClock(HOUR.plusSeconds(600));

	private FleetSchema schema;

	private FleetLedger fleet;

	@BeforeAll
	static void startDatabase() {
		database = FleetDatabase.start();
	}

	@AfterAll
	static void stopDatabase() throws IOException {
		database.close();
	}

	@BeforeEach
	void createSchema() {
		this.schema = database.newSchema();
		this.fleet = new FleetLedger(dataSource(), this.schema, this.databaseClock, GRACE, PRODUCT);
	}

	@Test
	void reportsOneRecordPerCustomerHourWithTheReplicasSum() {
		MeteringLedger one = ledger();
		MeteringLedger two = ledger();
		one.record(UsageKey.of("scans", "cust-1", Map.of()), 3);
		two.record(UsageKey.of("scans", "cust-1", Map.of()), 5);
		two.record(UsageKey.of("scans", "cust-2", Map.of("team", "ops")), 7);
		publisher(one, "replica-1").flush();
		publisher(two, "replica-2").flush();
		moveBothClocks(Duration.ofMinutes(50).plus(GRACE));

		List<UsageReport> reports = this.fleet.seal(this.clock.instant());

		assertThat(reports).extracting(UsageReport::customer, UsageReport::hour, UsageReport::quantity)
			.containsExactlyInAnyOrder(tuple("cust-1", HOUR, 8L), tuple("cust-2", HOUR, 7L));
		assertThat(reports).filteredOn((report) -> "cust-2".equals(report.customer()))
			.singleElement()
			.extracting(UsageReport::allocations)
			.isEqualTo(List.of(new Allocation(new TreeMap<>(Map.of("team", "ops")), 7)));
		assertThat(this.fleet.pending()).containsExactlyInAnyOrderElementsOf(reports);
	}

	@Test
	void aReplayedFlushCountsOnce() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 4);
		FleetPublisher publisher = publisher(local, "replica-1");
		publisher.flush();
		publisher.flush();
		// a restarted replica does not know what it published: it writes everything again
		publisher(local, "replica-1").flush();
		moveBothClocks(Duration.ofHours(1));

		assertThat(this.fleet.seal(this.clock.instant())).singleElement()
			.extracting(UsageReport::quantity)
			.isEqualTo(4L);
	}

	@Test
	void theGracePeriodHoldsTheHourOpen() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 2);
		publisher(local, "replica-1").flush();
		this.databaseClock.set(HOUR.plus(Duration.ofHours(1)).plus(GRACE).minusMillis(1));

		assertThat(this.fleet.seal(HOUR.plus(Duration.ofHours(2)))).isEmpty();

		this.databaseClock.set(HOUR.plus(Duration.ofHours(1)).plus(GRACE));
		assertThat(this.fleet.seal(HOUR.plus(Duration.ofHours(2)))).singleElement()
			.extracting(UsageReport::hour)
			.isEqualTo(HOUR);
	}

	@Test
	void theHourClosesOnTheDatabaseClockNotTheReplicas() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 2);
		publisher(local, "replica-1").flush();
		this.clock.set(HOUR.plus(Duration.ofHours(3)));

		assertThat(this.fleet.seal(this.clock.instant())).isEmpty();
	}

	@Test
	void aContributionAfterTheCloseMovesIntoTheNextHour() {
		MeteringLedger local = ledger();
		FleetPublisher publisher = publisher(local, "replica-1");
		UsageKey key = UsageKey.of("scans", "cust-1", Map.of());
		local.record(key, 3);
		publisher.flush();
		moveBothClocks(Duration.ofMinutes(50).plus(GRACE));
		UsageReport closed = this.fleet.seal(this.clock.instant()).get(0);
		// the replica's hour was still open locally: it grows after the fleet closed it
		this.clock.set(HOUR.plus(Duration.ofMinutes(59)));
		local.record(key, 2);
		publisher.flush();
		this.clock.set(HOUR.plus(Duration.ofHours(2)).plus(GRACE));
		this.databaseClock.set(this.clock.instant());

		List<UsageReport> next = this.fleet.seal(this.clock.instant());

		assertThat(next).singleElement().satisfies((report) -> {
			assertThat(report.hour()).isEqualTo(HOUR.plus(Duration.ofHours(1)));
			assertThat(report.quantity()).isEqualTo(2);
		});
		assertThat(this.fleet.report(closed.id())).isEqualTo(closed);
		assertThat(closed.quantity()).isEqualTo(3);
	}

	@Test
	void aLocallySealedHourIsPublishedThenSettledLocally() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 6);
		local.record(UsageKey.of("scans"), 1);
		this.clock.advance(Duration.ofHours(1));
		local.outbox().seal(this.clock.instant());
		FleetPublisher publisher = publisher(local, "replica-1");

		publisher.flush();

		assertThat(local.outbox().pending()).extracting(UsageReport::customer).containsExactly((String) null);
		this.databaseClock.set(this.clock.instant().plus(GRACE));
		assertThat(this.fleet.seal(this.clock.instant())).singleElement()
			.extracting(UsageReport::quantity)
			.isEqualTo(6L);
	}

	@Test
	void aReplicaRestartedOnItsDirectoryPublishesWhatItHadNot(@TempDir Path directory) throws IOException {
		String replicaId = ReplicaIds.of(directory);
		try (MeteringLedger local = fileLedger(directory)) {
			FleetPublisher publisher = publisher(local, replicaId);
			local.record(UsageKey.of("scans", "cust-1", Map.of()), 4);
			publisher.flush();
			local.record(UsageKey.of("scans", "cust-1", Map.of()), 5);
			// killed before the next flush
		}
		try (MeteringLedger local = fileLedger(directory)) {
			assertThat(ReplicaIds.of(directory)).isEqualTo(replicaId);
			publisher(local, ReplicaIds.of(directory)).flush();
		}
		moveBothClocks(Duration.ofHours(1));

		assertThat(this.fleet.seal(this.clock.instant())).singleElement()
			.extracting(UsageReport::quantity)
			.isEqualTo(9L);
	}

	@Test
	void aReportSettlesOnceAndAMovedQuantityMovesOnce() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 4);
		publisher(local, "replica-1").flush();
		moveBothClocks(Duration.ofHours(1));
		UsageReport report = this.fleet.seal(this.clock.instant()).get(0);

		assertThat(this.fleet.apply(report.id(), Settlement.movedForward("DuplicateRecord"))).isTrue();
		assertThat(this.fleet.apply(report.id(), Settlement.movedForward("DuplicateRecord"))).isFalse();
		assertThat(this.fleet.apply(report.id(), Settlement.reported("rec-1"))).isFalse();
		moveBothClocks(Duration.ofHours(1));

		assertThat(this.fleet.seal(this.clock.instant())).singleElement().satisfies((moved) -> {
			assertThat(moved.hour()).isEqualTo(HOUR.plus(Duration.ofHours(1)));
			assertThat(moved.quantity()).isEqualTo(4);
		});
		assertThat(this.fleet.report(report.id()).state()).isEqualTo(ReportState.MOVED_FORWARD);
	}

	@Test
	void legacyUsageBesideLicenseUsageOfOneAccountInOneHourIsNeverSent() {
		MeteringLedger one = ledger();
		MeteringLedger two = ledger();
		one.record(UsageKey.of("scans", "111122223333", "arn:aws:license-manager::111122223333:license:l-1", Map.of()),
				1);
		two.record(UsageKey.of("scans", "111122223333", Map.of()), 2);
		publisher(one, "replica-1").flush();
		publisher(two, "replica-2").flush();
		moveBothClocks(Duration.ofHours(1));

		List<UsageReport> reports = this.fleet.seal(this.clock.instant());

		assertThat(reports).extracting(UsageReport::license, UsageReport::state)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple
				.tuple("arn:aws:license-manager::111122223333:license:l-1", ReportState.CLOSED),
					tuple(null, ReportState.DEAD_LETTER));
		assertThat(this.fleet.pending()).extracting(UsageReport::license).doesNotContainNull();
	}

	@Test
	void anOperatorAcknowledgesOrReplaysAFleetDeadLetter() {
		MeteringLedger one = ledger();
		MeteringLedger two = ledger();
		one.record(UsageKey.of("scans", "111122223333", "arn:aws:license-manager::111122223333:license:l-1", Map.of()),
				1);
		two.record(UsageKey.of("scans", "111122223333", Map.of()), 2);
		two.record(UsageKey.of("pages", "111122223333", Map.of()), 4);
		publisher(one, "replica-1").flush();
		publisher(two, "replica-2").flush();
		moveBothClocks(Duration.ofHours(1));
		this.fleet.seal(this.clock.instant());
		List<UsageReport> deadLetters = this.fleet.deadLetters();
		assertThat(deadLetters).hasSize(2);

		assertThat(this.fleet.apply(deadLetters.get(0).id(), Settlement.acknowledged("alice", "known"))).isTrue();
		assertThat(this.fleet.apply(deadLetters.get(1).id(), Settlement.replayed("bob", null))).isTrue();
		assertThat(this.fleet.apply(deadLetters.get(1).id(), Settlement.replayed("bob", null))).isFalse();

		assertThat(this.fleet.deadLetters()).isEmpty();
		assertThat(this.fleet.report(deadLetters.get(0).id()).reason()).endsWith("; acknowledged by alice: known");
		assertThat(this.fleet.report(deadLetters.get(1).id()).reason()).endsWith("; replayed by bob");
		moveBothClocks(Duration.ofHours(1));
		assertThat(this.fleet.seal(this.clock.instant())).singleElement().satisfies((replayed) -> {
			assertThat(replayed.dimension()).isEqualTo(deadLetters.get(1).dimension());
			assertThat(replayed.quantity()).isEqualTo(deadLetters.get(1).quantity());
			assertThat(replayed.hour()).isEqualTo(HOUR.plus(Duration.ofHours(1)));
		});
	}

	@Test
	void anHourOverTheQuantityLimitCarriesTheExcessIntoTheNextHour() {
		MeteringLedger local = ledger();
		UsageKey key = UsageKey.of("scans", "cust-1", Map.of());
		local.record(key, Integer.MAX_VALUE);
		local.record(key, 10);
		publisher(local, "replica-1").flush();
		moveBothClocks(Duration.ofHours(1));
		assertThat(this.fleet.seal(this.clock.instant())).singleElement()
			.extracting(UsageReport::quantity)
			.isEqualTo((long) Integer.MAX_VALUE);
		moveBothClocks(Duration.ofHours(1));

		assertThat(this.fleet.seal(this.clock.instant())).singleElement()
			.extracting(UsageReport::quantity)
			.isEqualTo(10L);
	}

	@Test
	void theSchemaCanBeAppliedTwice() {
		this.schema.create(dataSource());

		assertThat(this.schema.missingTables(dataSource())).isEmpty();
		assertThat(new FleetSchema("absent_").missingTables(dataSource())).hasSize(4);
	}

	@Test
	void thePublisherNotesTheReplicasLastPublishAndClockSkew() {
		publisher(ledger(), "replica-1").flush();

		Long skew = JdbcClient.create(dataSource())
			.sql("select clock_skew_millis from " + this.schema.table("replica") + " where replica_id = 'replica-1'")
			.query(Long.class)
			.single();
		// the test's replica clock is a fixed instant in 2026-03, far from the database's
		assertThat(Math.abs(skew)).isGreaterThan(0);
	}

	@Test
	void theReplicasOwnUsageIsLeftToItsOwnReporter() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 6);
		local.record(UsageKey.of("scans"), 1);
		this.clock.advance(Duration.ofHours(1));
		local.outbox().seal(this.clock.instant());

		assertThat(new OwnUsageOutbox(local.outbox()).pending()).extracting(UsageReport::customer)
			.containsExactly((String) null);
		assertThat(local.outbox().pending()).hasSize(2);
	}

	@Test
	void theHealthIsDownWhenThisReplicaHasNotPublishedForThreeIntervals() {
		FleetPublisher publisher = publisher(ledger(), "replica-1");
		publisher.flush();
		FleetMonitor monitor = new FleetMonitor(this.fleet, publisher, FLUSH, Duration.ofSeconds(15),
				Duration.ofHours(2), this.clock);
		List<String> problems = new ArrayList<>();

		this.clock.advance(FLUSH.multipliedBy(3));
		monitor.check(problems);
		assertThat(problems).isEmpty();

		this.clock.advance(Duration.ofMillis(1));
		monitor.check(problems);
		assertThat(problems).singleElement().asString().contains("has not published");
	}

	@Test
	void theHealthIsDownWhenNoLeaderReportsPendingHours() {
		MeteringLedger local = ledger();
		local.record(UsageKey.of("scans", "cust-1", Map.of()), 6);
		FleetPublisher publisher = publisher(local, "replica-1");
		publisher.flush();
		moveBothClocks(Duration.ofHours(1));
		this.fleet.seal(this.clock.instant());
		publisher.flush();
		FleetMonitor monitor = new FleetMonitor(this.fleet, publisher, FLUSH, Duration.ofSeconds(15),
				Duration.ofHours(2), this.clock);
		FleetLease lease = new FleetLease(dataSource(), this.schema, this.databaseClock, "replica-1",
				Duration.ofSeconds(15));
		lease.acquire();
		lease.reported();
		List<String> problems = new ArrayList<>();
		monitor.check(problems);
		assertThat(problems).isEmpty();

		this.databaseClock.advance(Duration.ofSeconds(46));
		Map<String, Object> details = monitor.check(problems);

		assertThat(problems).singleElement().asString().contains("no replica has reported");
		assertThat(details).containsEntry("leader", "replica-1").containsEntry("pendingHours", 1);
		assertThat(this.fleet.status().pendingHours()).singleElement()
			.isEqualTo(new FleetStatus.PendingHour(HOUR, 1, 6));
	}

	private void moveBothClocks(Duration duration) {
		this.clock.advance(duration);
		this.databaseClock.set(this.clock.instant());
	}

	private MeteringLedger ledger() {
		return MeteringLedger.inMemory(this.clock, PRODUCT, "pod");
	}

	private MeteringLedger fileLedger(Path directory) {
		return MeteringLedger.file(directory).clock(this.clock).productCode(PRODUCT).reportingIdentity("pod").build();
	}

	private FleetPublisher publisher(MeteringLedger ledger, String replicaId) {
		return new FleetPublisher(ledger, ledger.outbox(), dataSource(), this.schema, replicaId, "pod-" + replicaId,
				this.clock, FLUSH);
	}

	private static DataSource dataSource() {
		return database.dataSource();
	}

}
