package dev.metering.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import dev.metering.core.MeteringGateway;
import dev.metering.fleet.DatabaseClock;
import dev.metering.fleet.FleetLease;
import dev.metering.fleet.FleetLedger;
import dev.metering.fleet.FleetMonitor;
import dev.metering.fleet.FleetPublisher;
import dev.metering.fleet.FleetReporter;
import dev.metering.fleet.FleetSchema;
import dev.metering.fleet.ReplicaIds;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Auto-configuration of fleet mode ({@code aws.marketplace.metering.ledger.type=jdbc}):
 * each replica keeps its file ledger and publishes its customers' usage to a shared
 * ledger on PostgreSQL, whose one leader reports it. The shared ledger uses the
 * {@link MeteringDataSource @MeteringDataSource} {@code DataSource} if there is one, else
 * the application's.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class },
		before = MeteringReportingAutoConfiguration.class,
		afterName = { "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterAutoConfiguration" })
@ConditionalOnClass(JdbcClient.class)
@ConditionalOnProperty(prefix = "aws.marketplace.metering.ledger", name = "type", havingValue = "jdbc")
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringFleetAutoConfiguration {

	static final String JDBC = "aws.marketplace.metering.ledger.jdbc.";

	private static final Set<String> EMBEDDED_DATABASES = Set.of("H2", "HSQL Database Engine", "Apache Derby");

	@Bean
	@ConditionalOnMissingBean
	FleetLedger meteringFleetLedger(@MeteringDataSource ObjectProvider<DataSource> meteringDataSource,
			ObjectProvider<DataSource> dataSource, MeteringProperties properties) {
		MeteringProperties.Ledger.Jdbc jdbc = properties.getLedger().getJdbc();
		validate(jdbc);
		DataSource database = meteringDataSource.getIfAvailable(dataSource::getIfUnique);
		if (database == null) {
			throw new InvalidMeteringConfigurationException("aws.marketplace.metering.ledger.type",
					"aws.marketplace.metering.ledger.type is jdbc, but there is no DataSource: configure "
							+ "spring.datasource.* or define a @MeteringDataSource DataSource bean");
		}
		FleetSchema schema = schema(jdbc.getTablePrefix());
		initialize(schema, database, jdbc.getInitializeSchema());
		return new FleetLedger(database, schema, new DatabaseClock(database), jdbc.getGracePeriod(),
				properties.getProductCode());
	}

	@Bean
	@ConditionalOnMissingBean
	FleetPublisher meteringFleetPublisher(UsageLedger ledger, ReportOutbox outbox, FleetLedger fleet,
			MeteringProperties properties) {
		MeteringProperties.Ledger settings = properties.getLedger();
		return new FleetPublisher(ledger, outbox, fleet.getDataSource(), fleet.getSchema(),
				ReplicaIds.of(settings.getDirectory()), MeteringLedgerAutoConfiguration.reportingIdentity(properties),
				Clock.systemUTC(), settings.getJdbc().getFlushInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	FleetMonitor meteringFleetMonitor(FleetLedger fleet, FleetPublisher publisher, MeteringProperties properties) {
		MeteringProperties.Ledger.Jdbc jdbc = properties.getLedger().getJdbc();
		return new FleetMonitor(fleet, publisher, jdbc.getFlushInterval(), jdbc.getLeaseDuration(),
				properties.getHealth().getExpiryWarning(), Clock.systemUTC());
	}

	private static void validate(MeteringProperties.Ledger.Jdbc jdbc) {
		requirePositive("flush-interval", jdbc.getFlushInterval());
		requirePositive("lease-duration", jdbc.getLeaseDuration());
		if (jdbc.getGracePeriod() == null || jdbc.getGracePeriod().compareTo(jdbc.getFlushInterval()) <= 0) {
			throw new InvalidMeteringConfigurationException(JDBC + "grace-period",
					JDBC + "grace-period is " + jdbc.getGracePeriod() + ", but must be longer than " + JDBC
							+ "flush-interval (" + jdbc.getFlushInterval() + ") plus the replicas' clock skew, so "
							+ "that an hour closes after every replica published it");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidMeteringConfigurationException(JDBC + name,
					JDBC + name + " is " + value + ", but must be positive");
		}
	}

	private static FleetSchema schema(String prefix) {
		try {
			return new FleetSchema(prefix);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidMeteringConfigurationException(JDBC + "table-prefix",
					JDBC + "table-prefix is \"" + prefix + "\", but must be 1 to 40 lower-case letters, digits or "
							+ "underscores, starting with a letter or an underscore");
		}
	}

	private static void initialize(FleetSchema schema, DataSource database, MeteringProperties.InitializeSchema mode) {
		if (mode == MeteringProperties.InitializeSchema.ALWAYS
				|| (mode == MeteringProperties.InitializeSchema.EMBEDDED && isEmbedded(database))) {
			schema.create(database);
		}
		List<String> missing = schema.missingTables(database);
		if (!missing.isEmpty()) {
			throw new InvalidMeteringConfigurationException(JDBC + "initialize-schema",
					"The shared ledger's tables " + missing + " do not exist and " + JDBC + "initialize-schema is "
							+ mode.name().toLowerCase() + ": set it to always, or apply " + FleetSchema.LOCATION
							+ " (from metering-core) with the table prefix " + schema.prefix());
		}
	}

	private static boolean isEmbedded(DataSource database) {
		Connection connection = DataSourceUtils.getConnection(database);
		try {
			return EMBEDDED_DATABASES.contains(connection.getMetaData().getDatabaseProductName());
		}
		catch (SQLException ex) {
			return false;
		}
		finally {
			DataSourceUtils.releaseConnection(connection, database);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RetryRegistry.class, RateLimiterRegistry.class })
	@ConditionalOnBean({ MeteringGateway.class, RetryRegistry.class, RateLimiterRegistry.class })
	@ConditionalOnProperty(prefix = "aws.marketplace.metering.reporting", name = "enabled", matchIfMissing = true)
	static class FleetReportingConfiguration {

		/**
		 * The fleet's reporter: it runs the usual reporter over the shared ledger, under
		 * the same {@code marketplaceMetering} rate limiter and retry, while this replica
		 * holds the lease.
		 */
		@Bean
		@ConditionalOnMissingBean
		FleetReporter meteringFleetReporter(FleetLedger fleet, FleetPublisher publisher, MeteringGateway metering,
				RetryRegistry retries, RateLimiterRegistry rateLimiters, MeteringProperties properties) {
			ReportingSettings own = MeteringReportingAutoConfiguration.settings(properties);
			ReportingSettings settings = new ReportingSettings(own.offset(), own.retryInterval(), false,
					own.expiredUsage(), own.acceptanceWindow(), own.lastSendMargin(), own.shutdownTimeout(),
					Duration.ZERO);
			UsageReporter reporter = new UsageReporter(fleet.outbox(), metering,
					retries.retry(MeteringResilienceDefaults.INSTANCE),
					rateLimiters.rateLimiter(MeteringResilienceDefaults.INSTANCE), Clock.systemUTC(), settings);
			MeteringProperties.Ledger.Jdbc jdbc = properties.getLedger().getJdbc();
			FleetLease lease = new FleetLease(fleet.getDataSource(), fleet.getSchema(), fleet.getDatabaseClock(),
					publisher.getReplicaId(), jdbc.getLeaseDuration());
			return new FleetReporter(lease, () -> reporter.report(false), jdbc.getFlushInterval());
		}

	}

}
