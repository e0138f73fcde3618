package dev.metering.core;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * A Metering Service call that did not succeed, with the {@link MeteringOutcome} that
 * says what to do about it and the service's error name.
 *
 * @author metering-spring-boot
 */
public class MeteringException extends RuntimeException {

	private final MeteringOutcome outcome;

	private final String errorCode;

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param outcome what the caller must do about it
	 * @param errorCode the service's error name (for example
	 * {@code ThrottlingException}), or {@code null} when no answer was received
	 * @param cause the underlying SDK exception, if any
	 */
	public MeteringException(String message, MeteringOutcome outcome, String errorCode, Throwable cause) {
		super(message, cause);
		this.outcome = outcome;
		this.errorCode = errorCode;
	}

	/**
	 * Return what the caller must do about this failure.
	 * @return the outcome
	 */
	public MeteringOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Return the service's error name, or {@code null} when no answer was received (I/O
	 * failure or timeout).
	 * @return the error name or {@code null}
	 */
	public String getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Return whether the service throttled the call: an SDK exception the SDK recognizes
	 * as throttling (under any of AWS's names, or HTTP 429), or the Metering Service's
	 * {@code ThrottlingException}.
	 * @return whether it was throttled
	 */
	public boolean isThrottling() {
		if (getCause() instanceof AwsServiceException service) {
			return service.isThrottlingException();
		}
		return MeteringErrors.THROTTLING.equals(this.errorCode);
	}

}
