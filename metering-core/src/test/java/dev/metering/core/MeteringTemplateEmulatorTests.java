package dev.metering.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.function.Consumer;

import dev.metering.core.MeteringGateway;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.UsageLedger;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * {@link MeteringTemplate} over the real AWS SDK client against the emulator over HTTP:
 * every operation, and every refusal arriving as the right {@link MeteringOutcome}.
 */
class MeteringTemplateEmulatorTests {

	private static final String PRODUCT = "prod-emulated";

	private final Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	private MeteringTemplate template;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.product(PRODUCT, Set.of("scans", "pages"))
			.subscribedCustomer("customer-1")
			.registrationToken("token-1", "customer-1", "111122223333")
			.expiredRegistrationToken("token-old")
			.build()
			.start();
		this.client = TestClients.client(this.emulator.endpoint(), "AKIDTEST", Duration.ofSeconds(10));
		MeteringGateway gateway = new MeteringGateway(this.client, PRODUCT);
		this.template = new MeteringTemplate(gateway, new UsageCapture(mock(UsageLedger.class), Set.of()));
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.emulator.close();
	}

	@Test
	void meterUsageWithAllocationsIsAcceptedOnceAndAnIdenticalResendGetsTheSameRecordId() {
		MeterUsageRequest request = meterUsage(10)
			.usageAllocations(allocation(6, "team", "a"), allocation(4, "team", "b"))
			.build();
		String first = this.template.meterUsage(request).meteringRecordId();
		String second = this.template.meterUsage(request).meteringRecordId();
		assertThat(second).isEqualTo(first);
		assertThat(this.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.quantity()).isEqualTo(10);
			assertThat(record.allocations()).hasSize(2);
		});
		assertThat(this.emulator.counters().replays()).isOne();
	}

	@Test
	void aSecondQuantityForTheSameHourIsDuplicate() {
		this.template.meterUsage(meterUsage(10).build());
		assertOutcome(() -> this.template.meterUsage(meterUsage(11).build()), "DuplicateRequestException",
				MeteringOutcome.DUPLICATE);
	}

	@Test
	void aClientTokenReusedWithOtherParametersIsDuplicate() {
		this.template.meterUsage(meterUsage(1).clientToken("token-a").build());
		assertOutcome(
				() -> this.template.meterUsage(meterUsage(2).usageDimension("pages").clientToken("token-a").build()),
				"IdempotencyConflictException", MeteringOutcome.DUPLICATE);
	}

	@Test
	void anHourOutsideTheWindowIsExpired() {
		assertOutcome(
				() -> this.template.meterUsage(meterUsage(1).timestamp(this.hour.minus(7, ChronoUnit.HOURS)).build()),
				"TimestampOutOfBoundsException", MeteringOutcome.EXPIRED);
	}

	@Test
	void anUnknownDimensionOrProductIsRejected() {
		assertOutcome(() -> this.template.meterUsage(meterUsage(1).usageDimension("bytes").build()),
				"InvalidUsageDimensionException", MeteringOutcome.REJECTED);
		assertOutcome(() -> this.template.meterUsage(meterUsage(1).productCode("prod-unknown").build()),
				"InvalidProductCodeException", MeteringOutcome.REJECTED);
	}

	@Test
	void aBuyerWithoutEntitlementIsNotEntitled() {
		this.emulator.setEntitled(false);
		assertOutcome(() -> this.template.meterUsage(meterUsage(1).build()), "CustomerNotEntitledException",
				MeteringOutcome.NOT_ENTITLED);
		assertOutcome(() -> this.template.registerUsage(RegisterUsageRequest.builder().publicKeyVersion(1).build()),
				"CustomerNotEntitledException", MeteringOutcome.NOT_ENTITLED);
	}

	@Test
	void throttlingServerErrorsAndDroppedConnectionsAreRetryable() {
		this.emulator.faults().throttleRate(1.0);
		assertOutcome(() -> this.template.meterUsage(meterUsage(1).build()), "ThrottlingException",
				MeteringOutcome.RETRYABLE);
		this.emulator.faults().throttleRate(0).serverErrorRate(1.0);
		assertOutcome(() -> this.template.meterUsage(meterUsage(1).build()), "InternalServiceErrorException",
				MeteringOutcome.RETRYABLE);
		this.emulator.faults().serverErrorRate(0).dropConnectionRate(1.0);
		assertOutcome(() -> this.template.meterUsage(meterUsage(1).build()), null, MeteringOutcome.RETRYABLE);
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void aLostAnswerIsRetryableAndTheResendIsIdempotent() {
		this.emulator.faults().lostResponseRate(1.0);
		MeterUsageRequest request = meterUsage(5).build();
		assertOutcome(() -> this.template.meterUsage(request), null, MeteringOutcome.RETRYABLE);
		this.emulator.faults().lostResponseRate(0);
		String recordId = this.template.meterUsage(request).meteringRecordId();
		assertThat(this.emulator.records()).singleElement()
			.satisfies((record) -> assertThat(record.meteringRecordId()).isEqualTo(recordId));
	}

	@Test
	void aPermittedDryRunRecordsNothing() {
		assertThat(this.template.meterUsage(meterUsage(1).dryRun(true).build()).meteringRecordId()).isNull();
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void batchMeterUsageAnswersPerRecordStatuses() {
		UsageRecord subscribed = usageRecord("customer-1", 3);
		UsageRecord unknown = usageRecord("customer-2", 4);
		BatchMeterUsageResponse response = this.template
			.batchMeterUsage(BatchMeterUsageRequest.builder().usageRecords(subscribed, unknown).build());
		assertThat(response.results()).extracting(UsageRecordResult::status)
			.containsExactly(UsageRecordResultStatus.SUCCESS, UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
		assertThat(MeteringErrors.outcomeOf(response.results().get(1).statusAsString(), 200))
			.isEqualTo(MeteringOutcome.NOT_ENTITLED);
		BatchMeterUsageResponse changed = this.template
			.batchMeterUsage(BatchMeterUsageRequest.builder().usageRecords(usageRecord("customer-1", 5)).build());
		assertThat(changed.results()).singleElement()
			.satisfies((result) -> assertThat(result.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD));
		assertThat(this.emulator.records()).singleElement()
			.satisfies((record) -> assertThat(record.quantity()).isEqualTo(3));
	}

	@Test
	void batchMeterUsageOutsideTheWindowIsExpired() {
		UsageRecord old = usageRecord("customer-1", 1).toBuilder()
			.timestamp(this.hour.minus(25, ChronoUnit.HOURS))
			.build();
		assertOutcome(() -> this.template.batchMeterUsage(BatchMeterUsageRequest.builder().usageRecords(old).build()),
				"TimestampOutOfBoundsException", MeteringOutcome.EXPIRED);
	}

	@Test
	void registerUsageAnswersASignedToken() {
		String signature = this.template
			.registerUsage(RegisterUsageRequest.builder().publicKeyVersion(1).nonce("n-1").build())
			.signature();
		assertThat(signature.split("\\.")).hasSize(3);
		assertOutcome(() -> this.template.registerUsage(RegisterUsageRequest.builder().publicKeyVersion(9).build()),
				"InvalidPublicKeyVersionException", MeteringOutcome.REJECTED);
	}

	@Test
	void resolveCustomerAnswersTheCustomerOrRefusesTheToken() {
		assertThat(this.template.resolveCustomer("token-1").customerAWSAccountId()).isEqualTo("111122223333");
		assertOutcome(() -> this.template.resolveCustomer("token-unknown"), "InvalidTokenException",
				MeteringOutcome.REJECTED);
		assertOutcome(() -> this.template.resolveCustomer("token-old"), "ExpiredTokenException",
				MeteringOutcome.REJECTED);
	}

	private MeterUsageRequest.Builder meterUsage(int quantity) {
		return MeterUsageRequest.builder().usageDimension("scans").timestamp(this.hour).usageQuantity(quantity);
	}

	private UsageRecord usageRecord(String customer, int quantity) {
		return UsageRecord.builder()
			.customerIdentifier(customer)
			.dimension("scans")
			.timestamp(this.hour)
			.quantity(quantity)
			.build();
	}

	private static UsageAllocation allocation(int quantity, String key, String value) {
		return UsageAllocation.builder()
			.allocatedUsageQuantity(quantity)
			.tags(Tag.builder().key(key).value(value).build())
			.build();
	}

	private static void assertOutcome(Runnable call, String errorCode, MeteringOutcome outcome) {
		Consumer<MeteringException> expected = (ex) -> {
			assertThat(ex.getErrorCode()).isEqualTo(errorCode);
			assertThat(ex.getOutcome()).isEqualTo(outcome);
		};
		assertThatExceptionOfType(MeteringException.class).isThrownBy(call::run).satisfies(expected);
	}

}
