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
		Duration acceptanceWindow, Set<String> unauthorizedAccessKeys) {

	/**
	 * What a registration token resolves to.
	 *
	 * @param customerIdentifier the customer identifier
	 * @param customerAwsAccountId the customer's AWS account id
	 * @param productCode the product code
	 */
	record RegistrationToken(String customerIdentifier, String customerAwsAccountId, String productCode) {

	}

}
