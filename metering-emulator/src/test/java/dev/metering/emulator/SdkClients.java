package dev.metering.emulator;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Real AWS SDK v2 clients pointed at an emulator, with retries off so every answer is
 * observed as sent.
 */
final class SdkClients {

	static final String ACCESS_KEY = "AKIDEMULATORTEST1";

	private SdkClients() {
	}

	static MarketplaceMeteringClient client(URI endpoint) {
		return client(endpoint, ACCESS_KEY, Region.US_EAST_1);
	}

	static MarketplaceMeteringClient client(URI endpoint, String accessKeyId, Region region) {
		return client(endpoint, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, "secret")),
				region);
	}

	static MarketplaceMeteringClient anonymous(URI endpoint) {
		return client(endpoint, AnonymousCredentialsProvider.create(), Region.US_EAST_1);
	}

	private static MarketplaceMeteringClient client(URI endpoint, AwsCredentialsProvider credentials, Region region) {
		return MarketplaceMeteringClient.builder()
			.endpointOverride(endpoint)
			.region(region)
			.credentialsProvider(credentials)
			.overrideConfiguration((c) -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build();
	}

}
