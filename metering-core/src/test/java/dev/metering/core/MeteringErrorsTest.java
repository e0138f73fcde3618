package dev.metering.core;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.DisabledApiException;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.IdempotencyConflictException;
import software.amazon.awssdk.services.marketplacemetering.model.InternalServiceErrorException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidCustomerIdentifierException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidEndpointRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidPublicKeyVersionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteringErrors}: every error of the service model and every record
 * status has the outcome GUIDE §3 R4 gives it, on each operation that answers it.
 */
class MeteringErrorsTest {

	/**
	 * The outcome of every error shape of the official model, as the guide's R4 table.
	 */
	private static final Map<String, MeteringOutcome> EXPECTED = Map.ofEntries(
			Map.entry("ThrottlingException", MeteringOutcome.RETRYABLE),
			Map.entry("InternalServiceErrorException", MeteringOutcome.RETRYABLE),
			Map.entry("TimestampOutOfBoundsException", MeteringOutcome.EXPIRED),
			Map.entry("DuplicateRequestException", MeteringOutcome.DUPLICATE),
			Map.entry("IdempotencyConflictException", MeteringOutcome.DUPLICATE),
			Map.entry("CustomerNotEntitledException", MeteringOutcome.NOT_ENTITLED),
			Map.entry("DisabledApiException", MeteringOutcome.REJECTED),
			Map.entry("ExpiredTokenException", MeteringOutcome.REJECTED),
			Map.entry("InvalidCustomerIdentifierException", MeteringOutcome.REJECTED),
			Map.entry("InvalidEndpointRegionException", MeteringOutcome.REJECTED),
			Map.entry("InvalidLicenseException", MeteringOutcome.REJECTED),
			Map.entry("InvalidProductCodeException", MeteringOutcome.REJECTED),
			Map.entry("InvalidPublicKeyVersionException", MeteringOutcome.REJECTED),
			Map.entry("InvalidRegionException", MeteringOutcome.REJECTED),
			Map.entry("InvalidTagException", MeteringOutcome.REJECTED),
			Map.entry("InvalidTokenException", MeteringOutcome.REJECTED),
			Map.entry("InvalidUsageAllocationsException", MeteringOutcome.REJECTED),
			Map.entry("InvalidUsageDimensionException", MeteringOutcome.REJECTED),
			Map.entry("PlatformNotSupportedException", MeteringOutcome.REJECTED));

	/**
	 * The errors any AWS API may answer whatever its model says (AWS's "Common Errors" of
	 * the JSON protocols), with their HTTP status and their outcome on MeterUsage: a
	 * refusal of the caller is never a verdict on the usage, and an aborted or timed-out
	 * request is resent.
	 */
	private static final Map<String, Map.Entry<Integer, MeteringOutcome>> COMMON_ERRORS = Map.ofEntries(
			Map.entry("AccessDeniedException", Map.entry(400, MeteringOutcome.UNAUTHORIZED)),
			Map.entry("ExpiredTokenException", Map.entry(403, MeteringOutcome.UNAUTHORIZED)),
			Map.entry("IncompleteSignature", Map.entry(403, MeteringOutcome.UNAUTHORIZED)),
			Map.entry("InternalFailure", Map.entry(500, MeteringOutcome.RETRYABLE)),
			Map.entry("MalformedHttpRequestException", Map.entry(400, MeteringOutcome.REJECTED)),
			Map.entry("NotAuthorized", Map.entry(401, MeteringOutcome.UNAUTHORIZED)),
			Map.entry("OptInRequired", Map.entry(403, MeteringOutcome.UNAUTHORIZED)),
			Map.entry("RequestAbortedException", Map.entry(400, MeteringOutcome.RETRYABLE)),
			Map.entry("RequestEntityTooLargeException", Map.entry(413, MeteringOutcome.REJECTED)),
			Map.entry("RequestExpired", Map.entry(400, MeteringOutcome.RETRYABLE)),
			Map.entry("RequestTimeoutException", Map.entry(408, MeteringOutcome.RETRYABLE)),
			Map.entry("ServiceUnavailable", Map.entry(503, MeteringOutcome.RETRYABLE)),
			Map.entry("ThrottlingException", Map.entry(400, MeteringOutcome.RETRYABLE)),
			Map.entry("UnrecognizedClientException", Map.entry(403, MeteringOutcome.UNAUTHORIZED)),
			Map.entry("UnknownOperationException", Map.entry(404, MeteringOutcome.REJECTED)),
			Map.entry("ValidationError", Map.entry(400, MeteringOutcome.REJECTED)));

	@Test
	void everyCommonAwsErrorHasItsOutcome() {
		COMMON_ERRORS.forEach((error, answer) -> {
			AwsServiceException exception = MarketplaceMeteringException.builder()
				.statusCode(answer.getKey())
				.awsErrorDetails(AwsErrorDetails.builder().errorCode(error).build())
				.build();
			assertThat(MeteringErrors.translate("MeterUsage", exception).getOutcome()).as(error)
				.isEqualTo(answer.getValue());
		});
	}

	@Test
	void everyErrorOfTheServiceModelHasItsOutcome() throws IOException {
		JsonNode model = loadModel();
		TreeSet<String> modelErrors = new TreeSet<>();
		model.get("shapes").fields().forEachRemaining((shape) -> {
			if (shape.getValue().path("exception").asBoolean()) {
				modelErrors.add(shape.getKey());
			}
		});
		assertThat(modelErrors).as("error shapes of the model").isEqualTo(new TreeSet<>(EXPECTED.keySet()));
		errorsByOperation(model).forEach((operation, errors) -> {
			for (String error : errors) {
				int status = model.get("shapes").get(error).path("fault").asBoolean() ? 500 : 400;
				assertThat(MeteringErrors.outcomeOf(operation, error, status)).as(operation + " " + error)
					.isEqualTo(EXPECTED.get(error));
			}
		});
	}

	@Test
	void everyErrorNameDeclaredIsOneAwsAnswers() throws Exception {
		TreeSet<String> answers = new TreeSet<>(COMMON_ERRORS.keySet());
		loadModel().get("shapes").fields().forEachRemaining((shape) -> {
			if (shape.getValue().path("exception").asBoolean()) {
				answers.add(shape.getKey());
			}
		});
		UsageRecordResultStatus.knownValues().forEach((status) -> answers.add(status.toString()));
		// DryRun answers (documented, not in the model), and the name of unprocessed
		// records
		answers.addAll(List.of("DryRunOperation", "UnauthorizedException", "UnprocessedRecords"));
		for (Field field : MeteringErrors.class.getFields()) {
			if (field.getType() == String.class && Modifier.isStatic(field.getModifiers())) {
				assertThat(answers).as(field.getName()).contains((String) field.get(null));
			}
		}
	}

	@Test
	void theErrorNamesOfTheModelThatAnyAwsCallMayGetAreExactlyThese() throws IOException {
		TreeSet<String> shared = new TreeSet<>();
		errorsByOperation(loadModel()).values().forEach(shared::addAll);
		shared.retainAll(COMMON_ERRORS.keySet());
		assertThat(shared).as("names of the model that AWS also answers to any call")
			.containsExactly("ExpiredTokenException", "ThrottlingException");
	}

	@Test
	void expiredTokenIsTheBuyersTokenOnResolveCustomerAndTheCallersCredentialsElsewhere() {
		assertThat(MeteringErrors.outcomeOf("ResolveCustomer", "ExpiredTokenException", 400))
			.isEqualTo(MeteringOutcome.REJECTED);
		for (String operation : new String[] { "MeterUsage", "BatchMeterUsage", "RegisterUsage" }) {
			for (int status : new int[] { 400, 403 }) {
				assertThat(MeteringErrors.outcomeOf(operation, "ExpiredTokenException", status))
					.as(operation + " HTTP " + status)
					.isEqualTo(MeteringOutcome.UNAUTHORIZED);
			}
		}
		assertThat(MeteringErrors.outcomeOf("ExpiredTokenException", 400)).as("operation unknown")
			.isEqualTo(MeteringOutcome.UNAUTHORIZED);
	}

	@Test
	void throttlingMeansTheSameOnEveryOperation() throws IOException {
		for (String operation : errorsByOperation(loadModel()).keySet()) {
			assertThat(MeteringErrors.outcomeOf(operation, "ThrottlingException", 400)).as(operation)
				.isEqualTo(MeteringOutcome.RETRYABLE);
		}
	}

	@Test
	void anExpiredTokenTranslatedFromTheSdkDependsOnTheOperation() {
		AwsServiceException expired = ExpiredTokenException.builder()
			.message("The security token included in the request is expired")
			.statusCode(400)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode("ExpiredTokenException").build())
			.build();
		assertThat(MeteringErrors.translate("BatchMeterUsage", expired).getOutcome())
			.isEqualTo(MeteringOutcome.UNAUTHORIZED);
		assertThat(MeteringErrors.translate("ResolveCustomer", expired).getOutcome())
			.isEqualTo(MeteringOutcome.REJECTED);
	}

	@Test
	void everyBatchRecordStatusHasItsOutcome() {
		assertThat(MeteringErrors.outcomeOf(UsageRecordResultStatus.DUPLICATE_RECORD.toString(), 200))
			.isEqualTo(MeteringOutcome.DUPLICATE);
		assertThat(MeteringErrors.outcomeOf(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED.toString(), 200))
			.isEqualTo(MeteringOutcome.NOT_ENTITLED);
	}

	@Test
	void unknownErrorsAreRetriedOnlyWhenTheStatusSaysSo() {
		assertThat(MeteringErrors.outcomeOf("ServiceUnavailableException", 503)).isEqualTo(MeteringOutcome.RETRYABLE);
		assertThat(MeteringErrors.outcomeOf(null, 502)).isEqualTo(MeteringOutcome.RETRYABLE);
		assertThat(MeteringErrors.outcomeOf("TooManyRequestsException", 429)).isEqualTo(MeteringOutcome.RETRYABLE);
		assertThat(MeteringErrors.outcomeOf("ValidationException", 400)).isEqualTo(MeteringOutcome.REJECTED);

		assertThat(MeteringErrors.outcomeOf("SomethingNew", 400)).isEqualTo(MeteringOutcome.REJECTED);
	}

	@ParameterizedTest
	@MethodSource("sdkExceptions")
	void translatesEverySdkExceptionClass(AwsServiceException.Builder builder, String errorCode) throws IOException {
		boolean fault = errorCode.equals("InternalServiceErrorException");
		AwsServiceException exception = builder.message("refused")
			.statusCode(fault ? 500 : 400)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage("refused").build())
			.build();
		String operation = operationOf(errorCode);
		MeteringException translated = MeteringErrors.translate(operation, exception);
		assertThat(translated.getOutcome()).isEqualTo(EXPECTED.get(errorCode));
		assertThat(translated.getErrorCode()).isEqualTo(errorCode);
		assertThat(translated.getCause()).isSameAs(exception);
		assertThat(translated.getMessage()).startsWith(operation + " failed with " + errorCode)
			.contains(EXPECTED.get(errorCode).name());
	}

	static Stream<Arguments> sdkExceptions() {
		return Stream.of(Arguments.of(ThrottlingException.builder(), "ThrottlingException"),
				Arguments.of(InternalServiceErrorException.builder(), "InternalServiceErrorException"),
				Arguments.of(TimestampOutOfBoundsException.builder(), "TimestampOutOfBoundsException"),
				Arguments.of(DuplicateRequestException.builder(), "DuplicateRequestException"),
				Arguments.of(IdempotencyConflictException.builder(), "IdempotencyConflictException"),
				Arguments.of(CustomerNotEntitledException.builder(), "CustomerNotEntitledException"),
				Arguments.of(DisabledApiException.builder(), "DisabledApiException"),
				Arguments.of(ExpiredTokenException.builder(), "ExpiredTokenException"),
				Arguments.of(InvalidCustomerIdentifierException.builder(), "InvalidCustomerIdentifierException"),
				Arguments.of(InvalidEndpointRegionException.builder(), "InvalidEndpointRegionException"),
				Arguments.of(InvalidProductCodeException.builder(), "InvalidProductCodeException"),
				Arguments.of(InvalidPublicKeyVersionException.builder(), "InvalidPublicKeyVersionException"),
				Arguments.of(InvalidRegionException.builder(), "InvalidRegionException"),
				Arguments.of(InvalidTagException.builder(), "InvalidTagException"),
				Arguments.of(InvalidTokenException.builder(), "InvalidTokenException"),
				Arguments.of(InvalidUsageAllocationsException.builder(), "InvalidUsageAllocationsException"),
				Arguments.of(InvalidUsageDimensionException.builder(), "InvalidUsageDimensionException"),
				Arguments.of(PlatformNotSupportedException.builder(), "PlatformNotSupportedException"),
				Arguments.of(MarketplaceMeteringException.builder(), "InvalidLicenseException"));
	}

	@Test
	void refusedCredentialsOrPermissionsAreUnauthorizedNeverRejected() {
		for (String error : new String[] { "UnauthorizedException", "AccessDeniedException",
				"UnrecognizedClientException", "InvalidClientTokenId", "MissingAuthenticationTokenException" }) {
			assertThat(MeteringErrors.outcomeOf(error, 403)).as(error).isEqualTo(MeteringOutcome.UNAUTHORIZED);
		}
	}

	@Test
	void throttlingAndClockSkewUnderAnyNameAreRetryable() {
		for (String error : new String[] { "RequestLimitExceeded", "TooManyRequestsException", "RequestExpired",
				"RequestTimeTooSkewed" }) {
			AwsServiceException exception = MarketplaceMeteringException.builder()
				.statusCode(400)
				.awsErrorDetails(AwsErrorDetails.builder().errorCode(error).build())
				.build();
			assertThat(MeteringErrors.translate("MeterUsage", exception).getOutcome()).as(error)
				.isEqualTo(MeteringOutcome.RETRYABLE);
		}
	}

	@Test
	void failuresWithoutAnAnswerAreRetryable() {
		MeteringException refused = MeteringErrors.translate("BatchMeterUsage",
				SdkClientException.create("Unable to execute HTTP request: Connection reset"));
		assertThat(refused.getOutcome()).isEqualTo(MeteringOutcome.RETRYABLE);
		assertThat(refused.getErrorCode()).isNull();
		MeteringException timedOut = MeteringErrors.translate("BatchMeterUsage",
				ApiCallTimeoutException.create(10_000));
		assertThat(timedOut.getOutcome()).isEqualTo(MeteringOutcome.RETRYABLE);
	}

	private static String operationOf(String error) throws IOException {
		return errorsByOperation(loadModel()).entrySet()
			.stream()
			.filter((operation) -> operation.getValue().contains(error))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow();
	}

	private static Map<String, List<String>> errorsByOperation(JsonNode model) {
		Map<String, List<String>> errors = new TreeMap<>();
		model.get("operations").fields().forEachRemaining((operation) -> {
			List<String> names = new ArrayList<>();
			operation.getValue().path("errors").forEach((error) -> names.add(error.get("shape").asText()));
			errors.put(operation.getKey(), names);
		});
		return errors;
	}

	static JsonNode loadModel() throws IOException {
		try (InputStream model = MeteringErrorsTest.class.getResourceAsStream("/meteringmarketplace-service-2.json")) {
			return new ObjectMapper().readTree(model);
		}
	}

}
