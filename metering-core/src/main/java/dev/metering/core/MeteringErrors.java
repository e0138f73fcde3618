package dev.metering.core;

import java.util.Map;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place that decides what each Metering Service answer means. It covers every
 * error shape of the service model, the {@code BatchMeterUsage} record statuses, and the
 * errors AWS answers for any JSON service (throttling, validation, authorization).
 *
 * @author metering-spring-boot
 */
public final class MeteringErrors {

	private static final Map<String, MeteringOutcome> OUTCOMES = Map.ofEntries(
			Map.entry("ThrottlingException", MeteringOutcome.RETRYABLE),
			Map.entry("InternalServiceErrorException", MeteringOutcome.RETRYABLE),
			Map.entry("TimestampOutOfBoundsException", MeteringOutcome.EXPIRED),
			Map.entry("DuplicateRequestException", MeteringOutcome.DUPLICATE),
			Map.entry("IdempotencyConflictException", MeteringOutcome.DUPLICATE),
			Map.entry("DuplicateRecord", MeteringOutcome.DUPLICATE),
			Map.entry("CustomerNotEntitledException", MeteringOutcome.NOT_ENTITLED),
			Map.entry("CustomerNotSubscribed", MeteringOutcome.NOT_ENTITLED),
			Map.entry("UnauthorizedException", MeteringOutcome.UNAUTHORIZED),
			Map.entry("AccessDeniedException", MeteringOutcome.UNAUTHORIZED),
			Map.entry("UnrecognizedClientException", MeteringOutcome.UNAUTHORIZED),
			Map.entry("InvalidClientTokenId", MeteringOutcome.UNAUTHORIZED),
			Map.entry("MissingAuthenticationTokenException", MeteringOutcome.UNAUTHORIZED));

	private MeteringErrors() {
	}

	/**
	 * Classify a service answer. Error names not listed explicitly are
	 * {@link MeteringOutcome#RETRYABLE retryable} when the HTTP status is 429 or 5xx and
	 * {@link MeteringOutcome#REJECTED rejected} otherwise, so that an unknown refusal is
	 * never retried in a loop.
	 * @param errorCode the error name ({@code __type} or {@code x-amzn-ErrorType}) or a
	 * {@code BatchMeterUsage} record status
	 * @param httpStatus the HTTP status of the answer (200 for record statuses)
	 * @return the outcome
	 */
	public static MeteringOutcome outcomeOf(String errorCode, int httpStatus) {
		MeteringOutcome outcome = (errorCode != null) ? OUTCOMES.get(errorCode) : null;
		if (outcome != null) {
			return outcome;
		}
		return (httpStatus == 429 || httpStatus >= 500) ? MeteringOutcome.RETRYABLE : MeteringOutcome.REJECTED;
	}

	/**
	 * Translate an SDK exception. Throttling and clock skew, as the SDK recognizes them
	 * under any of AWS's error names, are retryable; any other service answer is
	 * classified by {@link #outcomeOf(String, int)}; anything that is not a service
	 * answer (connection refused or reset, timeout, unreadable response) is retryable,
	 * because the request may not have reached the service and resending it is
	 * idempotent.
	 * @param operation the operation name, for the message
	 * @param ex the SDK exception
	 * @return the translated exception
	 */
	public static MeteringException translate(String operation, SdkException ex) {
		if (ex instanceof AwsServiceException serviceException) {
			String errorCode = (serviceException.awsErrorDetails() != null)
					? serviceException.awsErrorDetails().errorCode() : null;
			int status = serviceException.statusCode();
			MeteringOutcome outcome = (serviceException.isThrottlingException()
					|| serviceException.isClockSkewException()) ? MeteringOutcome.RETRYABLE
							: outcomeOf(errorCode, status);
			String message = operation + " failed with " + errorCode + " (HTTP " + status + ", " + outcome + "): "
					+ serviceException.getMessage();
			return new MeteringException(message, outcome, errorCode, ex);
		}
		return new MeteringException(
				operation + " failed without an answer from the service (RETRYABLE): " + ex.getMessage(),
				MeteringOutcome.RETRYABLE, null, ex);
	}

}
