package dev.metering.core;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.metering.aop.SummingUsageLedger;
import dev.metering.core.MeteringGateway;
import dev.metering.test.CapturingMeteringServer;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@code LicenseArn} on the wire with the project's SDK version (2.41.4, whose
 * model has no such field): {@link LicenseArns} and {@link LicenseArnInterceptor}.
 */
class LicenseWireTests {

	private static final Instant TEN = Instant.parse("2026-07-01T10:00:00Z");

	private static final String ACCOUNT = "111122223333";

	private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license:l-aaaa1111";

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-bbbb2222";

	private CapturingMeteringServer server;

	private MarketplaceMeteringClient client;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	private MeteringTemplate template(boolean withInterceptor) throws Exception {
		this.server = new CapturingMeteringServer();
		this.client = withInterceptor ? TestClients.licenseClient(this.server.endpoint())
				: MarketplaceMeteringClient.builder()
					.endpointOverride(this.server.endpoint())
					.region(Region.US_EAST_1)
					.credentialsProvider(
							StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSELLER", "secret")))
					.build();
		return new MeteringTemplate(new MeteringGateway(this.client, "prod-legacy"),
				new UsageCapture(new SummingUsageLedger(), Set.of(), SaasIntegration.LICENSE));
	}

	private static UsageRecord record(String account, int quantity) {
		return UsageRecord.builder()
			.timestamp(TEN)
			.customerAWSAccountId(account)
			.dimension("scans")
			.quantity(quantity)
			.build();
	}

	@Test
	void theProjectsSdkHasNoLicenseArnField() {
		assertThat(LicenseArns.sdkHasField()).isFalse();
	}

	@Test
	void batchMeterUsageSendsLicenseArnPerRecordAndNoProductCode() throws Exception {
		MeteringTemplate template = template(true);
		BatchMeterUsageRequest request = LicenseArns.withLicenseArns(
				BatchMeterUsageRequest.builder().usageRecords(record(ACCOUNT, 2), record("444455556666", 5)).build(),
				List.of(LICENSE_A, LICENSE_B));
		BatchMeterUsageResponse response = template.batchMeterUsage(request);
		assertThat(response.results()).hasSize(2)
			.allSatisfy((result) -> assertThat(result.statusAsString()).isEqualTo("Success"));
		assertThat(this.server.requests()).singleElement().satisfies((captured) -> {
			assertThat(captured.target()).isEqualTo("AWSMPMeteringService.BatchMeterUsage");
			assertThat(captured.body()).isEqualTo(
					"{\"UsageRecords\":[" + "{\"Timestamp\":1782900000.000,\"Dimension\":\"scans\",\"Quantity\":2,"
							+ "\"CustomerAWSAccountId\":\"111122223333\",\"LicenseArn\":\"" + LICENSE_A + "\"},"
							+ "{\"Timestamp\":1782900000.000,\"Dimension\":\"scans\",\"Quantity\":5,"
							+ "\"CustomerAWSAccountId\":\"444455556666\",\"LicenseArn\":\"" + LICENSE_B + "\"}]}");
		});
	}

	@Test
	void aLegacyBatchIsSentUnchangedWithTheProductCode() throws Exception {
		MeteringTemplate template = template(true);
		template.batchMeterUsage(BatchMeterUsageRequest.builder().usageRecords(record(ACCOUNT, 2)).build());
		assertThat(this.server.requests()).singleElement()
			.satisfies((captured) -> assertThat(captured.body())
				.isEqualTo("{\"UsageRecords\":[{\"Timestamp\":1782900000.000,"
						+ "\"Dimension\":\"scans\",\"Quantity\":2,\"CustomerAWSAccountId\":\"111122223333\"}],"
						+ "\"ProductCode\":\"prod-legacy\"}"));
	}

	@Test
	void aLicenseBatchIsRefusedBeforeSendingWhenTheClientHasNoInterceptor() throws Exception {
		MeteringTemplate template = template(false);
		BatchMeterUsageRequest request = LicenseArns.withLicenseArns(
				BatchMeterUsageRequest.builder().usageRecords(record(ACCOUNT, 2)).build(), List.of(LICENSE_A));
		assertThatIllegalStateException().isThrownBy(() -> template.batchMeterUsage(request))
			.withMessageContaining("LicenseArnInterceptor");
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void resolveCustomerGivesTheLicenseArn() throws Exception {
		MeteringTemplate template = template(true);
		this.server.answerResolveCustomer("{\"CustomerAWSAccountId\":\"111122223333\",\"LicenseArn\":\"" + LICENSE_A
				+ "\",\"ProductCode\":\"prod-new\"}");
		ResolvedCustomer customer = template.resolveCustomer("token-1");
		assertThat(customer).isEqualTo(new ResolvedCustomer(null, ACCOUNT, LICENSE_A, "prod-new"));
		assertThat(customer.toCustomer()).isEqualTo(MarketplaceCustomer.license(ACCOUNT, LICENSE_A));
	}

	@Test
	void resolveCustomerOfALegacyProductGivesTheCustomerIdentifier() throws Exception {
		MeteringTemplate template = template(true);
		this.server.answerResolveCustomer(
				"{\"CustomerIdentifier\":\"cust-1\",\"CustomerAWSAccountId\":\"111122223333\",\"ProductCode\":\"p\"}");
		ResolvedCustomer customer = template.resolveCustomer("token-1");
		assertThat(customer).isEqualTo(new ResolvedCustomer("cust-1", ACCOUNT, null, "p"));
		assertThat(customer.toCustomer()).isEqualTo(MarketplaceCustomer.legacy("cust-1"));
	}

	@Test
	void aLicenseRequestWithAProductCodeIsRefused() throws Exception {
		MeteringTemplate template = template(true);
		BatchMeterUsageRequest request = LicenseArns.withLicenseArns(
				BatchMeterUsageRequest.builder().productCode("prod-1").usageRecords(record(ACCOUNT, 2)).build(),
				List.of(LICENSE_A));
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> template.batchMeterUsage(request))
			.withMessageContaining("productCode \"prod-1\" must not be set: records with a licenseArn");
	}

	@Test
	void aLicenseRecordNeedsAnAccountIdAndAValidArn() {
		UsageRecord byIdentifier = UsageRecord.builder()
			.timestamp(TEN)
			.customerIdentifier("cust-1")
			.dimension("scans")
			.quantity(1)
			.build();
		BatchMeterUsageRequest request = LicenseArns.withLicenseArns(
				BatchMeterUsageRequest.builder().usageRecords(byIdentifier, record(ACCOUNT, 1)).build(),
				List.of(LICENSE_A, "not-an-arn"));
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> MeteringRequestValidator.validate(request))
			.satisfies((ex) -> assertThat(ex.violations()).contains(
					"usageRecords[0].customerIdentifier \"cust-1\" must not be set with a licenseArn: use customerAWSAccountId")
				.anySatisfy((violation) -> assertThat(violation)
					.startsWith("usageRecords[1].licenseArn \"not-an-arn\" must match ^arn:aws")));
	}

}
