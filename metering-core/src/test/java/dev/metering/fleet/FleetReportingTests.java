package dev.metering.fleet;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.MeteringGateway;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportSettler;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Three replicas in one JVM bill the same 50 customers (half license, half legacy) into
 * one PostgreSQL; their leaders report through the real SDK client to the emulator, which
 * throttles 30%, fails 10% and loses 5% of the answers after committing. The leader is
 * replaced in the middle, and usage arrives after an hour closed.
 */
class FleetReportingTests {

	private static final String PRODUCT = "prod-fleet";

	private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

	private static final Duration GRACE = Duration.ofSeconds(30);

	private static final Duration LEASE = Duration.ofSeconds(15);

	private static final int CUSTOMERS = 50;

	private static FleetDatabase database;

	@BeforeAll
	static void startDatabase() {
		database = FleetDatabase.start();
	}

	@AfterAll
	static void stopDatabase() throws IOException {
		database.close();
	}

	@Test
	void threeReplicasBillEachCustomerHourOnceThroughFaultsAndAHandover() throws Exception {
		MutableClock clock = new MutableClock(HOUR.plusSeconds(60));
		FleetSchema schema = database.newSchema();
		MarketplaceMeteringEmulator.Builder emulatorSettings = MarketplaceMeteringEmulator.builder()
			.clock(clock)
			.product(PRODUCT, Set.of("scans"))
			.faults(Faults.none().throttleRate(0.3).serverErrorRate(0.1).lostResponseRate(0.05).seed(7));
		for (int customer = 0; customer < CUSTOMERS / 2; customer++) {
			emulatorSettings.license(license(customer), account(customer), PRODUCT);
		}
		try (MarketplaceMeteringEmulator emulator = emulatorSettings.build().start();
				MarketplaceMeteringClient client = TestClients.licenseClient(emulator.endpoint())) {
			MeteringGateway gateway = new MeteringGateway(client, PRODUCT);
			List<Replica> replicas = new ArrayList<>();
			for (int replica = 0; replica < 3; replica++) {
				replicas.add(new Replica("replica-" + replica, clock, schema, gateway));
			}
			Map<String, Long> recorded = new HashMap<>();
			// hour 10: every replica bills every customer
			for (Replica replica : replicas) {
				replica.bill(recorded, 1 + replicas.indexOf(replica));
				replica.publisher.flush();
			}
			clock.set(HOUR.plus(Duration.ofHours(1)).plus(GRACE));
			// replica-2's hour 10 is still open locally: it bills more after the fleet
			// closed the hour
			Replica leader = replicas.get(0);
			assertThat(leader.reporter.runOnce()).isTrue();
			assertThat(replicas.get(1).reporter.runOnce()).isFalse();
			clock.set(HOUR.plus(Duration.ofMinutes(59)));
			replicas.get(2).bill(recorded, 10);
			replicas.get(2).publisher.flush();
			// the leader renews, seals hour 11 and dies while its first reports are out
			clock.set(HOUR.plus(Duration.ofHours(2)).plus(GRACE));
			assertThat(leader.lease.acquire()).isTrue();
			FleetLedger dying = fleet(schema, clock);
			dying.seal(clock.instant());
			dying.pending().stream().limit(10).forEach((report) -> dying.markSending(report.id()));
			assertThat(replicas.get(1).reporter.runOnce()).isFalse();
			// after its lease expires, replica-1 leads and resends them
			clock.advance(LEASE);
			assertThat(replicas.get(1).reporter.runOnce()).isTrue();
			for (int run = 0; run < 20 && !fleet(schema, clock).pending().isEmpty(); run++) {
				assertThat(replicas.get(1).reporter.runOnce()).isTrue();
			}

			assertThat(fleet(schema, clock).pending()).isEmpty();
			assertThat(emulator.counters().rejected("DuplicateRecord")).isZero();
			assertThat(emulator.mixedShapes()).isEmpty();
			// answers were lost after AWS committed: the resends were identical
			assertThat(emulator.counters().replays()).isPositive();
			Map<String, Long> accepted = emulator.records()
				.stream()
				.collect(Collectors.groupingBy(FleetReportingTests::customerOf,
						Collectors.summingLong(AcceptedRecord::quantity)));
			assertThat(accepted).isEqualTo(recorded);
			Map<List<Object>, Long> recordsPerCustomerHour = emulator.records()
				.stream()
				.collect(Collectors.groupingBy((record) -> List.of(customerOf(record), record.hour()),
						Collectors.counting()));
			assertThat(recordsPerCustomerHour.values()).containsOnly(1L);
			assertThat(recordsPerCustomerHour).hasSize(CUSTOMERS * 2);
			assertThat(reportedTotal(schema)).isEqualTo(recorded.values().stream().mapToLong(Long::longValue).sum());
		}
	}

	@Test
	void aFleetDeadLetterReplayedByAnOperatorOfAnyReplicaIsBilledOnceInTheOpenHour() throws Exception {
		MutableClock clock = new MutableClock(HOUR.plusSeconds(60));
		FleetSchema schema = database.newSchema();
		MarketplaceMeteringEmulator.Builder emulatorSettings = MarketplaceMeteringEmulator.builder()
			.clock(clock)
			.product(PRODUCT, Set.of("scans"))
			.license(license(0), account(0), PRODUCT);
		try (MarketplaceMeteringEmulator emulator = emulatorSettings.build().start();
				MarketplaceMeteringClient client = TestClients.licenseClient(emulator.endpoint())) {
			Replica leader = new Replica("replica-0", clock, schema, new MeteringGateway(client, PRODUCT));
			// one account in both shapes in one hour: its legacy usage is kept as a dead
			// letter
			leader.licenses.recordForCustomer("scans", 2, Map.of(),
					MarketplaceCustomer.license(account(0), license(0)));
			leader.legacy.recordForCustomer("scans", 5, Map.of(), MarketplaceCustomer.legacy(account(0)));
			leader.publisher.flush();
			clock.set(HOUR.plus(Duration.ofHours(1)).plus(GRACE));
			assertThat(leader.reporter.runOnce()).isTrue();
			UsageReport deadLetter = fleet(schema, clock).deadLetters().get(0);
			assertThat(deadLetter.quantity()).isEqualTo(5);

			// an operator on a replica that does not lead
			ReportSettler operator = ReportSettler.detached(fleet(schema, clock).outbox());
			operator.replay(deadLetter.id(), "alice");
			assertThatIllegalArgumentException().isThrownBy(() -> operator.replay(deadLetter.id(), "bob"))
				.withMessageContaining("names no open dead letter");
			assertThat(fleet(schema, clock).report(deadLetter.id()).state()).isEqualTo(ReportState.REPLAYED);
			assertThat(fleet(schema, clock).status().deadLetters()).isZero();
			clock.set(HOUR.plus(Duration.ofHours(2)).plus(GRACE));
			assertThat(leader.reporter.runOnce()).isTrue();
			clock.set(HOUR.plus(Duration.ofHours(3)).plus(GRACE));
			assertThat(leader.reporter.runOnce()).isTrue();

			assertThat(emulator.records())
				.extracting(AcceptedRecord::hour, FleetReportingTests::customerOf, AcceptedRecord::quantity)
				.containsExactlyInAnyOrder(tuple(HOUR, license(0), 2L),
						tuple(HOUR.plus(Duration.ofHours(1)), account(0), 5L));
			assertThat(emulator.mixedShapes()).isEmpty();
		}
	}

	private static long reportedTotal(FleetSchema schema) {
		return JdbcClient.create(database.dataSource())
			.sql("select coalesce(sum(quantity), 0) from " + schema.table("report") + " where state = ?")
			.param(ReportState.REPORTED.name())
			.query(Long.class)
			.single();
	}

	private static String customerOf(AcceptedRecord record) {
		return (record.licenseArn() != null) ? record.licenseArn() : record.customer();
	}

	private static FleetLedger fleet(FleetSchema schema, MutableClock clock) {
		return new FleetLedger(database.dataSource(), schema, clock, GRACE, PRODUCT);
	}

	private static String account(int customer) {
		return String.format("1000000000%02d", customer);
	}

	private static String license(int customer) {
		return "arn:aws:license-manager::" + account(customer) + ":license:l-" + customer;
	}

	private static final class Replica {

		final MeteringLedger ledger;

		final UsageCapture licenses;

		final UsageCapture legacy;

		final FleetPublisher publisher;

		final FleetLease lease;

		final FleetReporter reporter;

		Replica(String id, MutableClock clock, FleetSchema schema, MeteringGateway gateway) {
			this.ledger = MeteringLedger.inMemory(clock, PRODUCT, id);
			this.licenses = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE);
			this.legacy = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY);
			this.publisher = new FleetPublisher(this.ledger, this.ledger.outbox(), database.dataSource(), schema, id,
					id, clock, Duration.ofSeconds(5));
			FleetLedger fleet = new FleetLedger(database.dataSource(), schema, clock, GRACE, PRODUCT);
			Retry retry = Retry.of("marketplaceMetering",
					RetryConfig.custom()
						.maxAttempts(20)
						.intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
						.build());
			RateLimiter unlimited = RateLimiter.of("marketplaceMetering",
					RateLimiterConfig.custom()
						.limitForPeriod(Integer.MAX_VALUE)
						.limitRefreshPeriod(Duration.ofSeconds(1))
						.timeoutDuration(Duration.ZERO)
						.build());
			UsageReporter usageReporter = new UsageReporter(fleet.outbox(), gateway, retry, unlimited, clock,
					ReportingSettings.defaults());
			this.lease = new FleetLease(database.dataSource(), schema, clock, id, LEASE);
			this.reporter = new FleetReporter(this.lease, () -> usageReporter.report(false), Duration.ofSeconds(5));
		}

		void bill(Map<String, Long> recorded, long quantity) {
			for (int customer = 0; customer < CUSTOMERS; customer++) {
				if (customer < CUSTOMERS / 2) {
					this.licenses.recordForCustomer("scans", quantity, Map.of(),
							MarketplaceCustomer.license(account(customer), license(customer)));
					recorded.merge(license(customer), quantity, Long::sum);
				}
				else {
					this.legacy.recordForCustomer("scans", quantity, Map.of(),
							MarketplaceCustomer.legacy("customer-" + customer));
					recorded.merge("customer-" + customer, quantity, Long::sum);
				}
			}
		}

	}

}
