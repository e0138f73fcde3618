package dev.metering.autoconfigure;

import java.time.Duration;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOperations;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link MeteringReportingAutoConfiguration} and
 * {@link MeteringResilienceDefaults}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeteringReportingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(
				(context) -> new MeteringResilienceDefaults().postProcessEnvironment(context.getEnvironment(), null))
		.withConfiguration(BootLine.RESILIENCE)
		.withConfiguration(
				AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, MeteringAutoConfiguration.class,
						MeteringLedgerAutoConfiguration.class, MeteringReportingAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.ledger.type=memory");

	@Test
	void createsTheReporterWithTheMarketplaceMeteringDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(UsageReporter.class);
			RetryConfig retry = context.getBean(RetryRegistry.class).retry("marketplaceMetering").getRetryConfig();
			assertThat(retry.getMaxAttempts()).isEqualTo(5);
			long first = retry.getIntervalBiFunction().apply(1, null);
			long third = retry.getIntervalBiFunction().apply(3, null);
			assertThat(first).as("1 s with 50% jitter").isBetween(500L, 1500L);
			assertThat(third).as("exponential: 4 s with 50% jitter").isBetween(2000L, 6000L);
			RateLimiterConfig limiter = context.getBean(RateLimiterRegistry.class)
				.rateLimiter("marketplaceMetering")
				.getRateLimiterConfig();
			assertThat(limiter.getLimitForPeriod()).isEqualTo(5);
			assertThat(limiter.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
		});
	}

	@Test
	void standardResilience4jPropertiesOverrideSingleDefaults() {
		this.contextRunner
			.withPropertyValues("resilience4j.retry.instances.marketplaceMetering.max-attempts=2",
					"resilience4j.ratelimiter.instances.marketplaceMetering.limit-for-period=1")
			.run((context) -> {
				RetryConfig retry = context.getBean(RetryRegistry.class).retry("marketplaceMetering").getRetryConfig();
				assertThat(retry.getMaxAttempts()).isEqualTo(2);
				assertThat(retry.getIntervalBiFunction().apply(3, null)).as("other defaults kept")
					.isBetween(2000L, 6000L);
				assertThat(context.getBean(RateLimiterRegistry.class)
					.rateLimiter("marketplaceMetering")
					.getRateLimiterConfig()
					.getLimitForPeriod()).isEqualTo(1);
			});
	}

	@Test
	void theDefaultsAreTheLowestPrecedence() {
		MockEnvironment environment = new MockEnvironment();
		environment.setProperty("resilience4j.retry.instances.marketplaceMetering.max-attempts", "9");
		new MeteringResilienceDefaults().postProcessEnvironment(environment, null);
		assertThat(environment.getProperty("resilience4j.retry.instances.marketplaceMetering.max-attempts"))
			.isEqualTo("9");
		assertThat(environment.getProperty("resilience4j.ratelimiter.instances.marketplaceMetering.limit-for-period"))
			.isEqualTo("5");
	}

	@Test
	void theRetryAndRateLimiterPropertiesDriveTheReporter() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MeteringEmulatorAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.emulator.enabled=true",
					"aws.marketplace.metering.dimensions=scans,pages",
					"resilience4j.retry.instances.marketplaceMetering.max-attempts=2",
					"resilience4j.retry.instances.marketplaceMetering.wait-duration=1ms",
					"resilience4j.ratelimiter.instances.marketplaceMetering.limit-for-period=3",
					"resilience4j.ratelimiter.instances.marketplaceMetering.limit-refresh-period=1h",
					"resilience4j.ratelimiter.instances.marketplaceMetering.timeout-duration=0")
			.run((context) -> {
				MarketplaceMeteringEmulator emulator = context.getBean(MarketplaceMeteringEmulator.class);
				UsageCapture capture = context.getBean(UsageCapture.class);
				capture.record("scans", 1, null, null);
				capture.record("pages", 1, null, null);
				emulator.faults().throttleRate(1.0);
				Cycle cycle = context.getBean(UsageReporter.class).report(true);
				assertThat(emulator.counters().rejected("ThrottlingException"))
					.as("2 attempts for the first report, then the third and last permit for the second")
					.isEqualTo(3);
				assertThat(cycle.pending()).isEqualTo(2);
			});
	}

	@Test
	void startsEachHourlyRunWithinAFiveMinuteSpreadByDefault(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(UsageReporter.class);
			assertThat(output).containsPattern("Reporting usage to AWS Marketplace PT[0-9.MS]+ after each hour "
					+ "\\(offset PT1M plus a random PT[0-9.MS]+ within the start spread of PT5M\\)");
		});
	}

	@Test
	void aStartSpreadReachingPastHalfAnHourIsRefused() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.reporting.start-spread=1770s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(InvalidMeteringConfigurationException.class,
							(ex) -> assertThat(ex.getProperty())
								.isEqualTo(MeteringReportingAutoConfiguration.START_SPREAD))
					.hasMessageContaining("aws.marketplace.metering.reporting.offset (PT1M) + "
							+ "aws.marketplace.metering.reporting.start-spread (PT29M30S) is PT30M30S, but must be "
							+ "between 0 and PT30M");
			});
	}

	@Test
	void theReporterSendsThroughTheGatewayNotTheApplicationsOperations() {
		MeteringOperations userOperations = mock(MeteringOperations.class);
		this.contextRunner.withConfiguration(AutoConfigurations.of(MeteringEmulatorAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.emulator.enabled=true",
					"aws.marketplace.metering.dimensions=scans")
			.withBean(MeteringOperations.class, () -> userOperations)
			.run((context) -> {
				assertThat(context).hasSingleBean(MeteringGateway.class).doesNotHaveBean(MeteringTemplate.class);
				context.getBean(UsageCapture.class).record("scans", 3, null, null);
				assertThat(context.getBean(UsageReporter.class).report(true).reported()).isOne();
				assertThat(context.getBean(MarketplaceMeteringEmulator.class).records()).singleElement()
					.satisfies((record) -> assertThat(record.quantity()).isEqualTo(3));
				verifyNoInteractions(userOperations);
			});
	}

	@Test
	void canBeSwitchedOff() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.reporting.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(UsageReporter.class));
	}

	@Test
	void withoutResilience4jOnTheClasspathStartupFailsSayingWhatToAdd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RetryRegistry.class)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(ReportingUnavailableException.class);
			FailureAnalysis analysis = new ReportingUnavailableFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.contains("io.github.resilience4j.retry.RetryRegistry on the classpath")
				.contains("never be reported");
			assertThat(analysis.getAction()).contains("io.github.resilience4j:resilience4j-spring-boot3")
				.contains("io.github.resilience4j:resilience4j-spring-boot4")
				.contains("resilience4j-retry");
		});
	}

	@Test
	void withoutResilience4jsSpringBootModuleStartupFailsSayingWhatToAdd() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MeteringAutoConfiguration.class,
					MeteringLedgerAutoConfiguration.class, MeteringReportingAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
					"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.ledger.type=memory")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ReportingUnavailableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("io.github.resilience4j.retry.RetryRegistry or "
						+ "io.github.resilience4j.ratelimiter.RateLimiterRegistry bean");
				assertThat(analysis.getAction()).contains("resilience4j-spring-boot3");
			});
	}

	@Test
	void withoutResilience4jAProcessThatDoesNotReportStarts() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RetryRegistry.class))
			.withPropertyValues("aws.marketplace.metering.reporting.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(UsageReporter.class));
	}

	@Test
	void theReporterIsAnsweredByTheApplicationsOwn() {
		this.contextRunner
			.withBean("myReporter", UsageReporter.class, () -> org.mockito.Mockito.mock(UsageReporter.class))
			.run((context) -> assertThat(context).hasSingleBean(UsageReporter.class).hasBean("myReporter"));
	}

}
