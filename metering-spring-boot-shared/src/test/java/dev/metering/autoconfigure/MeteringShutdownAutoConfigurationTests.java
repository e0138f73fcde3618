package dev.metering.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.metering.annotation.MeteredUsage;
import dev.metering.core.MeteringGateway;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.MutableClock;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MeteringShutdownAutoConfiguration}: at a graceful shutdown, the final
 * report waits for the {@code @Async} work the application waits for, and usage recorded
 * after it is logged and reported after the next start.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeteringShutdownAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** The hour the first run records in: well inside the emulator's 6 h window. */
	private final Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));

	private final MutableClock clock = new MutableClock(this.hour.plus(Duration.ofMinutes(30)));

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner().withConfiguration(BootLine.RESILIENCE)
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
					LifecycleAutoConfiguration.class, TaskExecutionAutoConfiguration.class, AopAutoConfiguration.class,
					MeteringAutoConfiguration.class, MeteringEmulatorAutoConfiguration.class,
					MeteringLedgerAutoConfiguration.class, MeteredUsageAutoConfiguration.class,
					MeteringReportingAutoConfiguration.class, MeteringShutdownAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
					"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.emulator.enabled=true",
					"aws.marketplace.metering.dimensions=scans")
			.withBean(MutableClock.class, () -> this.clock)
			.withBean(Path.class, () -> this.directory)
			.withUserConfiguration(ClockedReporting.class, AsyncScans.class);
	}

	@Test
	void drainStopsAfterTheWebServerAndBeforeTheFinalReport() {
		// the web server shuts down gracefully in phase DEFAULT_PHASE - 1024 and stops in
		// DEFAULT_PHASE - 2048, on both Boot lines
		assertThat(TaskExecutorDrain.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048)
			.isGreaterThan(UsageReporter.PHASE);
	}

	@Test
	void drainIsOnlyThereWhenTheApplicationAwaitsItsTasks() {
		this.contextRunner().run((context) -> {
			awaitFirstRun(context);
			assertThat(context).doesNotHaveBean(TaskExecutorDrain.class);
		});
		this.contextRunner()
			.withPropertyValues("spring.task.execution.shutdown.await-termination=true")
			.run((context) -> {
				awaitFirstRun(context);
				assertThat(context).hasSingleBean(TaskExecutorDrain.class);
			});
	}

	@Test
	void stoppingTheContextWithoutClosingItLeavesTheExecutorRunning() {
		this.contextRunner()
			.withPropertyValues("spring.task.execution.shutdown.await-termination=true")
			.run((context) -> {
				awaitFirstRun(context);
				context.stop();
				assertThat(context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class)
					.getThreadPoolExecutor()
					.isShutdown()).isFalse();
			});
	}

	@Test
	void unreportedUsageOfTheInMemoryLedgerIsLoggedAsLost(CapturedOutput output) throws Exception {
		MeteringLedger ledger = MeteringLedger.inMemory(this.clock, "prod-abc123", "shutdown-test");
		ledger.record(UsageKey.of("scans"), 5);
		new LateUsageWarning(ledger, true).destroy();
		assertThat(output).contains(
				"WARN " + LateUsageWarning.class.getName() + " -- 5 units of usage are not reported and are lost");
	}

	@Test
	void currentHourKeptWithoutReportOnShutdownIsLoggedAtInfo(CapturedOutput output) throws Exception {
		try (MeteringLedger ledger = MeteringLedger.file(this.directory.resolve("ledger"))
			.clock(this.clock)
			.productCode("prod-abc123")
			.reportingIdentity("shutdown-test")
			.build()) {
			ledger.record(UsageKey.of("scans"), 7);
			new LateUsageWarning(ledger, false).destroy();
		}
		assertThat(output).contains("INFO " + LateUsageWarning.class.getName()
				+ " -- 7 units of usage of the current hour or later stay in the ledger and are reported after the "
				+ "next start (aws.marketplace.metering.report-on-shutdown=false)");
	}

	@Test
	void asyncUsageAwaitedAtShutdownIsInTheFinalReport(CapturedOutput output) {
		MarketplaceMeteringEmulator[] emulator = new MarketplaceMeteringEmulator[1];
		this.contextRunner()
			.withPropertyValues("spring.task.execution.shutdown.await-termination=true")
			.run((context) -> {
				awaitFirstRun(context);
				emulator[0] = context.getBean(MarketplaceMeteringEmulator.class);
				ThreadPoolExecutor pool = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class)
					.getThreadPoolExecutor();
				AsyncScans scans = context.getBean(AsyncScans.class);
				// runs until the executor is shut down: without the drain, after the
				// final
				// report
				scans.scan(18, () -> await().atMost(WAIT).until(pool::isShutdown));
				assertThat(scans.awaitStarted()).isTrue();
			});
		assertThat(emulator[0].records())
			.extracting(AcceptedRecord::dimension, AcceptedRecord::hour, AcceptedRecord::quantity)
			.containsExactly(tuple("scans", this.hour, 18L));
		assertThat(output).doesNotContain("recorded after the final report");
	}

	@Test
	void usageRecordedAfterTheFinalReportIsLoggedAndReportedAfterARestart(CapturedOutput output) {
		MarketplaceMeteringEmulator[] emulator = new MarketplaceMeteringEmulator[1];
		this.contextRunner()
			// the executor stops first and waits for its running task, for this long
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=500ms")
			.withUserConfiguration(AfterFinalReport.class)
			.run((context) -> {
				awaitFirstRun(context);
				emulator[0] = context.getBean(MarketplaceMeteringEmulator.class);
				AsyncScans scans = context.getBean(AsyncScans.class);
				AfterFinalReport afterFinalReport = context.getBean(AfterFinalReport.class);
				scans.scan(18, () -> afterFinalReport.reached.await(WAIT.toSeconds(), TimeUnit.SECONDS));
				assertThat(scans.awaitStarted()).isTrue();
			});
		assertThat(emulator[0].records()).isEmpty();
		assertThat(output).contains("WARN " + LateUsageWarning.class.getName()
				+ " -- 18 units of usage were recorded after the final report; they stay in the ledger "
				+ "and are reported after the next start");

		this.clock.set(this.hour.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(5)));
		this.contextRunner().run((context) -> {
			awaitFirstRun(context);
			emulator[0] = context.getBean(MarketplaceMeteringEmulator.class);
		});
		assertThat(emulator[0].records())
			.extracting(AcceptedRecord::dimension, AcceptedRecord::hour, AcceptedRecord::quantity)
			.containsExactly(tuple("scans", this.hour.plus(Duration.ofHours(1)), 18L));
	}

	/**
	 * Wait for the reporter's run at startup, so that closing the context does not cut it
	 * short.
	 */
	private static void awaitFirstRun(ApplicationContext context) {
		UsageReporter reporter = context.getBean(UsageReporter.class);
		await().atMost(WAIT).until(() -> reporter.getStatistics().lastCycle() != null);
	}

	static long openUnits(UsageLedger ledger) {
		return ledger.view().openUsage().stream().mapToLong(LedgerView.OpenUsage::quantity).sum();
	}

	/**
	 * The file ledger and the reporter on the test's clock.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ClockedReporting {

		@Bean(destroyMethod = "close")
		MeteringLedger usageLedger(MutableClock clock, Path directory) {
			return MeteringLedger.file(directory.resolve("ledger"))
				.clock(clock)
				.productCode("prod-abc123")
				.reportingIdentity("shutdown-test")
				.build();
		}

		@Bean
		UsageReporter usageReporter(ReportOutbox outbox, MeteringGateway metering, RetryRegistry retries,
				RateLimiterRegistry rateLimiters, MutableClock clock) {
			return new UsageReporter(outbox, metering, retries.retry(MeteringResilienceDefaults.INSTANCE),
					rateLimiters.rateLimiter(MeteringResilienceDefaults.INSTANCE), clock, ReportingSettings.defaults());
		}

	}

	/**
	 * Async metered work.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncScans {

		private final CountDownLatch started = new CountDownLatch(1);

		// through the proxy, on the target
		public boolean awaitStarted() throws InterruptedException {
			return this.started.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

		@Async
		@MeteredUsage(dimension = "scans", quantity = "#p0")
		public void scan(int scans, Interruptible work) throws InterruptedException {
			this.started.countDown();
			work.run();
		}

	}

	interface Interruptible {

		void run() throws InterruptedException;

	}

	/**
	 * Stops right after the reporter's final report: lets the task finish, and waits
	 * until its usage is in the ledger, before the ledger closes.
	 */
	@Configuration(proxyBeanMethods = false)
	static class AfterFinalReport implements SmartLifecycle {

		final CountDownLatch reached = new CountDownLatch(1);

		private final UsageLedger ledger;

		private volatile boolean running;

		AfterFinalReport(UsageLedger ledger) {
			this.ledger = ledger;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.reached.countDown();
			await().atMost(WAIT).until(() -> openUnits(this.ledger) == 18);
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return UsageReporter.PHASE - 1;
		}

	}

}
