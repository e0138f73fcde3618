package dev.metering.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator's rules against the official service model (botocore's
 * {@code meteringmarketplace} 2016-01-14): same patterns, same target prefix, and every
 * modeled error name it answers is declared for that operation.
 */
class ServiceModelTests {

	private static JsonNode model;

	@BeforeAll
	static void loadModel() throws IOException {
		try (InputStream in = ServiceModelTests.class.getResourceAsStream("/meteringmarketplace-service-2.json")) {
			model = Json.MAPPER.readTree(in);
		}
	}

	@Test
	void patternsAreTheModels() {
		assertThat(MeteringService.TAG.pattern()).isEqualTo(shape("TagKey").get("pattern").asText())
			.isEqualTo(shape("TagValue").get("pattern").asText());
		assertThat(MeteringService.PRODUCT_CODE.pattern()).isEqualTo(shape("ProductCode").get("pattern").asText());
		assertThat(MeteringService.ACCOUNT_ID.pattern())
			.isEqualTo(shape("CustomerAWSAccountId").get("pattern").asText());
	}

	@Test
	void targetPrefixAndOperationsAreTheModels() {
		assertThat(EmulatorHttpHandler.TARGET_PREFIX).isEqualTo(model.at("/metadata/targetPrefix").asText() + ".");
		Set<String> operations = new HashSet<>();
		model.get("operations").fieldNames().forEachRemaining(operations::add);
		assertThat(EmulatorHttpHandler.OPERATIONS).containsExactlyInAnyOrderElementsOf(operations);
	}

	@Test
	void modeledErrorsAnsweredAreDeclaredPerOperation() {
		assertThat(errors("MeterUsage")).contains("InternalServiceErrorException", "InvalidProductCodeException",
				"InvalidUsageDimensionException", "InvalidTagException", "InvalidUsageAllocationsException",
				"InvalidEndpointRegionException", "TimestampOutOfBoundsException", "DuplicateRequestException",
				"IdempotencyConflictException", "ThrottlingException", "CustomerNotEntitledException");
		assertThat(errors("BatchMeterUsage")).contains("InternalServiceErrorException", "InvalidProductCodeException",
				"InvalidUsageDimensionException", "InvalidTagException", "InvalidUsageAllocationsException",
				"InvalidCustomerIdentifierException", "TimestampOutOfBoundsException", "ThrottlingException");
		assertThat(errors("RegisterUsage")).contains("InvalidProductCodeException", "InvalidRegionException",
				"InvalidPublicKeyVersionException", "PlatformNotSupportedException", "CustomerNotEntitledException",
				"ThrottlingException", "InternalServiceErrorException");
		assertThat(errors("ResolveCustomer")).contains("InvalidTokenException", "ExpiredTokenException",
				"ThrottlingException", "InternalServiceErrorException");
	}

	@Test
	void batchStatusesAreTheModels() {
		Set<String> statuses = new HashSet<>();
		shape("UsageRecordResultStatus").get("enum").forEach((status) -> statuses.add(status.asText()));
		assertThat(statuses).containsExactlyInAnyOrder("Success", "CustomerNotSubscribed", "DuplicateRecord");
	}

	private static JsonNode shape(String name) {
		return model.get("shapes").get(name);
	}

	private static Set<String> errors(String operation) {
		Set<String> names = new HashSet<>();
		model.get("operations").get(operation).get("errors").forEach((error) -> names.add(error.get("shape").asText()));
		return names;
	}

}
