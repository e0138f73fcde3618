package dev.metering.core;

import java.util.List;

/**
 * Thrown when a request to the AWS Marketplace Metering Service breaks a rule of the
 * service model. It lists every violation found, each naming the field path, the
 * offending value and the rule.
 */
public class InvalidMeteringRequestException extends IllegalArgumentException {

	private final List<String> violations;

	/**
	 * Create a new exception.
	 * @param operation the operation name, for example {@code MeterUsage}
	 * @param violations the violations found, at least one
	 */
	public InvalidMeteringRequestException(String operation, List<String> violations) {
		super("Invalid " + operation + " request: " + String.join("; ", violations));
		this.violations = List.copyOf(violations);
	}

	/**
	 * Return the violations, in the order they were found.
	 * @return the violations
	 */
	public List<String> violations() {
		return this.violations;
	}

}
