package dev.metering.autoconfigure;

import dev.metering.core.LicenseArnInterceptor;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOperations;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.UsageCapture;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the AWS Marketplace Metering Service client, the
 * {@link MeteringGateway} that the reporter and the entitlement check send through, and
 * the {@link MeteringTemplate} users record through.
 * <p>
 * The SDK's own retries are switched off: every call is attempted once and retried, if at
 * all, by the caller that knows the acceptance window (the reporter's Resilience4j
 * {@code Retry}), so that retries are never multiplied. A
 * {@link MarketplaceMeteringClientCustomizer} can switch them back on.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration
@ConditionalOnClass(MarketplaceMeteringClient.class)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	MarketplaceMeteringClient marketplaceMeteringClient(MeteringProperties properties,
			ObjectProvider<AwsCredentialsProvider> credentialsProvider,
			ObjectProvider<MarketplaceMeteringClientCustomizer> customizers) {
		MarketplaceMeteringClientBuilder builder = MarketplaceMeteringClient.builder()
			.credentialsProvider(credentialsProvider.getIfAvailable(() -> DefaultCredentialsProvider.builder().build()))
			.overrideConfiguration((configuration) -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry())
				.addExecutionInterceptor(new LicenseArnInterceptor())
				.apiCallTimeout(properties.getApiCallTimeout()));
		if (properties.getRegion() != null) {
			builder.region(Region.of(properties.getRegion()));
		}
		if (properties.getEndpoint() != null) {
			builder.endpointOverride(properties.getEndpoint());
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		try {
			return builder.build();
		}
		catch (SdkClientException ex) {
			if (properties.getRegion() != null) {
				throw ex;
			}
			throw new InvalidMeteringConfigurationException(MeteringConfigurationValidator.REGION,
					MeteringConfigurationValidator.REGION
							+ " is not set and the SDK's region provider chain found no region: " + ex.getMessage(),
					ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	MeteringGateway meteringGateway(MarketplaceMeteringClient client, MeteringProperties properties) {
		MeteringConfigurationValidator.validate(properties);
		return new MeteringGateway(client, properties.getProductCode());
	}

	@Bean
	@ConditionalOnMissingBean(MeteringOperations.class)
	MeteringTemplate meteringTemplate(MeteringGateway gateway, UsageCapture capture) {
		return new MeteringTemplate(gateway, capture);
	}

}
