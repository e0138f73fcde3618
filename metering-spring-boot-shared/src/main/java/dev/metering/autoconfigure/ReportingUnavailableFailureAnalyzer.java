package dev.metering.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ReportingUnavailableException}: what to add so that the reporter
 * runs, or how to say that this process does not report.
 *
 * @author metering-spring-boot
 */
class ReportingUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<ReportingUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReportingUnavailableException cause) {
		String action = "Add Resilience4j's Spring Boot module, as the metering starters do: "
				+ "io.github.resilience4j:resilience4j-spring-boot3 on Spring Boot 3.5, or "
				+ "io.github.resilience4j:resilience4j-spring-boot4 on Spring Boot 4.1"
				+ (cause.isClassesMissing() ? " (it brings resilience4j-retry and resilience4j-ratelimiter)" : "")
				+ ". Or define RetryRegistry and RateLimiterRegistry beans, or a UsageReporter bean of your own. "
				+ "Only if another process reports this ledger, set aws.marketplace.metering.reporting.enabled=false.";
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

}
