package dev.metering.autoconfigure;

import java.time.Clock;

import dev.metering.actuate.MeteringMetrics;
import dev.metering.actuate.MeteringSources;
import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.MeteringGateway;
import dev.metering.core.UsageCapture;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code marketplace.metering.*} meters, bound to the
 * application's meter registry by Spring Boot's metrics support.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class,
		MeteringReportingAutoConfiguration.class, MeteringEntitlementAutoConfiguration.class,
		MeteredUsageAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean({ UsageLedger.class, UsageCapture.class })
public class MeteringMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MeteringMetrics meteringMetrics(UsageCapture capture, UsageLedger ledger, ObjectProvider<UsageReporter> reporter,
			ObjectProvider<EntitlementCheck> entitlementCheck, ObjectProvider<MeteringGateway> gateway,
			ObjectProvider<MeteredUsageAspect> aspect) {
		MeteringSources sources = new MeteringSources(ledger, reporter.getIfAvailable(),
				entitlementCheck.getIfAvailable());
		MeteringGateway metering = gateway.getIfAvailable();
		return new MeteringMetrics(capture, sources, (metering != null) ? metering.getCalls() : null,
				aspect.getIfAvailable(), Clock.systemUTC());
	}

}
