package dev.metering.emulator;

/**
 * An error answered on the wire, named as in the service model.
 */
final class AwsException extends RuntimeException {

	private final String errorName;

	private final int status;

	AwsException(String errorName, String message) {
		this(errorName, 400, message);
	}

	AwsException(String errorName, int status, String message) {
		super(message, null, false, false);
		this.errorName = errorName;
		this.status = status;
	}

	String errorName() {
		return this.errorName;
	}

	int status() {
		return this.status;
	}

	static AwsException validation(String message) {
		return new AwsException("ValidationException", message);
	}

	static AwsException serialization(String message) {
		return new AwsException("SerializationException", message);
	}

}
