package dev.metering.entitlement;

import dev.metering.core.MeteringException;

/**
 * Thrown at startup when the entitlement check fails and the application must not serve.
 *
 * @author metering-spring-boot
 */
public class EntitlementException extends RuntimeException {

	private final EntitlementReason reason;

	private final String errorCode;

	/**
	 * Create a new exception.
	 * @param reason why the entitlement was not confirmed
	 * @param errorCode the AWS error name, or {@code null} when the service did not
	 * refuse
	 * @param message what happened
	 * @param cause the cause, if any
	 */
	public EntitlementException(EntitlementReason reason, String errorCode, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.errorCode = errorCode;
	}

	/**
	 * Create a new exception for a failure found by the check itself, not by the service.
	 * @param reason why the entitlement was not confirmed
	 * @param message what happened
	 */
	public EntitlementException(EntitlementReason reason, String message) {
		this(reason, null, message, null);
	}

	/**
	 * Create an exception for a final refusal of the service.
	 * @param ex the refusal
	 * @return the exception, with the reason of the AWS error name
	 */
	static EntitlementException refusedBy(MeteringException ex) {
		return new EntitlementException(EntitlementReason.ofErrorCode(ex.getErrorCode()), ex.getErrorCode(),
				ex.getMessage(), ex);
	}

	/**
	 * Return why the entitlement was not confirmed.
	 * @return the reason
	 */
	public EntitlementReason getReason() {
		return this.reason;
	}

	/**
	 * Return the AWS error name, or {@code null} when the service did not refuse (for
	 * example a bad signature or a timeout without an answer).
	 * @return the error name or {@code null}
	 */
	public String getErrorCode() {
		return this.errorCode;
	}

}
