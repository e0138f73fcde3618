package dev.metering.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.metering.actuate.MeteringEndpoint;
import dev.metering.actuate.MeteringHealthIndicator;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.fleet.DatabaseClock;
import dev.metering.fleet.FleetLease;
import dev.metering.fleet.FleetLedger;
import dev.metering.fleet.FleetMonitor;
import dev.metering.fleet.FleetPublisher;
import dev.metering.fleet.FleetReporter;
import dev.metering.fleet.FleetSchema;
import dev.metering.fleet.FleetStatus;
import dev.metering.fleet.ReplicaIds;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link MeteringFleetAutoConfiguration}, against a real PostgreSQL.
 */
class MeteringFleetAutoConfigurationTests {

	private static final AtomicInteger prefixes = new AtomicInteger();

	private static EmbeddedPostgres postgres;

	@TempDir
	Path directory;

	private final String prefix = "a" + prefixes.incrementAndGet() + "_metering_";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(
				(context) -> new MeteringResilienceDefaults().postProcessEnvironment(context.getEnvironment(), null))
		.withConfiguration(BootLine.RESILIENCE)
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
				MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class,
				MeteringFleetAutoConfiguration.class, MeteringReportingAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.product-type=saas",
				"aws.marketplace.metering.ledger.type=jdbc");

	@BeforeAll
	static void startDatabase() throws IOException {
		postgres = EmbeddedPostgres.builder().start();
	}

	@AfterAll
	static void stopDatabase() throws IOException {
		postgres.close();
	}

	@Test
	void aFleetReplicaPublishesToTheApplicationsDataSourceAndReportsOnlyItsOwnUsageLocally() {
		fleet().withBean(DataSource.class, postgres::getPostgresDatabase).run((context) -> {
			assertThat(context).hasSingleBean(FleetLedger.class)
				.hasSingleBean(FleetPublisher.class)
				.hasSingleBean(FleetReporter.class)
				.hasSingleBean(FleetMonitor.class)
				.hasSingleBean(UsageReporter.class);
			assertThat(new FleetSchema(this.prefix).missingTables(postgres.getPostgresDatabase())).isEmpty();
			UsageLedger ledger = context.getBean(UsageLedger.class);
			ledger.record(UsageKey.of("scans", "cust-1", java.util.Map.of()), 3);
			assertThat(context.getBean(FleetPublisher.class).flush()).isEqualTo(1);
			assertThat(contributions(this.prefix)).isEqualTo(3);
			assertThat(context.getBean(FleetPublisher.class).getReplicaId())
				.isEqualTo(ReplicaIds.of(this.directory.resolve("ledger")));
		});
	}

	@Test
	void theLocalReporterSendsOnlyTheReplicasOwnUsage() {
		fleet().withConfiguration(AutoConfigurations.of(MeteringEmulatorAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.emulator.enabled=true",
					"aws.marketplace.metering.saas.integration=legacy", "aws.marketplace.metering.dimensions=scans")
			.withBean(DataSource.class, postgres::getPostgresDatabase)
			.run((context) -> {
				UsageLedger ledger = context.getBean(UsageLedger.class);
				ledger.record(UsageKey.of("scans"), 2);
				ledger.record(UsageKey.of("scans", "cust-1", java.util.Map.of()), 3);

				context.getBean(UsageReporter.class).report(true);

				assertThat(context.getBean(MarketplaceMeteringEmulator.class).records())
					.extracting(AcceptedRecord::operation, AcceptedRecord::quantity)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("MeterUsage", 2L));
				context.getBean(FleetPublisher.class).flush();
				assertThat(contributions(this.prefix)).isEqualTo(3);
			});
	}

	@Test
	void anOperatorOfAReplicaThatDoesNotLeadAcknowledgesAFleetDeadLetterThroughTheEndpoint() {
		DataSource database = postgres.getPostgresDatabase();
		FleetSchema schema = new FleetSchema(this.prefix);
		schema.create(database);
		assertThat(new FleetLease(database, schema, new DatabaseClock(database), "another-replica", Duration.ofHours(1))
			.acquire()).isTrue();
		fleet()
			.withConfiguration(AutoConfigurations.of(MeteringEmulatorAutoConfiguration.class,
					MeteringEndpointAutoConfiguration.class, MeteringHealthContributorAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.emulator.enabled=true",
					"management.endpoints.web.exposure.include=metering")
			.withBean(DataSource.class, () -> database)
			.run((context) -> {
				// an account billed in both shapes in one hour: its legacy usage is kept
				// as
				// a dead letter
				Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
				contribute(hour, "111122223333", "arn:aws:license-manager::111122223333:license:l-1", 2);
				contribute(hour, "111122223333", "", 5);
				FleetLedger fleet = context.getBean(FleetLedger.class);
				fleet.seal(Instant.now());
				MeteringEndpoint endpoint = context.getBean(MeteringEndpoint.class);
				MeteringHealthIndicator health = context.getBean(MeteringHealthIndicator.class);
				FleetStatus.DeadLetter deadLetter = endpoint.metering(null, null, null, null, null)
					.fleet()
					.oldestDeadLetters()
					.get(0);
				assertThat(deadLetter.quantity()).isEqualTo(5);
				assertThat(fleetHealth(health)).containsEntry("deadLetters", 1);

				MeteringEndpoint.DeadLetterDecision decision = endpoint.deadLetter(deadLetter.id(), "acknowledge",
						principal("alice"));

				assertThat(context.getBean(FleetReporter.class).isLeading()).isFalse();
				assertThat(decision.report().state()).isEqualTo("ACKNOWLEDGED");
				assertThat(decision.report().reason()).endsWith("; acknowledged by alice");
				FleetStatus view = endpoint.metering(null, null, null, null, null).fleet();
				assertThat(view.deadLetters()).isZero();
				assertThat(view.oldestDeadLetters()).isEmpty();
				assertThat(fleetHealth(health)).containsEntry("deadLetters", 0);
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.deadLetter(deadLetter.id(), "replay", principal("bob")))
					.withMessageContaining("names no open dead letter");
			});
	}

	@Test
	void aMeteringDataSourceKeepsMeteringInItsOwnDatabase() {
		fleet().withUserConfiguration(TwoDataSources.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(new FleetSchema(this.prefix).missingTables(postgres.getPostgresDatabase())).isEmpty();
		});
	}

	@Test
	void theDefaultInitializationLeavesPostgresAloneAndNamesTheProperty() {
		fleet().withPropertyValues("aws.marketplace.metering.ledger.jdbc.initialize-schema=embedded")
			.withBean(DataSource.class, postgres::getPostgresDatabase)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidMeteringConfigurationException.class)
				.hasMessageContaining("aws.marketplace.metering.ledger.jdbc.initialize-schema is embedded")
				.hasMessageContaining("set it to always"));
	}

	@Test
	void aGracePeriodNotLongerThanTheFlushIntervalIsRefused() {
		fleet().withPropertyValues("aws.marketplace.metering.ledger.jdbc.grace-period=5s")
			.withBean(DataSource.class, postgres::getPostgresDatabase)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("aws.marketplace.metering.ledger.jdbc.grace-period is PT5S, but must be longer "
						+ "than aws.marketplace.metering.ledger.jdbc.flush-interval (PT5S)"));
	}

	@Test
	void aBadTablePrefixIsRefused() {
		fleet().withPropertyValues("aws.marketplace.metering.ledger.jdbc.table-prefix=drop table;")
			.withBean(DataSource.class, postgres::getPostgresDatabase)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("aws.marketplace.metering.ledger.jdbc.table-prefix is \"drop table;\""));
	}

	@Test
	void withoutADataSourceTheStartupFailsNamingTheProperty() {
		fleet().run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("there is no DataSource: configure spring.datasource.*"));
	}

	@Test
	void withoutSpringJdbcThereIsNoFleet() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JdbcClient.class))
			.withPropertyValues("aws.marketplace.metering.ledger.type=file",
					"aws.marketplace.metering.ledger.directory=" + this.directory.resolve("ledger"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FleetLedger.class));
	}

	@Test
	void otherLedgerTypesHaveNoFleet() throws IOException {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.ledger.type=memory")
			.withBean(DataSource.class, postgres::getPostgresDatabase)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FleetLedger.class));
		assertThat(Files.exists(this.directory.resolve("ledger"))).isFalse();
	}

	private ApplicationContextRunner fleet() {
		return this.contextRunner.withPropertyValues(
				"aws.marketplace.metering.ledger.directory=" + this.directory.resolve("ledger"),
				"aws.marketplace.metering.ledger.jdbc.initialize-schema=always",
				"aws.marketplace.metering.ledger.jdbc.table-prefix=" + this.prefix);
	}

	private void contribute(Instant hour, String customer, String license, long quantity) {
		JdbcClient.create(postgres.getPostgresDatabase())
			.sql("insert into " + this.prefix + "contribution"
					+ " (replica_id, hour, dimension, customer, license, quantity) values ('another-replica', ?, "
					+ "'scans', ?, ?, ?)")
			.params(Timestamp.from(hour), customer, license, quantity)
			.update();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> fleetHealth(MeteringHealthIndicator health) {
		return (Map<String, Object>) health.health().getDetails().get("fleet");
	}

	private static SecurityContext principal(String name) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> name;
			}

			@Override
			public boolean isUserInRole(String role) {
				return false;
			}

		};
	}

	private static long contributions(String prefix) {
		return JdbcClient.create(postgres.getPostgresDatabase())
			.sql("select coalesce(sum(quantity), 0) from " + prefix + "contribution")
			.query(Long.class)
			.single();
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSources {

		@Bean
		@Primary
		DataSource applicationDataSource() {
			return mock(DataSource.class);
		}

		@Bean
		@MeteringDataSource
		DataSource meteringDataSource() {
			return postgres.getPostgresDatabase();
		}

	}

}
