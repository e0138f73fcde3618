package dev.metering.autoconfigure;

import java.time.Clock;

import dev.metering.actuate.MeteringHealthIndicator;
import dev.metering.actuate.MeteringSources;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.fleet.FleetMonitor;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import ${boot.health.autoconfigure.package}.ConditionalOnEnabledHealthIndicator;
import ${boot.health.package}.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code metering} health contributor. It is in no health group
 * and must stay out of liveness and readiness: a billing problem is shared by every
 * replica, so alert on it instead of routing or restarting by it.
 * Generated for each Spring Boot line from a template in
 * {@code metering-spring-boot-shared}, since the line's health API has its own package.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringLedgerAutoConfiguration.class, MeteringFleetAutoConfiguration.class, MeteringReportingAutoConfiguration.class,
		MeteringEntitlementAutoConfiguration.class })
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(UsageLedger.class)
@ConditionalOnEnabledHealthIndicator("metering")
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "meteringHealthIndicator", "meteringHealthContributor" })
	MeteringHealthIndicator meteringHealthIndicator(UsageLedger ledger, ObjectProvider<ReportOutbox> outbox,
			ObjectProvider<UsageReporter> reporter, ObjectProvider<EntitlementCheck> entitlementCheck,
			ObjectProvider<FleetMonitor> fleet, MeteringProperties properties) {
		MeteringSources state = new MeteringSources(ledger, outbox.getIfAvailable(), reporter.getIfAvailable(),
				entitlementCheck.getIfAvailable());
		return new MeteringHealthIndicator(state, Clock.systemUTC(), properties.getHealth().getExpiryWarning(),
				properties.getLedger().getMinFreeSpace(), fleet.getIfAvailable());
	}

}
