package dev.metering.emulator;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The license integration of SaaS products (listed since 2026-06-01), over the AWS JSON
 * 1.1 wire: ResolveCustomer answers {@code LicenseArn}, BatchMeterUsage takes
 * {@code CustomerAWSAccountId} + {@code LicenseArn} without a product code, dedupes per
 * (account, license, dimension, hour), accepts 24 hours back but not the previous month
 * after 06:00 UTC on the 1st.
 */
class LicenseIntegrationTests {

	private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDSELLER/20260701/us-east-1/"
			+ "aws-marketplace/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

	private static final String ACCOUNT = "111122223333";

	private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license:l-aaaa1111";

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-bbbb2222";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-07-14T12:30:00Z"));

	private final MarketplaceMeteringEmulator emulator = MarketplaceMeteringEmulator.builder()
		.clock(this.clock)
		.product("prod-legacy", Set.of())
		.licenseProduct("prod-new", Set.of("scans"))
		.license(LICENSE_B, ACCOUNT, "prod-new")
		.licenseRegistrationToken("token-new", ACCOUNT, LICENSE_A)
		.registrationToken("token-legacy", "cust-1", ACCOUNT, "prod-legacy")
		.build()
		.start();

	@AfterEach
	void close() {
		this.emulator.close();
	}

	@Test
	void resolveCustomerOfALicenseProductAnswersTheLicenseAndNoCustomerIdentifier() throws Exception {
		JsonNode answer = ok("ResolveCustomer", "{\"RegistrationToken\":\"token-new\"}");
		assertThat(answer.has("CustomerIdentifier")).isFalse();
		assertThat(answer.path("CustomerAWSAccountId").asText()).isEqualTo(ACCOUNT);
		assertThat(answer.path("LicenseArn").asText()).isEqualTo(LICENSE_A);
		assertThat(answer.path("ProductCode").asText()).isEqualTo("prod-new");
		JsonNode legacy = ok("ResolveCustomer", "{\"RegistrationToken\":\"token-legacy\"}");
		assertThat(legacy.path("CustomerIdentifier").asText()).isEqualTo("cust-1");
		assertThat(legacy.has("LicenseArn")).isFalse();
	}

	@Test
	void twoLicensesOfOneAccountInOneHourAreTwoRecordsDedupedPerLicense() throws Exception {
		String body = batch(record("2026-07-14T11:00:00Z", 3, LICENSE_A), record("2026-07-14T11:00:00Z", 5, LICENSE_B));
		JsonNode answer = ok("BatchMeterUsage", body);
		assertThat(answer.path("Results")).extracting((result) -> result.path("Status").asText())
			.containsExactly("Success", "Success");
		assertThat(this.emulator.records())
			.extracting(AcceptedRecord::productCode, AcceptedRecord::customer, AcceptedRecord::licenseArn,
					AcceptedRecord::quantity)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("prod-new", ACCOUNT, LICENSE_A, 3L),
					org.assertj.core.groups.Tuple.tuple("prod-new", ACCOUNT, LICENSE_B, 5L));
		JsonNode again = ok("BatchMeterUsage", batch(record("2026-07-14T11:00:00Z", 4, LICENSE_A)));
		assertThat(again.path("Results").get(0).path("Status").asText()).isEqualTo("DuplicateRecord");
		assertThat(this.emulator.mixedShapes()).isEmpty();
	}

	@Test
	void anUnknownLicenseIsInvalidLicenseException() throws Exception {
		HttpResponse<String> response = aws("BatchMeterUsage",
				batch(record("2026-07-14T11:00:00Z", 3, "arn:aws:license-manager::123456789012:license:l-unknown")));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(response.body()).path("__type").asText()).isEqualTo("InvalidLicenseException");
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void aLicenseOfAnotherAccountIsInvalidLicenseException() throws Exception {
		String record = "{\"Timestamp\":1784026800,\"CustomerAWSAccountId\":\"444455556666\",\"Dimension\":\"scans\","
				+ "\"Quantity\":1,\"LicenseArn\":\"" + LICENSE_A + "\"}";
		HttpResponse<String> response = aws("BatchMeterUsage", batch(record));
		assertThat(JSON.readTree(response.body()).path("__type").asText()).isEqualTo("InvalidLicenseException");
	}

	@Test
	void aLicenseProductRefusesCustomerIdentifierRecords() throws Exception {
		HttpResponse<String> response = aws("BatchMeterUsage", "{\"ProductCode\":\"prod-new\",\"UsageRecords\":["
				+ "{\"Timestamp\":1784026800,\"CustomerIdentifier\":\"cust-1\",\"Dimension\":\"scans\",\"Quantity\":1}]}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(response.body()).path("__type").asText())
			.isEqualTo("InvalidCustomerIdentifierException");
	}

	@Test
	void legacyAndLicenseRecordsForOneAccountAndHourAreBothBilledAndShownAsMixed() throws Exception {
		ok("BatchMeterUsage", "{\"ProductCode\":\"prod-legacy\",\"UsageRecords\":[{\"Timestamp\":1784026800,"
				+ "\"CustomerIdentifier\":\"cust-1\",\"Dimension\":\"scans\",\"Quantity\":1}]}");
		ok("BatchMeterUsage", batch(record("2026-07-14T11:00:00Z", 2, LICENSE_A)));
		assertThat(this.emulator.records()).hasSize(2);
		assertThat(this.emulator.mixedShapes())
			.containsExactly(new MixedShape(ACCOUNT, Instant.parse("2026-07-14T11:00:00Z")));
		HttpResponse<String> inspection = this.http.send(
				HttpRequest.newBuilder(this.emulator.endpoint().resolve("/emulator/mixed-shapes")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(inspection.body())
			.isEqualTo("[{\"customerAwsAccountId\":\"111122223333\",\"hour\":\"2026-07-14T11:00:00Z\"}]");
	}

	@Test
	void batchMeterUsageAcceptsTwentyFourHoursBack() throws Exception {
		this.clock.set(Instant.parse("2026-07-15T07:00:00Z"));
		JsonNode answer = ok("BatchMeterUsage", batch(record("2026-07-14T11:00:00Z", 3, LICENSE_A)));
		assertThat(answer.path("Results").get(0).path("Status").asText()).isEqualTo("Success");
		this.clock.set(Instant.parse("2026-07-15T11:00:01Z"));
		assertThat(JSON.readTree(aws("BatchMeterUsage", batch(record("2026-07-14T11:00:00Z", 3, LICENSE_B))).body())
			.path("__type")
			.asText()).isEqualTo("TimestampOutOfBoundsException");
	}

	@Test
	void thePreviousMonthIsRefusedAfter0600OnThe1st() throws Exception {
		this.clock.set(Instant.parse("2026-11-01T05:59:59Z"));
		assertThat(ok("BatchMeterUsage", batch(record("2026-10-31T23:00:00Z", 3, LICENSE_A))).path("Results")
			.get(0)
			.path("Status")
			.asText()).isEqualTo("Success");
		this.clock.set(Instant.parse("2026-11-01T06:00:00Z"));
		assertThat(JSON.readTree(aws("BatchMeterUsage", batch(record("2026-10-31T23:00:00Z", 3, LICENSE_B))).body())
			.path("__type")
			.asText()).isEqualTo("TimestampOutOfBoundsException");
	}

	@Test
	void meterUsageStaysAtSixHours() throws Exception {
		HttpResponse<String> response = aws("MeterUsage", "{\"ProductCode\":\"prod-legacy\",\"Timestamp\":"
				+ Instant.parse("2026-07-14T05:00:00Z").getEpochSecond() + ",\"UsageDimension\":\"scans\"}");
		assertThat(JSON.readTree(response.body()).path("__type").asText()).isEqualTo("TimestampOutOfBoundsException");
	}

	private static String record(String hour, int quantity, String license) {
		return "{\"Timestamp\":" + Instant.parse(hour).getEpochSecond() + ",\"CustomerAWSAccountId\":\"" + ACCOUNT
				+ "\",\"Dimension\":\"scans\",\"Quantity\":" + quantity + ",\"LicenseArn\":\"" + license + "\"}";
	}

	private static String batch(String... records) {
		return "{\"UsageRecords\":[" + String.join(",", records) + "]}";
	}

	private JsonNode ok(String operation, String body) throws Exception {
		HttpResponse<String> response = aws(operation, body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> aws(String operation, String body) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(this.emulator.endpoint().resolve("/"))
			.header("X-Amz-Target", "AWSMPMeteringService." + operation)
			.header("Content-Type", "application/x-amz-json-1.1")
			.header("Authorization", AUTHORIZATION)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
