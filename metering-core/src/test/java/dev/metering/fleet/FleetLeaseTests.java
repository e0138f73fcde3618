package dev.metering.fleet;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reporter's lease against a real PostgreSQL, on a database clock the tests move.
 */
class FleetLeaseTests {

	private static final Duration LEASE = Duration.ofSeconds(15);

	private static FleetDatabase database;

	private final MutableClock databaseClock = new MutableClock(Instant.parse("2026-03-01T11:00:40Z"));

	private FleetSchema schema;

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
	}

	@Test
	void oneReplicaLeadsAtATime() {
		FleetLease one = lease("replica-1");
		FleetLease two = lease("replica-2");

		assertThat(one.acquire()).isTrue();
		assertThat(two.acquire()).isFalse();
		this.databaseClock.advance(LEASE.minusMillis(1));
		assertThat(one.acquire()).isTrue();
		this.databaseClock.advance(LEASE.minusMillis(1));
		assertThat(two.acquire()).isFalse();
	}

	@Test
	void theLeaderHandsOverWhenItStopsRenewing() {
		FleetLease one = lease("replica-1");
		FleetLease two = lease("replica-2");
		one.acquire();
		// replica-1 is killed: it renews no more
		this.databaseClock.advance(LEASE.minusMillis(1));
		assertThat(two.acquire()).isFalse();
		this.databaseClock.advance(Duration.ofMillis(1));

		assertThat(two.acquire()).isTrue();
		assertThat(one.acquire()).isFalse();
	}

	@Test
	void aLeaderThatStopsGracefullyHandsOverAtOnce() {
		FleetLease one = lease("replica-1");
		FleetLease two = lease("replica-2");
		one.acquire();

		one.release();

		assertThat(two.acquire()).isTrue();
	}

	@Test
	void onlyTheLeaderReports() {
		AtomicInteger oneRuns = new AtomicInteger();
		AtomicInteger twoRuns = new AtomicInteger();
		FleetReporter one = new FleetReporter(lease("replica-1"), oneRuns::incrementAndGet, Duration.ofSeconds(5));
		FleetReporter two = new FleetReporter(lease("replica-2"), twoRuns::incrementAndGet, Duration.ofSeconds(5));

		one.runOnce();
		two.runOnce();
		one.runOnce();

		assertThat(oneRuns).hasValue(2);
		assertThat(twoRuns).hasValue(0);
		assertThat(one.isLeading()).isTrue();
		assertThat(two.isLeading()).isFalse();
	}

	@Test
	void aStartedReporterLeadsAndItsStopHandsOver() {
		AtomicInteger runs = new AtomicInteger();
		FleetReporter one = new FleetReporter(lease("replica-1"), runs::incrementAndGet, Duration.ofSeconds(5));
		one.start();
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runs).hasPositiveValue());
			assertThat(one.isLeading()).isTrue();
			assertThat(lease("replica-2").acquire()).isFalse();
		}
		finally {
			one.stop();
		}

		assertThat(one.isRunning()).isFalse();
		assertThat(lease("replica-2").acquire()).isTrue();
	}

	@Test
	void theNextLeaderResendsAReportOfUnknownOutcomeIdentically() {
		MeteringLedger local = MeteringLedger.inMemory(this.databaseClock, "prod-fleet", "pod");
		local.record(UsageKey.of("scans", "cust-1", Map.of("team", "ops")), 5);
		new FleetPublisher(local, local.outbox(), database.dataSource(), this.schema, "replica-1", "pod-1",
				this.databaseClock, Duration.ofSeconds(5))
			.flush();
		this.databaseClock.advance(Duration.ofHours(1));
		FleetLedger leaderOne = fleet();
		UsageReport report = leaderOne.seal(this.databaseClock.instant()).get(0);
		leaderOne.markSending(report.id());
		// the leader is killed while the request is out: its outcome is unknown

		FleetLedger leaderTwo = fleet();
		assertThat(leaderTwo.pending()).singleElement().satisfies((resent) -> {
			assertThat(resent.state()).isEqualTo(ReportState.SENDING);
			assertThat(resent).usingRecursiveComparison().ignoringFields("state").isEqualTo(report);
		});
		assertThat(leaderTwo.seal(this.databaseClock.instant().plus(Duration.ofMinutes(30)))).isEmpty();
	}

	private FleetLease lease(String replicaId) {
		return new FleetLease(database.dataSource(), this.schema, this.databaseClock, replicaId, LEASE);
	}

	private FleetLedger fleet() {
		return new FleetLedger(database.dataSource(), this.schema, this.databaseClock, Duration.ofSeconds(30),
				"prod-fleet");
	}

}
