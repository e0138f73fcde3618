package dev.metering.autoconfigure;

import java.time.Clock;

import dev.metering.actuate.MeteringEndpoint;
import dev.metering.actuate.MeteringSources;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.fleet.FleetMonitor;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link MeteringEndpoint metering endpoint}. Like every
 * Actuator endpoint it exists only when exposed, e.g. with
 * {@code management.endpoints.web.exposure.include=metering}.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringLedgerAutoConfiguration.class, MeteringFleetAutoConfiguration.class,
		MeteringReportingAutoConfiguration.class, MeteringEntitlementAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ UsageLedger.class, UsageReporter.class })
@ConditionalOnAvailableEndpoint(MeteringEndpoint.class)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MeteringEndpoint meteringEndpoint(UsageLedger ledger, UsageReporter reporter,
			ObjectProvider<EntitlementCheck> entitlementCheck, ObjectProvider<FleetMonitor> fleet,
			MeteringProperties properties) {
		return new MeteringEndpoint(properties.getProductCode(), properties.getProductType(),
				new MeteringSources(ledger, reporter, entitlementCheck.getIfAvailable()), Clock.systemUTC(),
				MeteringEndpoint.DEFAULT_WRITE_WAIT, fleet.getIfAvailable());
	}

}
