package dev.metering.sample;

import dev.metering.autoconfigure.MeteringProperties;
import dev.metering.emulator.MarketplaceMeteringEmulator;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Local development without AWS: the embedded Metering Service emulator, set up with a
 * demo buyer whose registration token is {@value #DEMO_REGISTRATION_TOKEN}. Declaring the
 * emulator bean replaces the one the starter would create; the starter still points the
 * client at it.
 *
 * @author metering-spring-boot
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "aws.marketplace.metering.emulator", name = "enabled", havingValue = "true")
class LocalMarketplaceConfiguration {

	static final String DEMO_REGISTRATION_TOKEN = "demo-registration-token";

	static final String DEMO_CUSTOMER = "demo-customer";

	@Bean(destroyMethod = "close")
	MarketplaceMeteringEmulator marketplaceMeteringEmulator(MeteringProperties properties) {
		return MarketplaceMeteringEmulator.builder()
			.port(properties.getEmulator().getPort())
			.product(properties.getProductCode(), properties.getDimensions())
			.registrationToken(DEMO_REGISTRATION_TOKEN, DEMO_CUSTOMER, "111122223333")
			.build()
			.start();
	}

}
