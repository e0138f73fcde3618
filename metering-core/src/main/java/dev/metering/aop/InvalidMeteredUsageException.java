package dev.metering.aop;

/**
 * Thrown at startup when a {@link dev.metering.annotation.MeteredUsage @MeteredUsage}
 * cannot be applied: the message names the class, the method, the dimension and the rule.
 *
 * @author metering-spring-boot
 */
public class InvalidMeteredUsageException extends IllegalStateException {

	/**
	 * Create a new exception.
	 * @param message what is wrong, and where
	 * @param cause the cause, or {@code null}
	 */
	public InvalidMeteredUsageException(String message, Throwable cause) {
		super(message, cause);
	}

}
