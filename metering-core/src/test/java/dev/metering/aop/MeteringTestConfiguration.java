package dev.metering.aop;

import java.util.Set;

import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;

/**
 * The capture side as the auto-configuration will wire it, over a
 * {@link SummingUsageLedger} and a fixed set of dimensions.
 */
@Configuration(proxyBeanMethods = false)
@EnableAspectJAutoProxy(proxyTargetClass = true)
class MeteringTestConfiguration {

	static final Set<String> DIMENSIONS = Set.of("scans", "pages", "bytes", "users", "calls");

	@Bean
	SummingUsageLedger usageLedger() {
		return new SummingUsageLedger();
	}

	@Bean
	UsageCapture usageCapture(SummingUsageLedger usageLedger) {
		return new UsageCapture(usageLedger, DIMENSIONS, SaasIntegration.LEGACY);
	}

	@Bean
	MeteredUsageAspect meteredUsageAspect(UsageCapture usageCapture) {
		return new MeteredUsageAspect(usageCapture);
	}

}
