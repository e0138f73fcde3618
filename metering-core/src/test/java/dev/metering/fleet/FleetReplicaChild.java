package dev.metering.fleet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.MeteringGateway;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.MeteringLedger;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.TestClients;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A replica JVM of a fleet, which {@link FleetCrashTests} kills with {@code kill -9}: a
 * file ledger on its own directory, two recording threads billing the fleet's customers,
 * a publisher, and a fleet reporter taking the lease, all on one simulated clock that
 * every JVM of the test computes alike.
 * <p>
 * Arguments: emulator endpoint, JDBC URL, table prefix, ledger directory, simulated base
 * instant, real start millis, speed-up. Prints, each line ending in {@code " ."}:
 * {@code BEGIN thread customer quantity} and {@code ACK thread customer quantity} around
 * each record, {@code FLUSHED} after each publish, {@code REPORTING n} before a report of
 * {@code n} pending reports by the leader. The line {@code stop} on stdin stops the
 * recording; the end of stdin ends the JVM.
 */
public final class FleetReplicaChild {

	static final String PRODUCT = "prod-fleet";

	static final int CUSTOMERS = 50;

	static final int THREADS = 2;

	/** Simulated: longer than a flush (100 ms real, 36 s simulated) plus skew. */
	static final Duration GRACE = Duration.ofMinutes(2);

	/** Simulated: 1 s real. */
	static final Duration LEASE = Duration.ofMinutes(6);

	private static final PrintStream out = System.out;

	private static volatile boolean recording = true;

	private FleetReplicaChild() {
	}

	public static void main(String[] args) throws Exception {
		System.setOut(System.err);
		URI endpoint = URI.create(args[0]);
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL(args[1]);
		FleetSchema schema = new FleetSchema(args[2]);
		Path directory = Path.of(args[3]);
		Clock clock = new Simulated(Instant.parse(args[4]), Long.parseLong(args[5]), Long.parseLong(args[6]));
		String replicaId = ReplicaIds.of(directory);
		MeteringLedger ledger = MeteringLedger.file(directory)
			.clock(clock)
			.productCode(PRODUCT)
			.reportingIdentity(replicaId)
			.build();
		UsageCapture licenses = new UsageCapture(ledger, Set.of(), SaasIntegration.LICENSE);
		UsageCapture legacy = new UsageCapture(ledger, Set.of(), SaasIntegration.LEGACY);
		FleetPublisher publisher = new FleetPublisher(ledger, ledger.outbox(), dataSource, schema, replicaId, replicaId,
				clock, Duration.ofMillis(100));
		FleetLedger fleet = new FleetLedger(dataSource, schema, clock, GRACE, PRODUCT);
		MeteringGateway gateway = new MeteringGateway(TestClients.licenseClient(endpoint), PRODUCT);
		UsageReporter usageReporter = new UsageReporter(fleet.outbox(), gateway, retry(), unlimited(), clock,
				ReportingSettings.defaults());
		FleetReporter reporter = new FleetReporter(new FleetLease(dataSource, schema, clock, replicaId, LEASE), () -> {
			int pending = fleet.pending().size();
			if (pending > 0) {
				print("REPORTING " + pending);
			}
			usageReporter.report(false);
		}, Duration.ofMillis(100));
		for (int thread = 0; thread < THREADS; thread++) {
			int id = thread;
			Thread capture = new Thread(() -> record(licenses, legacy, id), "capture-" + id);
			capture.setDaemon(true);
			capture.start();
		}
		ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "fleet");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(() -> {
			try {
				// the local reporter's seal of ended hours, as in a replica
				ledger.outbox().seal(clock.instant().truncatedTo(ChronoUnit.HOURS));
				publisher.flush();
				print("FLUSHED");
			}
			catch (RuntimeException ex) {
				ex.printStackTrace();
			}
		}, 0, 100, TimeUnit.MILLISECONDS);
		scheduler.scheduleWithFixedDelay(() -> {
			try {
				reporter.runOnce();
			}
			catch (RuntimeException ex) {
				ex.printStackTrace();
			}
		}, 0, 100, TimeUnit.MILLISECONDS);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.equals("stop")) {
				recording = false;
			}
		}
		Runtime.getRuntime().halt(0);
	}

	private static void record(UsageCapture licenses, UsageCapture legacy, int thread) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (recording) {
			int customer = random.nextInt(CUSTOMERS);
			long quantity = random.nextInt(1, 11);
			print("BEGIN " + thread + " " + customer(customer) + " " + quantity);
			if (customer < CUSTOMERS / 2) {
				licenses.recordForCustomer("scans", quantity, Map.of(),
						MarketplaceCustomer.license(account(customer), license(customer)));
			}
			else {
				legacy.recordForCustomer("scans", quantity, Map.of(), MarketplaceCustomer.legacy(customer(customer)));
			}
			print("ACK " + thread + " " + customer(customer) + " " + quantity);
			LockSupport.parkNanos(2_000_000);
		}
		print("STOPPED " + thread);
	}

	/**
	 * How the emulator names a customer: the license ARN, or the legacy identifier.
	 */
	static String customer(int customer) {
		return (customer < CUSTOMERS / 2) ? license(customer) : "customer-" + customer;
	}

	static String account(int customer) {
		return String.format("2000000000%02d", customer);
	}

	static String license(int customer) {
		return "arn:aws:license-manager::" + account(customer) + ":license:l-" + customer;
	}

	private static Retry retry() {
		return Retry.of("marketplaceMetering", RetryConfig.custom()
			.maxAttempts(8)
			.intervalFunction(
					IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(5), 2, 0.5, Duration.ofMillis(100)))
			.build());
	}

	private static RateLimiter unlimited() {
		return RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(Integer.MAX_VALUE)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ZERO)
					.build());
	}

	private static void print(String line) {
		synchronized (out) {
			out.println(line + " .");
		}
	}

	/**
	 * The same simulated time in every JVM of the test: a base instant plus the real time
	 * since a shared start, sped up.
	 */
	static final class Simulated extends Clock {

		private final Instant base;

		private final long realStart;

		private final long speedUp;

		Simulated(Instant base, long realStart, long speedUp) {
			this.base = base;
			this.realStart = realStart;
			this.speedUp = speedUp;
		}

		@Override
		public Instant instant() {
			return this.base.plusMillis((System.currentTimeMillis() - this.realStart) * this.speedUp);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}
