package dev.metering.autoconfigure;

import java.util.List;

/**
 * Thrown at startup when usage is recorded into a ledger but no reporter can send it:
 * Resilience4j's registries, which the reporter's retry and rate limit come from, are
 * missing.
 *
 * @author metering-spring-boot
 */
public class ReportingUnavailableException extends RuntimeException {

	private final List<String> missingRegistries;

	private final boolean classesMissing;

	ReportingUnavailableException(List<String> missingRegistries, boolean classesMissing) {
		super("The usage reporter cannot be created: no " + String.join(" or ", missingRegistries)
				+ (classesMissing ? " on the classpath" : " bean") + ", so recorded usage would never be reported to "
				+ "AWS Marketplace");
		this.missingRegistries = List.copyOf(missingRegistries);
		this.classesMissing = classesMissing;
	}

	/**
	 * Return the Resilience4j registries that are missing.
	 * @return their class names
	 */
	public List<String> getMissingRegistries() {
		return this.missingRegistries;
	}

	/**
	 * Return whether Resilience4j's classes are missing, not only its Spring Boot module.
	 * @return whether a registry class is not on the classpath
	 */
	public boolean isClassesMissing() {
		return this.classesMissing;
	}

}
