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

	/** The request rate is over the quota. */
	public static final String THROTTLING = "ThrottlingException";

	/** A fault of the service (HTTP 500). */
	public static final String INTERNAL_SERVICE_ERROR = "InternalServiceErrorException";

	/** The hour is outside the acceptance window. */
	public static final String TIMESTAMP_OUT_OF_BOUNDS = "TimestampOutOfBoundsException";

	/** MeterUsage: AWS holds another quantity for the dimension and hour. */
	public static final String DUPLICATE_REQUEST = "DuplicateRequestException";

	/** BatchMeterUsage record status: AWS holds another quantity for the key and hour. */
	public static final String DUPLICATE_RECORD = "DuplicateRecord";

	/** One client token was sent with two contents. */
	public static final String IDEMPOTENCY_CONFLICT = "IdempotencyConflictException";

	/** The buyer is not entitled to the product. */
	public static final String CUSTOMER_NOT_ENTITLED = "CustomerNotEntitledException";

	/** BatchMeterUsage record status: the customer is not subscribed. */
	public static final String CUSTOMER_NOT_SUBSCRIBED = "CustomerNotSubscribed";

	/** The caller may not call the operation. */
	public static final String UNAUTHORIZED = "UnauthorizedException";

	/** The caller's IAM permissions refuse the call. */
	public static final String ACCESS_DENIED = "AccessDeniedException";

	/** An expired registration token or expired temporary credentials. */
	public static final String EXPIRED_TOKEN = "ExpiredTokenException";

	/** RegisterUsage from outside Amazon ECS, Amazon EKS or AWS Fargate. */
	public static final String PLATFORM_NOT_SUPPORTED = "PlatformNotSupportedException";

	/** RegisterUsage in a region other than the workload's. */
	public static final String INVALID_REGION = "InvalidRegionException";

	/** A call to a region other than the workload's. */
	public static final String INVALID_ENDPOINT_REGION = "InvalidEndpointRegionException";

	/** AWS does not know the public key version. */
	public static final String INVALID_PUBLIC_KEY_VERSION = "InvalidPublicKeyVersionException";

	/** AWS does not know the product code. */
	public static final String INVALID_PRODUCT_CODE = "InvalidProductCodeException";

	/** BatchMeterUsage: a record's license is not valid. */
	public static final String INVALID_LICENSE = "InvalidLicenseException";

	/** The Metering API is disabled for the caller. */
	public static final String DISABLED_API = "DisabledApiException";

	/** DryRun: the caller may make the request. */
	public static final String DRY_RUN_OPERATION = "DryRunOperation";

	/**
	 * Not an AWS error: the name this library gives to BatchMeterUsage records AWS
	 * returned unprocessed.
	 */
	public static final String UNPROCESSED_RECORDS = "UnprocessedRecords";

	private static final Map<String, MeteringOutcome> OUTCOMES = Map.ofEntries(
			Map.entry(THROTTLING, MeteringOutcome.RETRYABLE),
			Map.entry(INTERNAL_SERVICE_ERROR, MeteringOutcome.RETRYABLE),
			Map.entry(TIMESTAMP_OUT_OF_BOUNDS, MeteringOutcome.EXPIRED),
			Map.entry(DUPLICATE_REQUEST, MeteringOutcome.DUPLICATE),
			Map.entry(IDEMPOTENCY_CONFLICT, MeteringOutcome.DUPLICATE),
			Map.entry(DUPLICATE_RECORD, MeteringOutcome.DUPLICATE),
			Map.entry(CUSTOMER_NOT_ENTITLED, MeteringOutcome.NOT_ENTITLED),
			Map.entry(CUSTOMER_NOT_SUBSCRIBED, MeteringOutcome.NOT_ENTITLED),
			Map.entry(UNAUTHORIZED, MeteringOutcome.UNAUTHORIZED),
			Map.entry(ACCESS_DENIED, MeteringOutcome.UNAUTHORIZED),
			Map.entry("UnrecognizedClientException", MeteringOutcome.UNAUTHORIZED),
			Map.entry("InvalidClientTokenId", MeteringOutcome.UNAUTHORIZED),
			Map.entry("MissingAuthenticationTokenException", MeteringOutcome.UNAUTHORIZED),
			Map.entry("NotAuthorized", MeteringOutcome.UNAUTHORIZED),
			Map.entry("IncompleteSignature", MeteringOutcome.UNAUTHORIZED),
			Map.entry("OptInRequired", MeteringOutcome.UNAUTHORIZED),
			Map.entry("RequestTimeoutException", MeteringOutcome.RETRYABLE),
			Map.entry("RequestAbortedException", MeteringOutcome.RETRYABLE),
			Map.entry(PLATFORM_NOT_SUPPORTED, MeteringOutcome.REJECTED),
			Map.entry(INVALID_REGION, MeteringOutcome.REJECTED),
			Map.entry(INVALID_ENDPOINT_REGION, MeteringOutcome.REJECTED),
			Map.entry(INVALID_PUBLIC_KEY_VERSION, MeteringOutcome.REJECTED),
			Map.entry(INVALID_PRODUCT_CODE, MeteringOutcome.REJECTED),
			Map.entry(INVALID_LICENSE, MeteringOutcome.REJECTED), Map.entry(DISABLED_API, MeteringOutcome.REJECTED));

	/**
	 * Error names AWS answers with two meanings: an operation's own error, and a refusal
	 * of the caller's credentials that any call may get. {@code ExpiredTokenException} is
	 * the buyer's expired registration token on ResolveCustomer, and expired temporary
	 * credentials (a failed refresh of the role's session) on every other call.
	 */
	private static final Map<String, OwnError> OPERATION_ERRORS = Map.of(EXPIRED_TOKEN,
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
