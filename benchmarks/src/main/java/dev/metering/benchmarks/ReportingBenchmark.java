package dev.metering.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.management.OperatingSystemMXBean;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.UsageKey;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.openjdk.jmh.annotations.AuxCounters;
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
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.util.Assert;
import org.springframework.util.FileSystemUtils;

/**
 * One hourly report of 30,000 SaaS records (10,000 customers x 3 dimensions) with
 * BatchMeterUsage, through the real SDK client over HTTP, against the in-process
 * emulator, with the rate limiter raised to 10,000 calls/s and the SDK's retries off.
 * Each iteration starts afresh: a new emulator, client, ledger and reporter, 30,000
 * usages recorded in hour 10:00 (not timed), then the clock moved to 11:01 and
 * {@code report(false)} timed once.
 * <p>
 * Secondary results: the process CPU time of the report (reporter, SDK client, emulator
 * threads, JIT and GC: everything in this JVM) and the CPU time of the reporting thread
 * alone (reporter and SDK client), in ms, and the HTTP requests sent. JMH sums these over
 * the measured iterations; each iteration also prints its own figures.
 * <p>
 * The forked JVM sets {@code sun.net.httpserver.nodelay=true}: the emulator runs on the
 * JDK's {@code HttpServer}, which otherwise leaves Nagle's algorithm on, and its
 * responses then wait for the client's delayed ACK (about 40 ms per call on Linux), which
 * would measure the emulator's socket settings instead of the reporter.
 *
 * @author metering-spring-boot
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "-Dsun.net.httpserver.nodelay=true" })
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@State(Scope.Thread)
public class ReportingBenchmark {

	static final String PRODUCT = "prod-benchmark";

	static final List<String> DIMENSIONS = List.of("scans", "pages", "bytes");

	static final int CUSTOMERS = 10_000;

	static final int RECORDS = CUSTOMERS * DIMENSIONS.size();

	static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final AtomicInteger requests = new AtomicInteger();

	private MutableClock clock;

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	/**
	 * Which ledger the usage sits in: {@code memory} or {@code file} (a temporary
	 * directory).
	 */
	@Param({ "memory", "file" })
	public String ledgerType;

	private Path ledgerDirectory;

	private MeteringLedger ledger;

	private UsageReporter reporter;

	private long expectedTotal;

	private long wallNanos;

	private long processCpuNanos;

	private long reporterThreadCpuNanos;

	@Setup(Level.Iteration)
	public void setUp() throws IOException {
		this.clock = new MutableClock(HOUR.plus(Duration.ofMinutes(30)));
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.product(PRODUCT, Set.copyOf(DIMENSIONS))
			.build()
			.start();
		this.requests.set(0);
		this.client = MarketplaceMeteringClient.builder()
			.endpointOverride(this.emulator.endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
			.overrideConfiguration((configuration) -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry())
				.apiCallTimeout(Duration.ofSeconds(10))
				.addExecutionInterceptor(new CountingInterceptor(this.requests)))
			.build();
		this.ledger = newLedger();
		MeteringGateway gateway = new MeteringGateway(this.client, PRODUCT);
		MeteringTemplate template = new MeteringTemplate(gateway,
				new UsageCapture(this.ledger, Set.copyOf(DIMENSIONS), SaasIntegration.LEGACY));
		this.reporter = new UsageReporter(this.ledger.outbox(), gateway, retry(), raisedRateLimiter(), this.clock,
				ReportingSettings.defaults());
		this.expectedTotal = 0;
		for (int customer = 0; customer < CUSTOMERS; customer++) {
			for (int dimension = 0; dimension < DIMENSIONS.size(); dimension++) {
				long quantity = 1 + (customer % 100) + dimension;
				template.record(DIMENSIONS.get(dimension), quantity, Map.of(), customerId(customer));
				this.expectedTotal += quantity;
			}
		}
		this.clock.set(HOUR.plus(Duration.ofMinutes(61)));
	}

	@Benchmark
	public Cycle report(Cpu cpu) {
		long processCpu = OS.getProcessCpuTime();
		long threadCpu = THREADS.getCurrentThreadCpuTime();
		long wall = System.nanoTime();
		Cycle cycle = this.reporter.report(false);
		this.wallNanos = System.nanoTime() - wall;
		this.reporterThreadCpuNanos = THREADS.getCurrentThreadCpuTime() - threadCpu;
		this.processCpuNanos = OS.getProcessCpuTime() - processCpu;
		cpu.reporterThreadCpuMs += this.reporterThreadCpuNanos / 1e6;
		cpu.processCpuMs += this.processCpuNanos / 1e6;
		cpu.httpRequests += this.requests.get();
		return cycle;
	}

	@TearDown(Level.Iteration)
	public void tearDown() throws Exception {
		List<AcceptedRecord> accepted = this.emulator.records();
		long total = accepted.stream().mapToLong(AcceptedRecord::quantity).sum();
		Assert.state(accepted.size() == RECORDS, () -> "The emulator accepted " + accepted.size() + " records, not "
				+ RECORDS + " (rejected: " + this.emulator.counters().rejected() + ")");
		Assert.state(total == this.expectedTotal,
				() -> "The emulator accepted a total of " + total + ", not " + this.expectedTotal);
		Assert.state(this.ledger.outbox().pending().isEmpty(), "Reports are still pending");
		double seconds = this.wallNanos / 1e9;
		System.out.printf(
				"%n  report: %d records in %d requests, %.0f ms wall, %.0f records/s, %.0f requests/s; "
						+ "CPU: process %.0f ms, reporting thread %.0f ms (%.1f us per record)%n",
				RECORDS, this.requests.get(), this.wallNanos / 1e6, RECORDS / seconds, this.requests.get() / seconds,
				this.processCpuNanos / 1e6, this.reporterThreadCpuNanos / 1e6,
				this.reporterThreadCpuNanos / 1e3 / RECORDS);
		this.reporter.stop();
		this.ledger.close();
		this.client.close();
		this.emulator.close();
		if (this.ledgerDirectory != null) {
			FileSystemUtils.deleteRecursively(this.ledgerDirectory);
		}
	}

	private MeteringLedger newLedger() throws IOException {
		if ("memory".equals(this.ledgerType)) {
			return MeteringLedger.inMemory(this.clock, PRODUCT, "seller");
		}
		this.ledgerDirectory = Files.createTempDirectory("metering-benchmark-ledger");
		return MeteringLedger.file(this.ledgerDirectory.resolve("ledger"))
			.clock(this.clock)
			.productCode(PRODUCT)
			.reportingIdentity("seller")
			.build();
	}

	static String customerId(int customer) {
		return String.format("customer-%05d", customer);
	}

	static Retry retry() {
		return Retry.of("marketplaceMetering",
				RetryConfig.custom()
					.maxAttempts(3)
					.intervalFunction(IntervalFunction.of(Duration.ofMillis(10)))
					.build());
	}

	/**
	 * Raised far above AWS's 10 BatchMeterUsage calls/s, so that it never waits.
	 */
	static RateLimiter raisedRateLimiter() {
		return RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(10_000)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ofSeconds(10))
					.build());
	}

	/**
	 * CPU time and requests of each report, as secondary results.
	 */
	@AuxCounters(AuxCounters.Type.EVENTS)
	@State(Scope.Thread)
	public static class Cpu {

		public double processCpuMs;

		public double reporterThreadCpuMs;

		public long httpRequests;

		@Setup(Level.Iteration)
		public void reset() {
			this.processCpuMs = 0;
			this.reporterThreadCpuMs = 0;
			this.httpRequests = 0;
		}

	}

	/**
	 * Counts the HTTP requests the SDK client transmits.
	 */
	static final class CountingInterceptor implements ExecutionInterceptor {

		private final AtomicInteger requests;

		CountingInterceptor(AtomicInteger requests) {
			this.requests = requests;
		}

		@Override
		public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
			this.requests.incrementAndGet();
		}

	}

}
