package dev.metering.emulator;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The immutable configuration of an emulator, as built.
 */
record Settings(Clock clock, Map<String, Set<String>> products, Set<String> subscribedCustomers,
		Map<String, RegistrationToken> registrationTokens, Set<String> expiredRegistrationTokens, boolean entitled,
		boolean platformSupported, Set<Integer> publicKeyVersions, KeyPair signingKey, String region,
		Duration acceptanceWindow, Set<String> unauthorizedAccessKeys, Duration batchAcceptanceWindow,
		Set<String> licenseProducts, Map<String, License> licenses) {

	/**
	 * What a registration token resolves to.
	 *
	 * @param customerIdentifier the customer identifier, {@code null} for a product of
	 * the license integration
	 * @param customerAwsAccountId the customer's AWS account id
	 * @param productCode the product code
	 * @param licenseArn the license ARN, or {@code null}
	 */
	record RegistrationToken(String customerIdentifier, String customerAwsAccountId, String productCode,
			String licenseArn) {

	}

	/**
	 * A license granted to a buyer.
	 *
	 * @param customerAwsAccountId the buyer's AWS account id
	 * @param productCode the product it is a license of
	 */
	record License(String customerAwsAccountId, String productCode) {

	}

}
