package dev.metering.reporting;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.core.MeteringGateway;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every report run has a deadline, on an injected clock: a call takes {@link #CALL_TIME}
 * of it, and a backoff or a rate-limiter wait moves it on instead of sleeping. The retry
 * is the one the auto-configuration gives by default (5 attempts, backoff from 1 s
 * doubling up to 30 s), without jitter so that the counts are exact. Without deadlines a
 * stop against an AWS that throttles everything would take 12 calls × (5 attempts × 4 s +
 * 15 s of backoff) = 420 s.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReportingDeadlineTests {

	private static final Instant HOUR_10 = ReportingFixture.START;

	private static final Instant HOUR_11 = HOUR_10.plus(1, ChronoUnit.HOURS);

	private static final Duration CALL_TIME = Duration.ofSeconds(4);

	private static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(5);

	private static final int CUSTOMERS = 300;

	private final MutableClock clock = new MutableClock(HOUR_10.plus(Duration.ofMinutes(30)));

	private final AtomicInteger calls = new AtomicInteger();

	@TempDir
	Path directory;

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	private MeteringLedger ledger;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.product(ReportingFixture.PRODUCT, Set.of("scans"))
			.faults(Faults.none().seed(42))
			.build()
			.start();
		this.client = MarketplaceMeteringClient.builder()
			.endpointOverride(this.emulator.endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPOD1", "secret")))
			.overrideConfiguration((configuration) -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry())
				.apiCallTimeout(API_CALL_TIMEOUT)
				.addExecutionInterceptor(new CallTime()))
			.build();
		this.ledger = openLedger();
	}

	@AfterEach
	void close() throws Exception {
		this.ledger.close();
		this.client.close();
		this.emulator.close();
	}

	@Test
	void aStopDuringAnOutageKeepsItsDeadlineAndLeavesEveryReportPendingForTheNextStart(CapturedOutput output)
			throws Exception {
		long recorded = recordForEveryCustomer();
		UsageReporter reporter = reporter(unlimited());
		reporter.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> reporter.getStatistics().lastCycle() != null);
		this.emulator.faults().throttleRate(1.0);
		Instant stopping = this.clock.instant();
		reporter.stop();
		Duration stop = Duration.between(stopping, this.clock.instant());
		assertThat(stop).as("shutdown-timeout + api-call-timeout")
			.isLessThanOrEqualTo(ReportingSettings.defaults().shutdownTimeout().plus(API_CALL_TIMEOUT));
		assertThat(this.calls)
			.as("first batch at 0, 5, 11, 19 s (the next backoff ends past 30 s), second batch at 23, 28 s")
			.hasValue(6);
		assertThat(this.emulator.records()).isEmpty();
		assertThat(this.ledger.outbox().pending()).hasSize(CUSTOMERS);
		assertThat(this.ledger.view().reports()).extracting(UsageReport::state)
			.doesNotContain(ReportState.DEAD_LETTER, ReportState.REPORTED);
		assertThat(output).contains(CUSTOMERS + " usage reports are left pending in the ledger at shutdown")
			.contains("they go out after the next start");

		this.ledger.close();
		this.ledger = openLedger();
		this.emulator.faults().throttleRate(0);
		this.clock.advance(Duration.ofMinutes(1));
		UsageReporter restarted = reporter(unlimited());
		restarted.report(false);
		assertThat(this.ledger.outbox().pending()).isEmpty();
		assertThat(this.emulator.records()).hasSize(CUSTOMERS)
			.extracting(AcceptedRecord::customer)
			.doesNotHaveDuplicates();
		assertThat(this.emulator.records()).extracting(AcceptedRecord::hour).containsOnly(HOUR_10);
		assertThat(this.emulator.records().stream().mapToLong(AcceptedRecord::quantity).sum()).isEqualTo(recorded);
		assertThat(this.emulator.counters().rejected("DuplicateRecord")).isZero();
	}

	@Test
	void aScheduledRunDuringAFullOutageEndsWithinItsBudgetAndTheNextRunStartsOnTime() {
		long recorded = recordForEveryCustomer();
		this.ledger.record(UsageKey.of("scans"), 9);
		UsageReporter reporter = reporter(unlimited());
		this.emulator.faults().serverErrorRate(1.0);
		Instant started = HOUR_11.plusSeconds(60);
		this.clock.set(started);
		Instant nextRun = reporter.scheduledRun();
		Instant due = started.plus(ReportingSettings.defaults().retryInterval());
		assertThat(nextRun).as("the next run is due a retry interval after this one started").isEqualTo(due);
		assertThat(this.clock.instant()).as("the run ended within its budget, plus the call in flight")
			.isBeforeOrEqualTo(due.plus(API_CALL_TIMEOUT));
		assertThat(this.ledger.outbox().pending()).hasSize(CUSTOMERS + 1);
		assertThat(reporter.getStatistics().count(ReportState.DEAD_LETTER)).isZero();

		this.emulator.faults().serverErrorRate(0);
		reporter.scheduledRun();
		assertThat(this.ledger.outbox().pending()).isEmpty();
		assertThat(this.emulator.records()).hasSize(CUSTOMERS + 1);
		assertThat(this.emulator.records().stream().mapToLong(AcceptedRecord::quantity).sum()).isEqualTo(recorded + 9);
	}

	@Test
	void noReportIsRetriedBeyondItsAcceptanceWindow() {
		this.ledger.record(UsageKey.of("scans"), 5);
		UsageReporter reporter = reporter(unlimited());
		this.emulator.faults().throttleRate(1.0);
		this.clock.set(HOUR_11.plusSeconds(60));
		reporter.report(false);
		assertThat(this.ledger.outbox().pending()).extracting(UsageReport::state).containsExactly(ReportState.SENDING);
		Instant windowEnd = HOUR_10.plus(ReportingSettings.AWS_ACCEPTANCE_WINDOW);
		this.clock.set(windowEnd.minusSeconds(10));
		int callsBefore = this.calls.get();
		reporter.report(false);
		assertThat(this.calls.get() - callsBefore).as("attempts at -10 s and -5 s; the next would start past 16:00")
			.isEqualTo(2);
		assertThat(this.clock.instant()).isBeforeOrEqualTo(windowEnd.plus(API_CALL_TIMEOUT));
		assertThat(this.ledger.outbox().pending()).hasSize(1);

		this.emulator.faults().throttleRate(0);
		this.clock.set(windowEnd.plusSeconds(30));
		reporter.report(false);
		assertThat(this.emulator.counters().rejected("TimestampOutOfBoundsException"))
			.as("resent once after its window, for AWS to settle it")
			.isOne();
		assertThat(this.ledger.outbox().pending()).isEmpty();
		assertThat(this.ledger.view().openUsage()).singleElement()
			.satisfies((open) -> assertThat(open.quantity()).isEqualTo(5));
	}

	@Test
	void aRateLimiterWaitLongerThanTheDeadlineIsNotWaited() {
		this.ledger.record(UsageKey.of("scans"), 5);
		this.ledger.record(UsageKey.of("scans", "customer-1", Map.of()), 6);
		RateLimiter onePermitAnHour = RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(1)
					.limitRefreshPeriod(Duration.ofHours(1))
					.timeoutDuration(Duration.ofHours(2))
					.build());
		UsageReporter reporter = reporter(onePermitAnHour);
		Instant started = HOUR_11.plusSeconds(60);
		this.clock.set(started);
		reporter.report(false);
		assertThat(this.calls).hasValue(1);
		assertThat(this.emulator.records()).hasSize(1);
		assertThat(this.ledger.outbox().pending()).hasSize(1);
		assertThat(this.clock.instant()).as("no wait for a permit due past the deadline")
			.isEqualTo(started.plus(CALL_TIME));
	}

	@Test
	void stopWakesTheScheduledRunFromItsBackoffWithoutInterruptingIt() throws Exception {
		this.ledger.record(UsageKey.of("scans"), 5);
		this.clock.set(HOUR_11.plusSeconds(60));
		this.emulator.faults().throttleRate(1.0);
		ReportingSettings defaults = ReportingSettings.defaults();
		ReportingSettings hourlyRetries = new ReportingSettings(defaults.offset(), Duration.ofHours(1), true,
				defaults.expiredUsage(), defaults.acceptanceWindow(), defaults.lastSendMargin(),
				defaults.shutdownTimeout(), Duration.ZERO);
		Retry halfHourBackoff = Retry.of("marketplaceMetering",
				RetryConfig.custom().maxAttempts(5).waitDuration(Duration.ofMinutes(30)).build());
		List<Boolean> interrupted = new CopyOnWriteArrayList<>();
		CountDownLatch waiting = new CountDownLatch(1);
		Pause realTime = (duration, deadline) -> {
			waiting.countDown();
			try {
				Pause.REAL_TIME.pause(duration, deadline);
			}
			finally {
				interrupted.add(Thread.currentThread().isInterrupted());
			}
		};
		UsageReporter reporter = new UsageReporter(this.ledger.outbox(), gateway(), halfHourBackoff, unlimited(),
				this.clock, hourlyRetries, realTime, new Random(1));
		reporter.start();
		assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the scheduled run waits for its backoff").isTrue();
		long stopping = System.nanoTime();
		reporter.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the scheduled run was woken from its backoff")
			.isLessThan(Duration.ofSeconds(10));
		assertThat(interrupted).as("the scheduled run waited once and was never interrupted").containsExactly(false);
		assertThat(this.ledger.outbox().pending()).hasSize(1);
	}

	private long recordForEveryCustomer() {
		long recorded = 0;
		for (int customer = 0; customer < CUSTOMERS; customer++) {
			this.ledger.record(UsageKey.of("scans", "customer-" + customer, Map.of()), customer + 1);
			recorded += customer + 1;
		}
		return recorded;
	}

	private MeteringGateway gateway() {
		return new MeteringGateway(this.client, ReportingFixture.PRODUCT);
	}

	private UsageReporter reporter(RateLimiter rateLimiter) {
		Retry retry = Retry.of("marketplaceMetering",
				RetryConfig.custom()
					.maxAttempts(5)
					.intervalFunction(
							IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30)))
					.build());
		return new UsageReporter(this.ledger.outbox(), gateway(), retry, rateLimiter, this.clock,
				ReportingSettings.defaults(), (duration, deadline) -> this.clock.advance(duration), new Random(1));
	}

	private static RateLimiter unlimited() {
		return ReportingFixture.unlimited();
	}

	private MeteringLedger openLedger() {
		return MeteringLedger.file(this.directory)
			.clock(this.clock)
			.productCode(ReportingFixture.PRODUCT)
			.reportingIdentity("pod-1")
			.build();
	}

	/**
	 * Each call to AWS takes {@link #CALL_TIME} of the injected clock.
	 */
	private final class CallTime implements ExecutionInterceptor {

		@Override
		public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
			ReportingDeadlineTests.this.calls.incrementAndGet();
			ReportingDeadlineTests.this.clock.advance(CALL_TIME);
		}

	}

}
