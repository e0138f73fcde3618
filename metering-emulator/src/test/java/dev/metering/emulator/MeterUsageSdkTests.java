package dev.metering.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.IdempotencyConflictException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidEndpointRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * MeterUsage through the real AWS SDK v2 client: every answer and every refusal the
 * emulator gives, mapped by the SDK to the expected exception.
 */
class MeterUsageSdkTests {

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123Z");

	private final MutableClock clock = new MutableClock(NOW);

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.product("prod-a", Set.of("scans", "users"))
			.product("prod-any", Set.of())
			.unauthorizedAccessKey("AKIDUNAUTHORIZED")
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
	void acceptsARecordRoundedDownToTheHour() {
		String id = meter((r) -> r.usageQuantity(7));
		assertThat(id).isNotBlank();
		assertThat(this.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.operation()).isEqualTo("MeterUsage");
			assertThat(record.productCode()).isEqualTo("prod-a");
			assertThat(record.dimension()).isEqualTo("scans");
			assertThat(record.hour()).isEqualTo(Instant.parse("2026-01-02T03:00:00Z"));
			assertThat(record.quantity()).isEqualTo(7);
			assertThat(record.allocations()).isEmpty();
			assertThat(record.customer()).isNull();
			assertThat(record.callerIdentity()).isEqualTo(SdkClients.ACCESS_KEY);
			assertThat(record.meteringRecordId()).isEqualTo(id);
		});
		assertThat(this.emulator.counters().accepted()).isEqualTo(1);
	}

	@Test
	void quantityDefaultsToZero() {
		meter((r) -> r.usageQuantity(null));
		assertThat(this.emulator.records()).singleElement().extracting(AcceptedRecord::quantity).isEqualTo(0L);
	}

	@Test
	void identicalResendInTheSameHourReturnsTheSameRecordId() {
		String first = meter((r) -> r.usageQuantity(5).timestamp(NOW.minusSeconds(60)));
		String second = meter((r) -> r.usageQuantity(5).timestamp(NOW.minusSeconds(120)));
		assertThat(second).isEqualTo(first);
		assertThat(this.emulator.records()).hasSize(1);
		assertThat(this.emulator.counters().accepted()).isEqualTo(1);
		assertThat(this.emulator.counters().replays()).isEqualTo(1);
	}

	@Test
	void differentQuantityForAReportedHourIsDuplicateRequest() {
		meter((r) -> r.usageQuantity(5));
		assertThatExceptionOfType(DuplicateRequestException.class).isThrownBy(() -> meter((r) -> r.usageQuantity(6)));
		assertThat(this.emulator.records()).singleElement().extracting(AcceptedRecord::quantity).isEqualTo(5L);
		assertThat(this.emulator.counters().rejected("DuplicateRequestException")).isEqualTo(1);
	}

	@Test
	void differentAllocationsForAReportedHourIsDuplicateRequest() {
		meter((r) -> r.usageQuantity(5).usageAllocations(allocation(5, tag("team", "a"))));
		assertThatExceptionOfType(DuplicateRequestException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(5).usageAllocations(allocation(5, tag("team", "b")))));
	}

	@Test
	void allocationsAreComparedOrderInsensitively() {
		String first = meter((r) -> r.usageQuantity(5)
			.usageAllocations(allocation(2, tag("team", "a"), tag("env", "prod")), allocation(3, tag("team", "b"))));
		String second = meter((r) -> r.usageQuantity(5)
			.usageAllocations(allocation(3, tag("team", "b")), allocation(2, tag("env", "prod"), tag("team", "a"))));
		assertThat(second).isEqualTo(first);
		assertThat(this.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.allocations()).hasSize(2);
			assertThat(record.allocations()).anySatisfy((a) -> {
				assertThat(a.quantity()).isEqualTo(2);
				assertThat(a.tags()).containsExactlyInAnyOrder(new AcceptedRecord.Tag("team", "a"),
						new AcceptedRecord.Tag("env", "prod"));
			});
		});
	}

	@Test
	void recordsAreKeptPerCallerIdentityAndHourAndDimension() {
		String first = meter((r) -> r.usageQuantity(5));
		String nextHour = meter((r) -> r.usageQuantity(6).timestamp(NOW.minus(Duration.ofHours(1))));
		String otherDimension = meter((r) -> r.usageQuantity(6).usageDimension("users"));
		String otherCaller;
		try (MarketplaceMeteringClient other = SdkClients.client(this.emulator.endpoint(), "AKIDOTHERPOD",
				Region.US_EAST_1)) {
			otherCaller = other.meterUsage(request((r) -> r.usageQuantity(9))).meteringRecordId();
		}
		assertThat(List.of(first, nextHour, otherDimension, otherCaller)).doesNotHaveDuplicates();
		assertThat(this.emulator.records()).hasSize(4);
	}

	@Test
	void sameClientTokenAndParametersReturnsTheSameAnswer() {
		String first = meter((r) -> r.usageQuantity(5).clientToken("token-1"));
		String second = meter((r) -> r.usageQuantity(5).clientToken("token-1"));
		assertThat(second).isEqualTo(first);
		assertThat(this.emulator.records()).hasSize(1);
	}

	@Test
	void sameClientTokenWithDifferentParametersIsIdempotencyConflict() {
		meter((r) -> r.usageQuantity(5).clientToken("token-1"));
		assertThatExceptionOfType(IdempotencyConflictException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(6).clientToken("token-1")));
		assertThatExceptionOfType(IdempotencyConflictException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(5).usageDimension("users").clientToken("token-1")));
	}

	@Test
	void clientTokenIsCheckedBeforeTheRecordKey() {
		meter((r) -> r.usageQuantity(5).clientToken("token-1"));
		// same record key and a different quantity, but the reused token answers first
		assertThatExceptionOfType(IdempotencyConflictException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(6).clientToken("token-1")));
		assertThatExceptionOfType(DuplicateRequestException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(6).clientToken("token-2")));
	}

	@Test
	void timestampOutsideTheWindowIsRefused() {
		assertThatExceptionOfType(TimestampOutOfBoundsException.class)
			.isThrownBy(() -> meter((r) -> r.timestamp(NOW.minus(Duration.ofHours(6)).minusMillis(1))));
		assertThatExceptionOfType(TimestampOutOfBoundsException.class)
			.isThrownBy(() -> meter((r) -> r.timestamp(NOW.plusSeconds(1))));
		meter((r) -> r.timestamp(NOW.minus(Duration.ofHours(6))).usageDimension("users"));
		meter((r) -> r.timestamp(NOW));
		assertThat(this.emulator.records()).hasSize(2);
	}

	@Test
	void windowFollowsTheInjectedClock() {
		Instant hour = NOW.minus(Duration.ofHours(1));
		meter((r) -> r.timestamp(hour).usageQuantity(3));
		this.clock.advance(Duration.ofHours(6));
		assertThatExceptionOfType(TimestampOutOfBoundsException.class)
			.isThrownBy(() -> meter((r) -> r.timestamp(hour).usageQuantity(3)));
		assertThat(this.emulator.counters().rejected("TimestampOutOfBoundsException")).isEqualTo(1);
	}

	@Test
	void unknownProductIsInvalidProductCode() {
		assertThatExceptionOfType(InvalidProductCodeException.class)
			.isThrownBy(() -> meter((r) -> r.productCode("prod-unknown")));
		assertThatExceptionOfType(InvalidProductCodeException.class).isThrownBy(() -> meter((r) -> r.productCode("")));
	}

	@Test
	void dimensionOutsideTheProductsSetIsInvalidUsageDimension() {
		assertThatExceptionOfType(InvalidUsageDimensionException.class)
			.isThrownBy(() -> meter((r) -> r.usageDimension("gigabytes")));
		meter((r) -> r.productCode("prod-any").usageDimension("gigabytes"));
	}

	@Test
	void anyProductIsAcceptedWhenNoneIsConfigured() {
		try (MarketplaceMeteringEmulator open = MarketplaceMeteringEmulator.builder().clock(this.clock).start();
				MarketplaceMeteringClient openClient = SdkClients.client(open.endpoint())) {
			openClient.meterUsage(request((r) -> r.productCode("whatever").usageDimension("anything")));
			assertThat(open.records()).hasSize(1);
		}
	}

	@Test
	void badTagsAreInvalidTag() {
		assertInvalidTag(allocation(1, tag("a>b", "v")));
		assertInvalidTag(allocation(1, tag("k", "v?")));
		assertInvalidTag(allocation(1, tag("", "v")));
		assertInvalidTag(allocation(1, tag("k".repeat(101), "v")));
		assertInvalidTag(allocation(1, tag("k", "v".repeat(257))));
		assertInvalidTag(allocation(1, tag("a", "1"), tag("b", "1"), tag("c", "1"), tag("d", "1"), tag("e", "1"),
				tag("f", "1")));
		assertInvalidTag(UsageAllocation.builder().allocatedUsageQuantity(1).tags(List.of()).build());
	}

	@Test
	void tagCharactersFollowTheModelPatternIncludingTheSpaceToEqualsRange() {
		// ' -=' in the model's pattern is a range: '#', '!', '(' and ',' are allowed
		meter((r) -> r.usageQuantity(1)
			.usageAllocations(allocation(1, tag("k".repeat(100), "v".repeat(256)), tag("a#b!(c),", "x y/z@:=+-._"))));
		assertThat(this.emulator.records()).hasSize(1);
	}

	@Test
	void allocationsMustSumUpAndHaveUniqueTagSets() {
		assertThatExceptionOfType(InvalidUsageAllocationsException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(5).usageAllocations(allocation(4, tag("team", "a")))));
		assertThatExceptionOfType(InvalidUsageAllocationsException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(5)
				.usageAllocations(allocation(2, tag("team", "a"), tag("env", "x")),
						allocation(3, tag("env", "x"), tag("team", "a")))));
		assertThatExceptionOfType(InvalidUsageAllocationsException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(5).usageAllocations(allocation(2), allocation(3))));
		assertThatExceptionOfType(InvalidUsageAllocationsException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(0).usageAllocations(List.of())));
		List<UsageAllocation> tooMany = new ArrayList<>();
		for (int i = 0; i < 2501; i++) {
			tooMany.add(allocation(0, tag("n", Integer.toString(i))));
		}
		assertThatExceptionOfType(InvalidUsageAllocationsException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(0).usageAllocations(tooMany)));
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void acceptsTheMaximumNumberOfAllocations() {
		List<UsageAllocation> allocations = new ArrayList<>();
		for (int i = 0; i < 2500; i++) {
			allocations.add(allocation(1, tag("n", Integer.toString(i))));
		}
		meter((r) -> r.usageQuantity(2500).usageAllocations(allocations));
		assertThat(this.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.quantity()).isEqualTo(2500);
			assertThat(record.allocations()).hasSize(2500);
		});
	}

	@Test
	void modelViolationsAreValidationException() {
		assertValidation((r) -> r.usageQuantity(-1));
		assertValidation((r) -> r.usageDimension(""));
		assertValidation((r) -> r.usageDimension(null));
		assertValidation((r) -> r.timestamp(null));
		assertValidation((r) -> r.productCode(null));
		assertValidation((r) -> r.productCode("bad code!"));
		assertValidation((r) -> r.clientToken("t".repeat(65)));
		assertValidation(
				(r) -> r.usageQuantity(1).usageAllocations(UsageAllocation.builder().tags(tag("k", "v")).build()));
		assertThat(this.emulator.records()).isEmpty();
		assertThat(this.emulator.counters().rejected("ValidationException")).isEqualTo(8);
	}

	@Test
	void maximumQuantityIsAccepted() {
		meter((r) -> r.usageQuantity(Integer.MAX_VALUE));
		assertThat(this.emulator.records()).singleElement()
			.extracting(AcceptedRecord::quantity)
			.isEqualTo((long) Integer.MAX_VALUE);
	}

	@Test
	void dryRunAnswersDryRunOperationAndRecordsNothing() {
		assertThatExceptionOfType(MarketplaceMeteringException.class).isThrownBy(() -> meter((r) -> r.dryRun(true)))
			.satisfies((ex) -> {
				assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("DryRunOperation");
				assertThat(ex.statusCode()).isEqualTo(412);
			});
		assertThat(this.emulator.records()).isEmpty();
		meter((r) -> r.usageQuantity(3));
	}

	@Test
	void dryRunStillValidates() {
		assertThatExceptionOfType(InvalidUsageDimensionException.class)
			.isThrownBy(() -> meter((r) -> r.dryRun(true).usageDimension("nope")));
	}

	@Test
	void dryRunByAnUnauthorizedKeyIsUnauthorized() {
		try (MarketplaceMeteringClient other = SdkClients.client(this.emulator.endpoint(), "AKIDUNAUTHORIZED",
				Region.US_EAST_1)) {
			assertThatExceptionOfType(MarketplaceMeteringException.class)
				.isThrownBy(() -> other.meterUsage(request((r) -> r.dryRun(true))))
				.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedException"));
		}
	}

	@Test
	void notEntitledIsCustomerNotEntitled() {
		this.emulator.setEntitled(false);
		assertThatExceptionOfType(CustomerNotEntitledException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(1)));
		this.emulator.setEntitled(true);
		meter((r) -> r.usageQuantity(1));
	}

	@Test
	void requestSignedForAnotherRegionIsInvalidEndpointRegion() {
		try (MarketplaceMeteringEmulator regional = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.region("eu-west-1")
			.start();
				MarketplaceMeteringClient wrong = SdkClients.client(regional.endpoint(), "AKID1", Region.US_EAST_1);
				MarketplaceMeteringClient right = SdkClients.client(regional.endpoint(), "AKID1", Region.EU_WEST_1)) {
			assertThatExceptionOfType(InvalidEndpointRegionException.class)
				.isThrownBy(() -> wrong.meterUsage(request((r) -> r.usageQuantity(1))));
			right.meterUsage(request((r) -> r.usageQuantity(1)));
			assertThat(regional.records()).hasSize(1);
		}
	}

	@Test
	void unsignedRequestIsMissingAuthenticationToken() {
		try (MarketplaceMeteringClient anonymous = SdkClients.anonymous(this.emulator.endpoint())) {
			assertThatExceptionOfType(AwsServiceException.class)
				.isThrownBy(() -> anonymous.meterUsage(request((r) -> r.usageQuantity(1))))
				.satisfies((ex) -> {
					assertThat(ex.statusCode()).isEqualTo(403);
					assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("MissingAuthenticationTokenException");
				});
		}
		assertThat(this.emulator.records()).isEmpty();
	}

	private void assertInvalidTag(UsageAllocation... allocations) {
		assertThatExceptionOfType(InvalidTagException.class)
			.isThrownBy(() -> meter((r) -> r.usageQuantity(1).usageAllocations(allocations)));
	}

	private void assertValidation(Consumer<MeterUsageRequest.Builder> customizer) {
		assertThatExceptionOfType(MarketplaceMeteringException.class).isThrownBy(() -> meter(customizer))
			.satisfies((ex) -> {
				assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
				assertThat(ex.statusCode()).isEqualTo(400);
			});
	}

	private String meter(Consumer<MeterUsageRequest.Builder> customizer) {
		return this.client.meterUsage(request(customizer)).meteringRecordId();
	}

	static MeterUsageRequest request(Consumer<MeterUsageRequest.Builder> customizer) {
		MeterUsageRequest.Builder builder = MeterUsageRequest.builder()
			.productCode("prod-a")
			.usageDimension("scans")
			.timestamp(NOW.minusSeconds(30))
			.usageQuantity(1);
		customizer.accept(builder);
		return builder.build();
	}

	static UsageAllocation allocation(int quantity, Tag... tags) {
		UsageAllocation.Builder builder = UsageAllocation.builder().allocatedUsageQuantity(quantity);
		if (tags.length > 0) {
			builder.tags(tags);
		}
		return builder.build();
	}

	static Tag tag(String key, String value) {
		return Tag.builder().key(key).value(value).build();
	}

}
