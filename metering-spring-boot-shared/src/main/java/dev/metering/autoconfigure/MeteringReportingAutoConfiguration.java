package dev.metering.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.metering.core.MeteringGateway;
import dev.metering.fleet.OwnUsageOutbox;
import dev.metering.ledger.ReportOutbox;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the hourly {@link UsageReporter}: it reports the ledger's usage
 * through the {@code marketplaceMetering} Resilience4j {@code Retry} and
 * {@code RateLimiter}, which users tune with the standard {@code resilience4j.*}
 * properties. Resilience4j's auto-configurations are named, not referenced, so that this
 * class serves both {@code resilience4j-spring-boot3} and
 * {@code resilience4j-spring-boot4}.
 * <p>
 * Without Resilience4j's registries (its classes or its Spring Boot module missing) and
 * without a reporter of the application's own, startup fails with a
 * {@link ReportingUnavailableException}: usage would pile up in the ledger and never be
 * reported.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class },
		afterName = { "io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterAutoConfiguration" })
@ConditionalOnBean({ ReportOutbox.class, MeteringGateway.class })
@ConditionalOnProperty(prefix = "aws.marketplace.metering.reporting", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringReportingAutoConfiguration {

	static final String OFFSET = "aws.marketplace.metering.reporting.offset";

	static final String START_SPREAD = "aws.marketplace.metering.reporting.start-spread";

	private static final Duration LATEST_START = Duration.ofMinutes(30);

	private static final List<String> REGISTRIES = List.of("io.github.resilience4j.retry.RetryRegistry",
			"io.github.resilience4j.ratelimiter.RateLimiterRegistry");

	/**
	 * Fail the startup, before any bean is created, when no reporter can be made.
	 * @return the check
	 */
	@Bean
	static BeanFactoryPostProcessor meteringReporterCheck() {
		return (beanFactory) -> {
			if (beanFactory.getBeanNamesForType(UsageReporter.class, true, false).length == 0) {
				List<String> missing = missingRegistries(beanFactory);
				if (!missing.isEmpty()) {
					throw new ReportingUnavailableException(missing,
							missing.stream().anyMatch((name) -> !isPresent(name, beanFactory)));
				}
			}
		};
	}

	private static List<String> missingRegistries(ConfigurableListableBeanFactory beanFactory) {
		return REGISTRIES.stream()
			.filter((name) -> !isPresent(name, beanFactory) || beanFactory.getBeanNamesForType(
					ClassUtils.resolveClassName(name, beanFactory.getBeanClassLoader()), true, false).length == 0)
			.toList();
	}

	private static boolean isPresent(String name, ConfigurableListableBeanFactory beanFactory) {
		return ClassUtils.isPresent(name, beanFactory.getBeanClassLoader());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RetryRegistry.class, RateLimiterRegistry.class })
	@ConditionalOnBean({ RetryRegistry.class, RateLimiterRegistry.class })
	static class ResilientReporterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		UsageReporter usageReporter(ReportOutbox outbox, MeteringGateway metering, RetryRegistry retries,
				RateLimiterRegistry rateLimiters, MeteringProperties properties) {
			// In a fleet, customers' usage is published and reported by the fleet's
			// leader.
			ReportOutbox reported = (properties.getLedger().getType() == MeteringProperties.LedgerType.JDBC)
					? new OwnUsageOutbox(outbox) : outbox;
			return new UsageReporter(reported, metering, retries.retry(MeteringResilienceDefaults.INSTANCE),
					rateLimiters.rateLimiter(MeteringResilienceDefaults.INSTANCE), Clock.systemUTC(),
					settings(properties));
		}

	}

	static ReportingSettings settings(MeteringProperties properties) {
		MeteringProperties.Reporting reporting = properties.getReporting();
		validateStart(reporting.getOffset(), reporting.getStartSpread());
		ReportingSettings defaults = ReportingSettings.defaults();
		return new ReportingSettings(reporting.getOffset(), reporting.getRetryInterval(),
				properties.isReportOnShutdown(), properties.getExpiredUsage(), defaults.acceptanceWindow(),
				defaults.lastSendMargin(), reporting.getShutdownTimeout(), reporting.getStartSpread());
	}

	private static void validateStart(Duration offset, Duration startSpread) {
		if (startSpread.isNegative()) {
			throw new InvalidMeteringConfigurationException(START_SPREAD,
					START_SPREAD + " is " + startSpread + ", but must not be negative");
		}
		if (offset.isNegative() || offset.plus(startSpread).compareTo(LATEST_START) > 0) {
			throw new InvalidMeteringConfigurationException(START_SPREAD,
					OFFSET + " (" + offset + ") + " + START_SPREAD + " (" + startSpread + ") is "
							+ offset.plus(startSpread) + ", but must be between 0 and " + LATEST_START
							+ ", so that each hour is sent far inside its acceptance window");
		}
	}

}
