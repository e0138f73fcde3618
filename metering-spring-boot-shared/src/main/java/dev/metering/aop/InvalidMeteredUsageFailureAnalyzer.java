package dev.metering.aop;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidMeteredUsageException} at startup: which method, which
 * annotation attribute and rule, and what to change.
 *
 * @author metering-spring-boot
 */
class InvalidMeteredUsageFailureAnalyzer extends AbstractFailureAnalyzer<InvalidMeteredUsageException> {

	private static final String UNKNOWN_DIMENSION = "must be one of the configured dimensions";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidMeteredUsageException cause) {
		String description = "A @MeteredUsage annotation cannot be applied: " + cause.getMessage();
		if (cause.getMessage().contains(UNKNOWN_DIMENSION)) {
			return new FailureAnalysis(description,
					"Use one of the dimensions in aws.marketplace.metering.dimensions on that method. If the "
							+ "dimension is defined for the product in the AWS Marketplace Management Portal, add "
							+ "its API name to aws.marketplace.metering.dimensions.",
					cause);
		}
		return new FailureAnalysis(description,
				"Correct the @MeteredUsage annotation on that method so that it follows the rule above.", cause);
	}

}
