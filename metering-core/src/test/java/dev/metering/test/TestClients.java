package dev.metering.test;

import java.net.URI;
import java.time.Duration;

import dev.metering.core.LicenseArnInterceptor;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The real AWS SDK client, configured as the auto-configuration does (SDK retries off,
 * {@link LicenseArnInterceptor}), pointed at a local Metering Service (the emulator or
 * moto) with throwaway credentials.
 */
public final class TestClients {

	private TestClients() {
	}

	/**
	 * Create a client.
	 * @param endpoint the local endpoint
	 * @param accessKeyId the access key id, which the emulator takes as the caller
	 * @param apiCallTimeout the time allowed for one call
	 * @return the client
	 */
	public static MarketplaceMeteringClient client(URI endpoint, String accessKeyId, Duration apiCallTimeout) {
		return MarketplaceMeteringClient.builder()
			.endpointOverride(endpoint)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, "secret")))
			.overrideConfiguration((configuration) -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry())
				.apiCallTimeout(apiCallTimeout)
				.addExecutionInterceptor(new LicenseArnInterceptor()))
			.build();
	}

	/**
	 * Create a client of the seller's account (SaaS products).
	 * @param endpoint the local endpoint
	 * @return the client
	 */
	public static MarketplaceMeteringClient licenseClient(URI endpoint) {
		return client(endpoint, "AKIDSELLER", Duration.ofSeconds(5));
	}

}
