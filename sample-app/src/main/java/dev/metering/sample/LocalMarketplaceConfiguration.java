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
 * client at it. The product is of the license integration: the token resolves to an
 * account and a license.
 *
 * @author metering-spring-boot
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "aws.marketplace.metering.emulator", name = "enabled", havingValue = "true")
class LocalMarketplaceConfiguration {

	static final String DEMO_REGISTRATION_TOKEN = "demo-registration-token";

	static final String DEMO_ACCOUNT = "111122223333";

	static final String DEMO_LICENSE = "arn:aws:license-manager::123456789012:license:l-0demo0license00001";

	@Bean(destroyMethod = "close")
	MarketplaceMeteringEmulator marketplaceMeteringEmulator(MeteringProperties properties) {
		return MarketplaceMeteringEmulator.builder()
			.port(properties.getEmulator().getPort())
			.licenseProduct(properties.getProductCode(), properties.getDimensions())
			.licenseRegistrationToken(DEMO_REGISTRATION_TOKEN, DEMO_ACCOUNT, DEMO_LICENSE)
			.build()
			.start();
	}

}
