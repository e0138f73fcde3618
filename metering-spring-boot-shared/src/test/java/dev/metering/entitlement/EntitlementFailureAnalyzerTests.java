package dev.metering.entitlement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EntitlementFailureAnalyzer}.
 */
class EntitlementFailureAnalyzerTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "null",
			textBlock = """
					NOT_ENTITLED | CustomerNotEntitledException | check the buyer's AWS Marketplace subscription
					PLATFORM_NOT_SUPPORTED | PlatformNotSupportedException | not running on ECS/EKS. For local runs set aws.marketplace.metering.emulator.enabled=true
					INVALID_REGION | InvalidRegionException | in the region the workload runs in: check aws.marketplace.metering.region
					INVALID_PUBLIC_KEY_VERSION | InvalidPublicKeyVersionException | Set aws.marketplace.metering.entitlement.public-key-version
					INVALID_PRODUCT_CODE | InvalidProductCodeException | Set aws.marketplace.metering.product-code
					DISABLED_API | DisabledApiException | The Metering API is disabled
					UNAUTHORIZED | UnauthorizedException | aws-marketplace:RegisterUsage (container) or aws-marketplace:MeterUsage (AMI)
					BAD_SIGNATURE | null | Check aws.marketplace.metering.entitlement.public-key and aws.marketplace.metering.entitlement.public-key-version
					NONCE_MISMATCH | null | issued for another request (nonce mismatch)
					CLAIMS_MISMATCH | null | issued for another product or key version
					TIMEOUT | ThrottlingException | raise aws.marketplace.metering.entitlement.startup-timeout
					REFUSED | ValidationException | See the AWS error above
					""")
	void explainsWhatHappenedAndWhatToCheck(EntitlementReason reason, String errorCode, String action) {
		EntitlementException failure = new EntitlementException(reason, errorCode, "what happened", null);
		FailureAnalysis analysis = new EntitlementFailureAnalyzer()
			.analyze(new BeanCreationException("entitlementCheck", "Init failed", failure));
		assertThat(analysis.getDescription())
			.startsWith("The AWS Marketplace entitlement check failed at startup (" + reason)
			.endsWith("): what happened");
		if (errorCode != null) {
			assertThat(analysis.getDescription()).contains(reason + ", AWS answered " + errorCode + "): ");
		}
		assertThat(analysis.getAction()).contains(action)
			.endsWith("set aws.marketplace.metering.entitlement.on-failure=degrade.");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void isRegisteredInSpringFactories() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, ex) -> {
			}))).hasAtLeastOneElementOfType(EntitlementFailureAnalyzer.class);
	}

}
