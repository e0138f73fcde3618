package dev.metering.autoconfigure;

import dev.metering.emulator.MarketplaceMeteringEmulator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the embedded Metering Service emulator: when
 * {@code metering-emulator} is on the classpath and
 * {@code aws.marketplace.metering.emulator.enabled=true}, the emulator starts in-process
 * on loopback and the client is pointed at it with throwaway credentials, so the
 * application runs with no AWS account.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(before = MeteringAutoConfiguration.class)
@ConditionalOnClass(MarketplaceMeteringEmulator.class)
@ConditionalOnProperty(prefix = "aws.marketplace.metering.emulator", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringEmulatorAutoConfiguration {

	private static final Log logger = LogFactory.getLog(MeteringEmulatorAutoConfiguration.class);

	static final String ACCESS_KEY_ID = "AKIDMETERINGEMULATOR";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	MarketplaceMeteringEmulator marketplaceMeteringEmulator(MeteringProperties properties) {
		MarketplaceMeteringEmulator.Builder builder = MarketplaceMeteringEmulator.builder()
			.port(properties.getEmulator().getPort());
		if (properties.getProductCode() != null) {
			builder.product(properties.getProductCode(), properties.getDimensions());
		}
		return builder.build().start();
	}

	/**
	 * Points the client at the emulator. Applied first, so that an application's own
	 * customizers still see and may change the result.
	 * @param emulator the emulator
	 * @param properties the metering properties
	 * @return the customizer
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	MarketplaceMeteringClientCustomizer marketplaceMeteringEmulatorClientCustomizer(
			MarketplaceMeteringEmulator emulator, MeteringProperties properties) {
		Region region = Region.of((properties.getRegion() != null) ? properties.getRegion() : "us-east-1");
		logger.info("AWS Marketplace metering goes to the embedded emulator at " + emulator.endpoint()
				+ ", not to AWS (aws.marketplace.metering.emulator.enabled=true)");
		return (builder) -> builder.endpointOverride(emulator.endpoint())
			.region(region)
			.credentialsProvider(
					StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, "emulator-secret")));
	}

}
