package dev.metering.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
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
 * status has the outcome GUIDE §3 R4 gives it.
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
		for (String error : modelErrors) {
			int status = model.get("shapes").get(error).path("fault").asBoolean() ? 500 : 400;
			assertThat(MeteringErrors.outcomeOf(error, status)).as(error).isEqualTo(EXPECTED.get(error));
		}
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
	void translatesEverySdkExceptionClass(AwsServiceException.Builder builder, String errorCode) {
		boolean fault = errorCode.equals("InternalServiceErrorException");
		AwsServiceException exception = builder.message("refused")
			.statusCode(fault ? 500 : 400)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage("refused").build())
			.build();
		MeteringException translated = MeteringErrors.translate("MeterUsage", exception);
		assertThat(translated.getOutcome()).isEqualTo(EXPECTED.get(errorCode));
		assertThat(translated.getErrorCode()).isEqualTo(errorCode);
		assertThat(translated.getCause()).isSameAs(exception);
		assertThat(translated.getMessage()).startsWith("MeterUsage failed with " + errorCode)
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

	static JsonNode loadModel() throws IOException {
		try (InputStream model = MeteringErrorsTest.class.getResourceAsStream("/meteringmarketplace-service-2.json")) {
			return new ObjectMapper().readTree(model);
		}
	}

}
