package dev.metering.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidMeteringConfigurationException} at startup: which property,
 * what is wrong with it, and what to set.
 *
 * @author metering-spring-boot
 */
class InvalidMeteringConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidMeteringConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidMeteringConfigurationException cause) {
		return new FailureAnalysis("AWS Marketplace metering is misconfigured: " + cause.getMessage(),
				action(cause.getProperty()), cause);
	}

	private String action(String property) {
		return switch (property) {
			case MeteringConfigurationValidator.PRODUCT_CODE ->
				"Set " + property + " to the product code AWS Marketplace assigned to your product "
						+ "(AWS Marketplace Management Portal > Products > your product > Product code). "
						+ "For local runs without AWS, also set aws.marketplace.metering.emulator.enabled=true.";
			case MeteringConfigurationValidator.REGION ->
				"Set " + property + " (or the AWS_REGION environment variable) to the region the workload runs in.";
			case MeteringConfigurationValidator.DIMENSIONS -> "Set " + property
					+ " to the dimension names (API names) defined for the product in the AWS Marketplace Management Portal.";
			default -> "Correct " + property + ".";
		};
	}

}
