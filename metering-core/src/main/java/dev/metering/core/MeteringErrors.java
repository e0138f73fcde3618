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
			Map.entry("MissingAuthenticationTokenException", MeteringOutcome.UNAUTHORIZED),
			Map.entry("NotAuthorized", MeteringOutcome.UNAUTHORIZED),
			Map.entry("IncompleteSignature", MeteringOutcome.UNAUTHORIZED),
			Map.entry("OptInRequired", MeteringOutcome.UNAUTHORIZED),
			Map.entry("RequestTimeoutException", MeteringOutcome.RETRYABLE),
			Map.entry("RequestAbortedException", MeteringOutcome.RETRYABLE));

	/**
	 * Error names AWS answers with two meanings: an operation's own error, and a refusal
	 * of the caller's credentials that any call may get. {@code ExpiredTokenException} is
	 * the buyer's expired registration token on ResolveCustomer, and expired temporary
	 * credentials (a failed refresh of the role's session) on every other call.
	 */
	private static final Map<String, OwnError> OPERATION_ERRORS = Map.of("ExpiredTokenException",
			new OwnError("ResolveCustomer", MeteringOutcome.REJECTED, MeteringOutcome.UNAUTHORIZED));

	private MeteringErrors() {
	}

	/**
	 * Classify a service answer whatever the operation: a {@code BatchMeterUsage} record
	 * status, or an error name. An error name AWS uses with two meanings gets the one any
	 * call may have (for {@code ExpiredTokenException}: the caller's credentials
	 * expired), so that usage is never dead-lettered for it; see
	 * {@link #outcomeOf(String, String, int)}.
	 * @param errorCode the error name ({@code __type} or {@code x-amzn-ErrorType}) or a
	 * {@code BatchMeterUsage} record status
	 * @param httpStatus the HTTP status of the answer (200 for record statuses)
	 * @return the outcome
	 */
	public static MeteringOutcome outcomeOf(String errorCode, int httpStatus) {
		return outcomeOf(null, errorCode, httpStatus);
	}

	/**
	 * Classify a service answer to an operation. An error name AWS uses with two meanings
	 * gets the one it has for that operation: {@code ExpiredTokenException} is
	 * {@link MeteringOutcome#REJECTED final} on ResolveCustomer (the buyer's registration
	 * token) and {@link MeteringOutcome#UNAUTHORIZED unauthorized} on MeterUsage,
	 * BatchMeterUsage and RegisterUsage (the caller's temporary credentials expired).
	 * Error names not listed explicitly are {@link MeteringOutcome#RETRYABLE retryable}
	 * when the HTTP status is 429 or 5xx and {@link MeteringOutcome#REJECTED rejected}
	 * otherwise, so that an unknown refusal is never retried in a loop.
	 * @param operation the operation name, for example {@code BatchMeterUsage}, or
	 * {@code null} when unknown
	 * @param errorCode the error name ({@code __type} or {@code x-amzn-ErrorType}) or a
	 * {@code BatchMeterUsage} record status
	 * @param httpStatus the HTTP status of the answer (200 for record statuses)
	 * @return the outcome
	 */
	public static MeteringOutcome outcomeOf(String operation, String errorCode, int httpStatus) {
		OwnError ownError = (errorCode != null) ? OPERATION_ERRORS.get(errorCode) : null;
		if (ownError != null) {
			return ownError.operation().equals(operation) ? ownError.there() : ownError.elsewhere();
		}
		MeteringOutcome outcome = (errorCode != null) ? OUTCOMES.get(errorCode) : null;
		if (outcome != null) {
			return outcome;
		}
		return (httpStatus == 429 || httpStatus >= 500) ? MeteringOutcome.RETRYABLE : MeteringOutcome.REJECTED;
	}

	/**
	 * Translate an SDK exception. Throttling and clock skew, as the SDK recognizes them
	 * under any of AWS's error names, are retryable; any other service answer is
	 * classified by {@link #outcomeOf(String, String, int)}; anything that is not a
	 * service answer (connection refused or reset, timeout, unreadable response) is
	 * retryable, because the request may not have reached the service and resending it is
	 * idempotent.
	 * @param operation the operation name, for the outcome and the message
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
							: outcomeOf(operation, errorCode, status);
			String message = operation + " failed with " + errorCode + " (HTTP " + status + ", " + outcome + "): "
					+ serviceException.getMessage();
			return new MeteringException(message, outcome, errorCode, ex);
		}
		return new MeteringException(
				operation + " failed without an answer from the service (RETRYABLE): " + ex.getMessage(),
				MeteringOutcome.RETRYABLE, null, ex);
	}

	/**
	 * The meaning an error name has for the operation it belongs to, and for any other.
	 *
	 * @param operation the operation whose own error it is
	 * @param there the outcome on that operation
	 * @param elsewhere the outcome on any other operation
	 */
	private record OwnError(String operation, MeteringOutcome there, MeteringOutcome elsewhere) {

	}

}
