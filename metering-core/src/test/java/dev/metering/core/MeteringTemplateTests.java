package dev.metering.core;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link MeteringTemplate} over a mocked SDK client. The real client against
 * the emulator is exercised by {@code MeteringTemplateEmulatorTests}.
 */
class MeteringTemplateTests {

	private static final Instant HOUR = Instant.parse("2026-01-02T03:00:00Z");

	private final MarketplaceMeteringClient client = mock(MarketplaceMeteringClient.class);

	private final UsageLedger ledger = mock(UsageLedger.class);

	private final MeteringTemplate template = new MeteringTemplate(new MeteringGateway(this.client, "prod-configured"),
			new UsageCapture(this.ledger, Set.of("scans", "pages"), SaasIntegration.LEGACY));

	@Test
	void recordsUsageIntoTheLedger() {
		this.template.record("scans", 3);
		this.template.record("pages", 2, Map.of("team", "a"), "customer-1");
		verify(this.ledger).record(UsageKey.of("scans"), 3);
		verify(this.ledger).record(UsageKey.of("pages", "customer-1", Map.of("team", "a")), 2);
		verifyNoInteractions(this.client);
	}

	@Test
	void refusesToRecordBadArguments() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.template.record("bytes", 1))
			.withMessageContaining("bytes");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.template.record("scans", -1))
			.withMessageContaining("quantity");
		verifyNoInteractions(this.ledger);
	}

	@Test
	void meterUsageUsesTheConfiguredProductCodeWhenTheRequestHasNone() {
		given(this.client.meterUsage(any(MeterUsageRequest.class)))
			.willReturn(MeterUsageResponse.builder().meteringRecordId("rec-1").build());
		MeterUsageResponse response = this.template
			.meterUsage(MeterUsageRequest.builder().usageDimension("scans").timestamp(HOUR).usageQuantity(3).build());
		assertThat(response.meteringRecordId()).isEqualTo("rec-1");
		ArgumentCaptor<MeterUsageRequest> sent = ArgumentCaptor.forClass(MeterUsageRequest.class);
		verify(this.client).meterUsage(sent.capture());
		assertThat(sent.getValue().productCode()).isEqualTo("prod-configured");
		assertThat(sent.getValue().usageQuantity()).isEqualTo(3);
	}

	@Test
	void anExplicitProductCodeIsKept() {
		given(this.client.batchMeterUsage(any(BatchMeterUsageRequest.class)))
			.willReturn(BatchMeterUsageResponse.builder().build());
		this.template.batchMeterUsage(BatchMeterUsageRequest.builder()
			.productCode("prod-other")
			.usageRecords(UsageRecord.builder()
				.customerIdentifier("cust-1")
				.dimension("scans")
				.timestamp(HOUR)
				.quantity(2)
				.build())
			.build());
		ArgumentCaptor<BatchMeterUsageRequest> sent = ArgumentCaptor.forClass(BatchMeterUsageRequest.class);
		verify(this.client).batchMeterUsage(sent.capture());
		assertThat(sent.getValue().productCode()).isEqualTo("prod-other");
	}

	@Test
	void registerUsageAndResolveCustomerAreSent() {
		given(this.client.registerUsage(any(RegisterUsageRequest.class)))
			.willReturn(RegisterUsageResponse.builder().signature("jwt").build());
		given(this.client.resolveCustomer(any(ResolveCustomerRequest.class)))
			.willReturn(ResolveCustomerResponse.builder().customerIdentifier("cust-1").build());
		assertThat(this.template.registerUsage(RegisterUsageRequest.builder().publicKeyVersion(1).nonce("n").build())
			.signature()).isEqualTo("jwt");
		assertThat(this.template.resolveCustomer("token").customerIdentifier()).isEqualTo("cust-1");
		ArgumentCaptor<RegisterUsageRequest> sent = ArgumentCaptor.forClass(RegisterUsageRequest.class);
		verify(this.client).registerUsage(sent.capture());
		assertThat(sent.getValue().productCode()).isEqualTo("prod-configured");
	}

	@Test
	void sdkExceptionsAreTranslated() {
		given(this.client.meterUsage(any(MeterUsageRequest.class))).willThrow(ThrottlingException.builder()
			.statusCode(400)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build())
			.build());
		assertThatExceptionOfType(MeteringException.class)
			.isThrownBy(() -> this.template.meterUsage(meterUsage().build()))
			.satisfies((ex) -> {
				assertThat(ex.getOutcome()).isEqualTo(MeteringOutcome.RETRYABLE);
				assertThat(ex.getErrorCode()).isEqualTo("ThrottlingException");
			});
	}

	@Test
	void aFailureWithoutAnswerIsRetryable() {
		given(this.client.resolveCustomer(any(ResolveCustomerRequest.class)))
			.willThrow(SdkClientException.create("Connection reset"));
		assertThatExceptionOfType(MeteringException.class).isThrownBy(() -> this.template.resolveCustomer("token"))
			.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(MeteringOutcome.RETRYABLE));
	}

	@Test
	void aPermittedDryRunReturnsAResponseWithoutRecordId() {
		given(this.client.meterUsage(any(MeterUsageRequest.class))).willThrow(error("DryRunOperation", 412));
		MeterUsageResponse response = this.template.meterUsage(meterUsage().dryRun(true).build());
		assertThat(response.meteringRecordId()).isNull();
	}

	@Test
	void aRefusedDryRunIsUnauthorized() {
		given(this.client.meterUsage(any(MeterUsageRequest.class))).willThrow(error("UnauthorizedException", 403));
		assertThatExceptionOfType(MeteringException.class)
			.isThrownBy(() -> this.template.meterUsage(meterUsage().dryRun(true).build()))
			.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(MeteringOutcome.UNAUTHORIZED));
	}

	@Test
	void aDryRunOperationAnswerToARealRequestIsNotASuccess() {
		given(this.client.meterUsage(any(MeterUsageRequest.class))).willThrow(error("DryRunOperation", 412));
		assertThatExceptionOfType(MeteringException.class)
			.isThrownBy(() -> this.template.meterUsage(meterUsage().build()));
	}

	@Test
	void anInvalidRequestIsRefusedBeforeItIsSent() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.template.meterUsage(meterUsage().usageQuantity(-1).build()))
			.withMessageContaining("usageQuantity");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.template.resolveCustomer(""))
			.withMessageContaining("registrationToken");
		verifyNoInteractions(this.client);
	}

	private static MeterUsageRequest.Builder meterUsage() {
		return MeterUsageRequest.builder().usageDimension("scans").timestamp(HOUR).usageQuantity(1);
	}

	private static MarketplaceMeteringException error(String code, int status) {
		return (MarketplaceMeteringException) MarketplaceMeteringException.builder()
			.statusCode(status)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
			.build();
	}

}
