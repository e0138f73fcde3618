package dev.metering.core;

/**
 * Thrown, when the application opted into it
 * ({@code aws.marketplace.metering.capture.on-failure=fail}), by a call whose usage could
 * not be recorded durably: the ledger cannot write (a full disk, a read-only directory).
 * The usage was not recorded and was counted as lost, so an application that must not
 * serve unbilled work can refuse it.
 *
 * @author metering-spring-boot
 */
public class UsageNotRecordedException extends RuntimeException {

	/**
	 * Create a new exception.
	 * @param message the detail message: what was not recorded, and why
	 * @param cause the failure of the ledger
	 */
	public UsageNotRecordedException(String message, Throwable cause) {
		super(message, cause);
	}

}
