package dev.metering.autoconfigure;

import dev.metering.actuate.MeteringMetrics;
import dev.metering.actuate.MeteringSources;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteringMetricsAutoConfiguration}, and that Resilience4j's own meters
 * of the {@code marketplaceMetering} instances are bound too.
 */
class MeteringMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(
				(context) -> new MeteringResilienceDefaults().postProcessEnvironment(context.getEnvironment(), null))
		.withConfiguration(BootLine.RESILIENCE)
		.withConfiguration(BootLine.METRICS)
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
				MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class,
				MeteringReportingAutoConfiguration.class, MeteringMetricsAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.product-type=saas",
				"aws.marketplace.metering.dimensions=scans", "aws.marketplace.metering.ledger.type=memory",
				"aws.marketplace.metering.saas.integration=legacy");

	@Test
	void bindsTheMeteringMetersToTheRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MeteringMetrics.class);
			context.getBean(UsageCapture.class).record("scans", 4, null, "customer-1");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("marketplace.metering.usage.recorded")
				.tag("dimension", "scans")
				.functionCounter()
				.count()).isEqualTo(4);
			assertThat(registry.get("marketplace.metering.usage.pending").gauge().value()).isEqualTo(4);
			assertThat(registry.get("marketplace.metering.reports").functionCounters()).hasSize(7);
			assertThat(registry.get("marketplace.metering.calls").functionTimer().count()).isZero();
		});
	}

	@Test
	void resilience4jBindsTheRetryAndRateLimiterMetersOfTheMarketplaceMeteringInstances() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("resilience4j.retry.calls").tag("name", "marketplaceMetering").meters())
				.isNotEmpty();
			assertThat(registry.find("resilience4j.ratelimiter.available.permissions")
				.tag("name", "marketplaceMetering")
				.gauge()).isNotNull();
		});
	}

	@Test
	void withoutReportingOnlyTheLedgerMetersAreBound() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.reporting.enabled=false").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("marketplace.metering.usage.pending").gauge()).isNotNull();
			assertThat(registry.find("marketplace.metering.reports").meters()).isEmpty();
		});
	}

	@Test
	void backsOffToAUserBinder() {
		this.contextRunner.withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(MeteringMetrics.class).hasBean("userMetrics"));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MeteringMetrics.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		MeteringMetrics userMetrics(UsageCapture capture, UsageLedger ledger) {
			return new MeteringMetrics(capture, new MeteringSources(ledger, null, null));
		}

	}

}
