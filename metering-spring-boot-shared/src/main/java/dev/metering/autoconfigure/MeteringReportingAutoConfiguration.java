package dev.metering.autoconfigure;

import java.time.Clock;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the hourly {@link UsageReporter}: it reports the ledger's usage
 * through the {@code marketplaceMetering} Resilience4j {@code Retry} and
 * {@code RateLimiter}, which users tune with the standard {@code resilience4j.*}
 * properties. Resilience4j's auto-configurations are named, not referenced, so that this
 * class serves both {@code resilience4j-spring-boot3} and
 * {@code resilience4j-spring-boot4}.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class },
		afterName = { "io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterAutoConfiguration" })
@ConditionalOnClass({ RetryRegistry.class, RateLimiterRegistry.class })
@ConditionalOnBean({ UsageLedger.class, MeteringGateway.class, RetryRegistry.class, RateLimiterRegistry.class })
@ConditionalOnProperty(prefix = "aws.marketplace.metering.reporting", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringReportingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	UsageReporter usageReporter(UsageLedger ledger, MeteringGateway metering, RetryRegistry retries,
			RateLimiterRegistry rateLimiters, MeteringProperties properties) {
		MeteringProperties.Reporting reporting = properties.getReporting();
		ReportingSettings defaults = ReportingSettings.defaults();
		ReportingSettings settings = new ReportingSettings(reporting.getOffset(), reporting.getRetryInterval(),
				properties.isReportOnShutdown(), properties.getExpiredUsage(), properties.getReportZeroUsage(),
				defaults.acceptanceWindow(), defaults.lastSendMargin(), reporting.getShutdownTimeout());
		return new UsageReporter(ledger, metering, retries.retry(MeteringResilienceDefaults.INSTANCE),
				rateLimiters.rateLimiter(MeteringResilienceDefaults.INSTANCE), Clock.systemUTC(), settings);
	}

}
