package dev.metering.entitlement;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link EntitlementException} at startup: what AWS Marketplace answered and
 * what to check.
 *
 * @author metering-spring-boot
 */
class EntitlementFailureAnalyzer extends AbstractFailureAnalyzer<EntitlementException> {

	private static final String PREFIX = "aws.marketplace.metering.";

	private static final String KEY_PROPERTIES = PREFIX + "entitlement.public-key and " + PREFIX
			+ "entitlement.public-key-version";

	private static final String DEGRADE = " To start anyway and report the failure in the entitlement status, set "
			+ PREFIX + "entitlement.on-failure=degrade.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EntitlementException cause) {
		String answer = (cause.getErrorCode() != null) ? ", AWS answered " + cause.getErrorCode() : "";
		return new FailureAnalysis("The AWS Marketplace entitlement check failed at startup (" + cause.getReason()
				+ answer + "): " + cause.getMessage(), action(cause.getReason()) + DEGRADE, cause);
	}

	private String action(EntitlementReason reason) {
		return switch (reason) {
			case NOT_ENTITLED -> "The buyer has no active subscription to the product: check the buyer's "
					+ "AWS Marketplace subscription, and that " + PREFIX + "product-code is this product's code.";
			case PLATFORM_NOT_SUPPORTED -> "RegisterUsage works only on Amazon ECS, Amazon EKS or AWS Fargate, and "
					+ "this is not running on ECS/EKS. For local runs set " + PREFIX + "emulator.enabled=true, or "
					+ "set " + PREFIX + "product-type (ami, saas) or " + PREFIX + "entitlement.enabled=false.";
			case INVALID_REGION -> "Call the Metering Service in the region the workload runs in: check " + PREFIX
					+ "region and the AWS_REGION environment variable.";
			case INVALID_PUBLIC_KEY_VERSION -> "Set " + PREFIX + "entitlement.public-key-version to the version of "
					+ "the public key AWS Marketplace gave with the product code.";
			case INVALID_PRODUCT_CODE ->
				"Set " + PREFIX + "product-code to the product code AWS Marketplace assigned to the product.";
			case DISABLED_API -> "The Metering API is disabled for this account or product: contact AWS "
					+ "Marketplace seller operations.";
			case UNAUTHORIZED -> "Give the workload's role (ECS task role, EKS IRSA role or instance profile) "
					+ "aws-marketplace:RegisterUsage (container) or aws-marketplace:MeterUsage (AMI).";
			case BAD_SIGNATURE -> "Check " + KEY_PROPERTIES + ": they must be the public key and version AWS "
					+ "Marketplace gave with the product code. If they are, the answer was tampered with on the way.";
			case NONCE_MISMATCH -> "The signature answered was issued for another request (nonce mismatch): "
					+ "something between the application and AWS replays old answers. Check proxies and the " + PREFIX
					+ "endpoint.";
			case CLAIMS_MISMATCH -> "The signature was issued for another product or key version: check " + PREFIX
					+ "product-code and " + PREFIX + "entitlement.public-key-version.";
			case TIMEOUT -> "The Metering Service kept throttling or failing: check the network path to it and the "
					+ "account's RegisterUsage quota, or raise " + PREFIX + "entitlement.startup-timeout.";
			case REFUSED -> "See the AWS error above; retrying cannot help until its cause is fixed.";
		};
	}

}
