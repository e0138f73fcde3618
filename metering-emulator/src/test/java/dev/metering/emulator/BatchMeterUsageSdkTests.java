package dev.metering.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidCustomerIdentifierException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * BatchMeterUsage through the real AWS SDK v2 client.
 */
class BatchMeterUsageSdkTests {

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123Z");

	private final MutableClock clock = new MutableClock(NOW);

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.product("saas-1", Set.of("users", "gb"))
			.subscribedCustomer("cust-1")
			.subscribedCustomer("cust-2")
			.subscribedCustomer("111122223333")
			.build()
			.start();
		this.client = SdkClients.client(this.emulator.endpoint());
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.emulator.close();
	}

	@Test
	void answersAStatusPerRecordAndEchoesTheRecord() {
		UsageRecord subscribed = record("cust-1", "users", 3);
		UsageRecord byAccount = UsageRecord.builder()
			.customerAWSAccountId("111122223333")
			.dimension("gb")
			.quantity(10)
			.timestamp(NOW.minusSeconds(60))
			.build();
		UsageRecord notSubscribed = record("cust-9", "users", 1);
		BatchMeterUsageResponse response = batch(subscribed, byAccount, notSubscribed);
		assertThat(response.unprocessedRecords()).isEmpty();
		assertThat(response.results()).extracting(UsageRecordResult::status)
			.containsExactly(UsageRecordResultStatus.SUCCESS, UsageRecordResultStatus.SUCCESS,
					UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
		assertThat(response.results()).extracting(UsageRecordResult::usageRecord)
			.containsExactly(subscribed, byAccount, notSubscribed);
		assertThat(response.results().get(0).meteringRecordId()).isNotBlank();
		assertThat(response.results().get(2).meteringRecordId()).isNull();
		assertThat(this.emulator.records()).hasSize(2).first().satisfies((record) -> {
			assertThat(record.operation()).isEqualTo("BatchMeterUsage");
			assertThat(record.customer()).isEqualTo("cust-1");
			assertThat(record.hour()).isEqualTo(Instant.parse("2026-01-02T03:00:00Z"));
			assertThat(record.quantity()).isEqualTo(3);
			assertThat(record.meteringRecordId()).isEqualTo(response.results().get(0).meteringRecordId());
		});
		assertThat(this.emulator.records().get(1).customer()).isEqualTo("111122223333");
		assertThat(this.emulator.counters().rejected("CustomerNotSubscribed")).isEqualTo(1);
	}

	@Test
	void identicalResendIsSuccessWithTheSameIdWhoeverSendsIt() {
		String first = batch(record("cust-1", "users", 3)).results().get(0).meteringRecordId();
		UsageRecord sameHour = record("cust-1", "users", 3).toBuilder().timestamp(NOW.minusSeconds(200)).build();
		UsageRecordResult second = batch(sameHour).results().get(0);
		assertThat(second.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
		assertThat(second.meteringRecordId()).isEqualTo(first);
		try (MarketplaceMeteringClient other = SdkClients.client(this.emulator.endpoint(), "AKIDOTHER",
				Region.US_EAST_1)) {
			UsageRecordResult third = other
				.batchMeterUsage((r) -> r.productCode("saas-1").usageRecords(record("cust-1", "users", 3)))
				.results()
				.get(0);
			assertThat(third.meteringRecordId()).isEqualTo(first);
		}
		assertThat(this.emulator.records()).hasSize(1);
		assertThat(this.emulator.counters().replays()).isEqualTo(2);
	}

	@Test
	void differentQuantityForAReportedHourIsDuplicateRecordAndTheFirstStaysBilled() {
		batch(record("cust-1", "users", 3));
		UsageRecordResult result = batch(record("cust-1", "users", 4)).results().get(0);
		assertThat(result.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD);
		assertThat(result.meteringRecordId()).isNull();
		assertThat(this.emulator.records()).singleElement().extracting(AcceptedRecord::quantity).isEqualTo(3L);
		assertThat(this.emulator.counters().rejected("DuplicateRecord")).isEqualTo(1);
	}

	@Test
	void dedupeKeyIsProductCustomerDimensionAndHour() {
		batch(record("cust-1", "users", 3), record("cust-2", "users", 3), record("cust-1", "gb", 3),
				record("cust-1", "users", 3).toBuilder().timestamp(NOW.minus(Duration.ofHours(1))).build());
		assertThat(this.emulator.records()).hasSize(4);
	}

	@Test
	void anyRecordOutsideTheWindowFailsTheWholeCall() {
		UsageRecord old = record("cust-2", "users", 1).toBuilder()
			.timestamp(NOW.minus(Duration.ofHours(24)).minusSeconds(1))
			.build();
		assertThatExceptionOfType(TimestampOutOfBoundsException.class)
			.isThrownBy(() -> batch(record("cust-1", "users", 1), old));
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void customerMustBeExactlyOneValidIdentifier() {
		assertThatExceptionOfType(InvalidCustomerIdentifierException.class).isThrownBy(() -> batch(
				UsageRecord.builder().customerAWSAccountId("12ab").dimension("users").timestamp(NOW).build()));
		assertThatExceptionOfType(InvalidCustomerIdentifierException.class).isThrownBy(
				() -> batch(record("cust-1", "users", 1).toBuilder().customerAWSAccountId("111122223333").build()));
		assertThatExceptionOfType(InvalidCustomerIdentifierException.class)
			.isThrownBy(() -> batch(UsageRecord.builder().dimension("users").timestamp(NOW).build()));
	}

	@Test
	void productAndDimensionAreChecked() {
		assertThatExceptionOfType(InvalidProductCodeException.class).isThrownBy(() -> this.client
			.batchMeterUsage((r) -> r.productCode("other").usageRecords(record("cust-1", "users", 1))));
		assertThatExceptionOfType(InvalidUsageDimensionException.class)
			.isThrownBy(() -> batch(record("cust-1", "cpu", 1)));
	}

	@Test
	void allocationsAndTagsAreChecked() {
		assertThatExceptionOfType(InvalidUsageAllocationsException.class)
			.isThrownBy(() -> batch(record("cust-1", "users", 2).toBuilder()
				.usageAllocations(MeterUsageSdkTests.allocation(1, MeterUsageSdkTests.tag("k", "v")))
				.build()));
		assertThatExceptionOfType(InvalidTagException.class)
			.isThrownBy(() -> batch(record("cust-1", "users", 1).toBuilder()
				.usageAllocations(MeterUsageSdkTests.allocation(1, MeterUsageSdkTests.tag("k", "{v}")))
				.build()));
	}

	@Test
	void modelViolationsAreValidationException() {
		List<UsageRecord> tooMany = new ArrayList<>();
		for (int i = 0; i < 26; i++) {
			tooMany.add(record("cust-" + i, "users", 1));
		}
		assertValidation(() -> this.client.batchMeterUsage((r) -> r.productCode("saas-1").usageRecords(tooMany)));
		assertValidation(() -> this.client.batchMeterUsage((r) -> r.usageRecords(record("cust-1", "users", 1))));
		assertValidation(() -> batch(record("cust-1", "users", -1)));
		assertValidation(() -> batch(record("cust-1", "", 1)));
		assertValidation(() -> batch(record("c".repeat(256), "users", 1)));
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void emptyBatchIsAnsweredEmpty() {
		BatchMeterUsageResponse response = this.client
			.batchMeterUsage((r) -> r.productCode("saas-1").usageRecords(List.of()));
		assertThat(response.results()).isEmpty();
		assertThat(response.unprocessedRecords()).isEmpty();
	}

	@Test
	void unprocessedRateReturnsRecordsUntouched() {
		this.emulator.faults().unprocessedRate(1.0);
		UsageRecord record = record("cust-1", "users", 3);
		BatchMeterUsageResponse response = batch(record);
		assertThat(response.results()).isEmpty();
		assertThat(response.unprocessedRecords()).containsExactly(record);
		assertThat(this.emulator.records()).isEmpty();
		this.emulator.faults().unprocessedRate(0);
		assertThat(batch(record).results()).singleElement()
			.extracting(UsageRecordResult::status)
			.isEqualTo(UsageRecordResultStatus.SUCCESS);
	}

	private void assertValidation(Runnable call) {
		assertThatExceptionOfType(MarketplaceMeteringException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
	}

	private BatchMeterUsageResponse batch(UsageRecord... records) {
		return this.client.batchMeterUsage((r) -> r.productCode("saas-1").usageRecords(records));
	}

	private static UsageRecord record(String customer, String dimension, int quantity) {
		return UsageRecord.builder()
			.customerIdentifier(customer)
			.dimension(dimension)
			.quantity(quantity)
			.timestamp(NOW.minusSeconds(30))
			.build();
	}

}
