package dev.metering.core;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import dev.metering.limits.MeteringLimits;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link MeteringRequestValidator}.
 */
class MeteringRequestValidatorTest {

	private static final Instant HOUR = Instant.parse("2026-01-02T03:00:00Z");

	private static final String TAG_PATTERN = "^[a-zA-Z0-9+ -=._:\\/@]+$";

	private static final String MAX_INT = "2147483647";

	@Nested
	class MeterUsage {

		@Test
		void completeRequestPasses() {
			assertValid(meterUsage().usageQuantity(10)
				.clientToken("6f1c2a34-1b2c-4d5e-8f90-a1b2c3d4e5f6")
				.dryRun(true)
				.usageAllocations(allocation(7, tag("env", "prod"), tag("team", "a")), allocation(3))
				.build());
		}

		@Test
		void productCodeIsRequired() {
			assertViolations(meterUsage().productCode(null).build(), "productCode is required");
		}

		@Test
		void productCodeMustNotBeEmpty() {
			assertViolations(meterUsage().productCode("").build(), "productCode \"\" must be 1..255 characters");
		}

		@Test
		void productCodeHasAtMost255Characters() {
			assertValid(meterUsage().productCode("p".repeat(255)).build());
			assertViolations(meterUsage().productCode("p".repeat(256)).build(),
					"productCode \"ppppppppppppppppppppppppppppppppppppp...\" (256 characters) must be 1..255 characters");
		}

		@Test
		void productCodeMustMatchPattern() {
			assertValid(meterUsage().productCode("aZ09-/=:_.@").build());
			assertViolations(meterUsage().productCode("prod code").build(),
					"productCode \"prod code\" must match ^[-a-zA-Z0-9/=:_.@]*$");
			assertViolations(meterUsage().productCode("prod+1").build(),
					"productCode \"prod+1\" must match ^[-a-zA-Z0-9/=:_.@]*$");
		}

		@Test
		void timestampIsRequired() {
			assertViolations(meterUsage().timestamp(null).build(), "timestamp is required");
		}

		@Test
		void usageDimensionIsRequired() {
			assertViolations(meterUsage().usageDimension(null).build(), "usageDimension is required");
			assertViolations(meterUsage().usageDimension("").build(), "usageDimension \"\" must be 1..255 characters");
		}

		@Test
		void usageDimensionHas1To255Characters() {
			assertValid(meterUsage().usageDimension("d").build());
			assertValid(meterUsage().usageDimension("d".repeat(255)).build());
			assertViolations(meterUsage().usageDimension("d".repeat(256)).build(),
					"usageDimension " + abbreviated('d', 256) + " must be 1..255 characters");
		}

		@Test
		void usageDimensionLengthCountsCodePoints() {
			assertValid(meterUsage().usageDimension("\uD83D\uDE00".repeat(255)).build());
			assertViolations(meterUsage().usageDimension("\uD83D\uDE00".repeat(256)).build(), "usageDimension \""
					+ "\uD83D\uDE00".repeat(37) + "...\" (256 characters) must be 1..255 characters");
		}

		@Test
		void usageQuantityIsOptionalAndBetween0AndMaxInt() {
			assertValid(meterUsage().usageQuantity(null).build());
			assertValid(meterUsage().usageQuantity(0).build());
			assertValid(meterUsage().usageQuantity(Integer.MAX_VALUE).build());
			assertViolations(meterUsage().usageQuantity(-1).build(),
					"usageQuantity -1 must be between 0 and " + MAX_INT);
		}

		@Test
		void clientTokenIsOptionalWith1To64Characters() {
			assertValid(meterUsage().clientToken(null).build());
			assertValid(meterUsage().clientToken("t").build());
			assertValid(meterUsage().clientToken("t".repeat(64)).build());
			assertViolations(meterUsage().clientToken("t".repeat(65)).build(),
					"clientToken " + abbreviated('t', 65) + " must be 1..64 characters");
			assertViolations(meterUsage().clientToken("").build(), "clientToken \"\" must be 1..64 characters");
		}

		@Test
		void usageAllocationsAreOptional() {
			MeterUsageRequest request = meterUsage().build();
			assertThat(request.hasUsageAllocations()).isFalse();
			assertValid(request);
		}

		@Test
		void usageAllocationsHave1To2500Entries() {
			assertValid(meterUsage().usageQuantity(2500).usageAllocations(distinctAllocations(2500)).build());
			assertViolations(meterUsage().usageQuantity(2501).usageAllocations(distinctAllocations(2501)).build(),
					"usageAllocations (2501 entries) must have 1..2500 entries");
			assertViolations(meterUsage().usageQuantity(0).usageAllocations(List.of()).build(),
					"usageAllocations (0 entries) must have 1..2500 entries");
		}

		@Test
		void allocatedUsageQuantityIsRequired() {
			assertViolations(meterUsage().usageAllocations(UsageAllocation.builder().build()).build(),
					"usageAllocations[0].allocatedUsageQuantity is required");
		}

		@Test
		void allocatedUsageQuantityIsBetween0AndMaxInt() {
			assertValid(meterUsage().usageQuantity(0).usageAllocations(allocation(0)).build());
			assertValid(meterUsage().usageQuantity(Integer.MAX_VALUE)
				.usageAllocations(allocation(Integer.MAX_VALUE))
				.build());
			assertViolations(meterUsage().usageQuantity(10)
				.usageAllocations(allocation(-1, tag("k", "a")), allocation(11, tag("k", "b")))
				.build(), "usageAllocations[0].allocatedUsageQuantity -1 must be between 0 and " + MAX_INT);
		}

		@Test
		void tagsAreOptionalWith1To5Entries() {
			assertValid(meterUsage().usageAllocations(allocation(10)).build());
			assertValid(meterUsage().usageAllocations(allocation(10, tags(5))).build());
			assertViolations(meterUsage().usageAllocations(allocation(10, tags(6))).build(),
					"usageAllocations[0].tags (6 entries) must have 1..5 entries");
			assertViolations(meterUsage()
				.usageAllocations(UsageAllocation.builder().allocatedUsageQuantity(10).tags(List.of()).build())
				.build(), "usageAllocations[0].tags (0 entries) must have 1..5 entries");
		}

		@Test
		void tagKeyAndValueAreRequired() {
			assertViolations(meterUsage().usageAllocations(allocation(10, tag(null, "v"))).build(),
					"usageAllocations[0].tags[0].key is required");
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("k", null))).build(),
					"usageAllocations[0].tags[0].value is required");
		}

		@Test
		void tagKeyHas1To100Characters() {
			assertValid(meterUsage().usageAllocations(allocation(10, tag("k", "v"))).build());
			assertValid(meterUsage().usageAllocations(allocation(10, tag("k".repeat(100), "v"))).build());
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("k".repeat(101), "v"))).build(),
					"usageAllocations[0].tags[0].key " + abbreviated('k', 101) + " must be 1..100 characters");
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("", "v"))).build(),
					"usageAllocations[0].tags[0].key \"\" must be 1..100 characters",
					"usageAllocations[0].tags[0].key \"\" must match " + TAG_PATTERN);
		}

		@Test
		void tagValueHas1To256Characters() {
			assertValid(meterUsage().usageAllocations(allocation(10, tag("k", "v".repeat(256)))).build());
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("k", "v".repeat(257)))).build(),
					"usageAllocations[0].tags[0].value " + abbreviated('v', 257) + " must be 1..256 characters");
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("k", ""))).build(),
					"usageAllocations[0].tags[0].value \"\" must be 1..256 characters",
					"usageAllocations[0].tags[0].value \"\" must match " + TAG_PATTERN);
		}

		@Test
		void tagPatternAllowsTheSpaceToEqualsRange() {
			// " -=" in the model is the range U+0020..U+003D, so !"#$%&'()*,;< are
			// allowed
			String allowed = "aZ09+ -=._:/@!\"#$%&'()*,;<";
			assertValid(meterUsage().usageAllocations(allocation(10, tag(allowed, allowed))).build());
		}

		@ParameterizedTest
		@ValueSource(strings = { "a>b", "a?b", "a[b", "a|b", "a~b", "a\\b", "a^b", "a`b", "caf\u00e9" })
		void tagKeyAndValueMustMatchPattern(String invalid) {
			assertViolations(meterUsage().usageAllocations(allocation(10, tag(invalid, "v"))).build(),
					"usageAllocations[0].tags[0].key \"" + invalid + "\" must match " + TAG_PATTERN);
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("k", invalid))).build(),
					"usageAllocations[0].tags[0].value \"" + invalid + "\" must match " + TAG_PATTERN);
		}

		@Test
		void tagKeysAreUniqueWithinAnAllocation() {
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("env", "a"), tag("env", "b"))).build(),
					"usageAllocations[0].tags[1].key \"env\" must be unique within the allocation");
		}

		@Test
		void tagSetsAreUniqueAcrossAllocationsInAnyOrder() {
			assertValid(meterUsage()
				.usageAllocations(allocation(4, tag("a", "1"), tag("b", "2")),
						allocation(6, tag("a", "1"), tag("b", "3")))
				.build());
			assertViolations(
					meterUsage()
						.usageAllocations(allocation(4, tag("a", "1"), tag("b", "2")),
								allocation(6, tag("b", "2"), tag("a", "1")))
						.build(),
					"usageAllocations[1].tags [b=2, a=1] must be unique across allocations, same as usageAllocations[0]");
		}

		@Test
		void atMostOneAllocationIsUntagged() {
			assertValid(meterUsage().usageAllocations(allocation(4), allocation(6, tag("a", "1"))).build());
			assertViolations(meterUsage().usageAllocations(allocation(4), allocation(6)).build(),
					"usageAllocations[1].tags (none) must be unique across allocations, same as usageAllocations[0]");
		}

		@Test
		void allocatedQuantitiesSumToUsageQuantity() {
			assertViolations(meterUsage().usageQuantity(10)
				.usageAllocations(allocation(3, tag("k", "a")), allocation(4, tag("k", "b")))
				.build(), "usageAllocations sum of allocatedUsageQuantity 7 must equal usageQuantity 10");
		}

		@Test
		void absentUsageQuantityCountsAsZeroInTheSum() {
			assertValid(meterUsage().usageQuantity(null).usageAllocations(allocation(0)).build());
			assertViolations(meterUsage().usageQuantity(null).usageAllocations(allocation(5)).build(),
					"usageAllocations sum of allocatedUsageQuantity 5 must equal usageQuantity 0");
		}

		@Test
		void allocationSumDoesNotOverflow() {
			assertViolations(
					meterUsage().usageQuantity(Integer.MAX_VALUE)
						.usageAllocations(allocation(Integer.MAX_VALUE, tag("k", "a")), allocation(Integer.MAX_VALUE))
						.build(),
					"usageAllocations sum of allocatedUsageQuantity 4294967294 must equal usageQuantity " + MAX_INT);
		}

		@Test
		void allViolationsAreReportedTogether() {
			MeterUsageRequest request = MeterUsageRequest.builder()
				.productCode("bad code")
				.usageDimension("")
				.usageQuantity(-1)
				.clientToken("")
				.usageAllocations(allocation(1, tag("a>b", "v")))
				.build();
			List<String> expected = List.of("productCode \"bad code\" must match ^[-a-zA-Z0-9/=:_.@]*$",
					"timestamp is required", "usageDimension \"\" must be 1..255 characters",
					"usageQuantity -1 must be between 0 and " + MAX_INT, "clientToken \"\" must be 1..64 characters",
					"usageAllocations[0].tags[0].key \"a>b\" must match " + TAG_PATTERN,
					"usageAllocations sum of allocatedUsageQuantity 1 must equal usageQuantity -1");
			assertThatExceptionOfType(InvalidMeteringRequestException.class)
				.isThrownBy(() -> MeteringRequestValidator.validate(request))
				.satisfies((ex) -> assertThat(ex.violations()).containsExactlyElementsOf(expected))
				.withMessage("Invalid MeterUsage request: " + String.join("; ", expected));
		}

		@Test
		void messageNamesOperationFieldValueAndRule() {
			MeterUsageRequest request = meterUsage().usageQuantity(4)
				.usageAllocations(allocation(1), allocation(1, tag("k", "1")), allocation(1, tag("k", "2")),
						allocation(1, tag("a>b", "v")))
				.build();
			assertThatExceptionOfType(InvalidMeteringRequestException.class)
				.isThrownBy(() -> MeteringRequestValidator.validate(request))
				.isInstanceOf(IllegalArgumentException.class)
				.withMessage("Invalid MeterUsage request: usageAllocations[3].tags[0].key \"a>b\" must match "
						+ "^[a-zA-Z0-9+ -=._:\\/@]+$");
		}

		@Test
		void controlCharactersAreEscapedInMessages() {
			assertViolations(meterUsage().usageAllocations(allocation(10, tag("k", "a\nb"))).build(),
					"usageAllocations[0].tags[0].value \"a\\u000ab\" must match " + TAG_PATTERN);
		}

	}

	@Nested
	class BatchMeterUsage {

		@Test
		void recordWithCustomerIdentifierPasses() {
			assertValid(batch(record().build()));
		}

		@Test
		void recordWithCustomerAccountIdPasses() {
			assertValid(batch(record().customerIdentifier(null).customerAWSAccountId("123456789012").build()));
		}

		@Test
		void productCodeIsRequired() {
			assertViolations(batch(record().build()).toBuilder().productCode(null).build(), "productCode is required");
			assertViolations(batch(record().build()).toBuilder().productCode("a b").build(),
					"productCode \"a b\" must match ^[-a-zA-Z0-9/=:_.@]*$");
		}

		@Test
		void usageRecordsAreRequired() {
			BatchMeterUsageRequest request = BatchMeterUsageRequest.builder().productCode("prod-1").build();
			assertThat(request.hasUsageRecords()).isFalse();
			assertViolations(request, "usageRecords is required");
		}

		@Test
		void usageRecordsHave0To25Entries() {
			assertValid(batch());
			assertValid(batch(records(25)));
			assertViolations(batch(records(26)), "usageRecords (26 entries) must have 0..25 entries");
		}

		@Test
		void usageRecordMustNotBeNull() {
			assertViolations(batch(record().build(), null), "usageRecords[1] is required");
		}

		@Test
		void timestampIsRequired() {
			assertViolations(batch(record().build(), record().timestamp(null).build()),
					"usageRecords[1].timestamp is required");
		}

		@Test
		void dimensionHas1To255Characters() {
			assertValid(batch(record().dimension("d".repeat(255)).build()));
			assertViolations(batch(record().dimension("d".repeat(256)).build()),
					"usageRecords[0].dimension " + abbreviated('d', 256) + " must be 1..255 characters");
			assertViolations(batch(record().dimension("").build()),
					"usageRecords[0].dimension \"\" must be 1..255 characters");
			assertViolations(batch(record().dimension(null).build()), "usageRecords[0].dimension is required");
		}

		@Test
		void quantityIsOptionalAndBetween0AndMaxInt() {
			assertValid(batch(record().quantity(null).build()));
			assertValid(batch(record().quantity(0).build()));
			assertValid(batch(record().quantity(Integer.MAX_VALUE).build()));
			assertViolations(batch(record().quantity(-1).build()),
					"usageRecords[0].quantity -1 must be between 0 and " + MAX_INT);
		}

		@Test
		void customerIsRequired() {
			assertViolations(batch(record().customerIdentifier(null).build()),
					"usageRecords[0].customerIdentifier or usageRecords[0].customerAWSAccountId is required");
		}

		@Test
		void customerIdentifierAndAccountIdAreExclusive() {
			assertViolations(batch(record().customerAWSAccountId("123456789012").build()),
					"usageRecords[0].customerIdentifier \"cust-1\" and usageRecords[0].customerAWSAccountId "
							+ "\"123456789012\" must not both be set");
		}

		@Test
		void customerIdentifierHas1To255Characters() {
			assertValid(batch(record().customerIdentifier("c").build()));
			assertValid(batch(record().customerIdentifier("c".repeat(255)).build()));
			assertViolations(batch(record().customerIdentifier("c".repeat(256)).build()),
					"usageRecords[0].customerIdentifier " + abbreviated('c', 256) + " must be 1..255 characters");
			assertViolations(batch(record().customerIdentifier("").build()),
					"usageRecords[0].customerIdentifier \"\" must be 1..255 characters");
		}

		@Test
		void customerAccountIdHas1To255Digits() {
			assertValid(batch(record().customerIdentifier(null).customerAWSAccountId("1").build()));
			assertValid(batch(record().customerIdentifier(null).customerAWSAccountId("1".repeat(255)).build()));
			assertViolations(batch(record().customerIdentifier(null).customerAWSAccountId("1".repeat(256)).build()),
					"usageRecords[0].customerAWSAccountId " + abbreviated('1', 256) + " must be 1..255 characters");
			assertViolations(batch(record().customerIdentifier(null).customerAWSAccountId("12345678901a").build()),
					"usageRecords[0].customerAWSAccountId \"12345678901a\" must match ^[0-9]+$");
			assertViolations(batch(record().customerIdentifier(null).customerAWSAccountId("").build()),
					"usageRecords[0].customerAWSAccountId \"\" must be 1..255 characters",
					"usageRecords[0].customerAWSAccountId \"\" must match ^[0-9]+$");
		}

		@Test
		void usageAllocationsAreValidatedPerRecord() {
			assertValid(batch(record().quantity(10).usageAllocations(allocation(10, tag("k", "v"))).build()));
			assertViolations(
					batch(record().build(),
							record().quantity(10)
								.usageAllocations(allocation(3, tag("a>b", "v")), allocation(3, tag("k", "v")),
										allocation(3, tag("k", "v")))
								.build()),
					"usageRecords[1].usageAllocations[0].tags[0].key \"a>b\" must match " + TAG_PATTERN,
					"usageRecords[1].usageAllocations[2].tags [k=v] must be unique across allocations, "
							+ "same as usageRecords[1].usageAllocations[1]",
					"usageRecords[1].usageAllocations sum of allocatedUsageQuantity 9 must equal "
							+ "usageRecords[1].quantity 10");
		}

		@Test
		void usageAllocationsHave1To2500EntriesPerRecord() {
			assertValid(batch(record().quantity(2500).usageAllocations(distinctAllocations(2500)).build()));
			assertViolations(batch(record().quantity(2501).usageAllocations(distinctAllocations(2501)).build()),
					"usageRecords[0].usageAllocations (2501 entries) must have 1..2500 entries");
		}

		@Test
		void tagsHave1To5EntriesPerAllocation() {
			assertValid(batch(record().quantity(1).usageAllocations(allocation(1, tags(5))).build()));
			assertViolations(batch(record().quantity(1).usageAllocations(allocation(1, tags(6))).build()),
					"usageRecords[0].usageAllocations[0].tags (6 entries) must have 1..5 entries");
		}

		@Test
		void allViolationsAcrossRecordsAreReportedTogether() {
			BatchMeterUsageRequest request = BatchMeterUsageRequest.builder()
				.usageRecords(record().dimension("").build(), record().customerIdentifier(null).build(),
						record().timestamp(null).quantity(-5).build())
				.build();
			assertViolations(request, "productCode is required",
					"usageRecords[0].dimension \"\" must be 1..255 characters",
					"usageRecords[1].customerIdentifier or usageRecords[1].customerAWSAccountId is required",
					"usageRecords[2].timestamp is required",
					"usageRecords[2].quantity -5 must be between 0 and " + MAX_INT);
		}

	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class RequestSize {

		private static final int LIMIT = 1_048_576;

		private final AtomicReference<byte[]> capturedBody = new AtomicReference<>();

		private final AtomicReference<String> capturedTarget = new AtomicReference<>();

		private HttpServer server;

		private MarketplaceMeteringClient client;

		@BeforeAll
		void startServer() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			this.server.createContext("/", (exchange) -> {
				this.capturedTarget.set(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
				this.capturedBody.set(exchange.getRequestBody().readAllBytes());
				byte[] response = "{}".getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
				exchange.sendResponseHeaders(200, response.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(response);
				}
			});
			this.server.start();
			this.client = MarketplaceMeteringClient.builder()
				.endpointOverride(URI.create("http://127.0.0.1:" + this.server.getAddress().getPort()))
				.region(Region.US_EAST_1)
				.credentialsProvider(
						StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
				.build();
		}

		@AfterAll
		void stopServer() {
			this.client.close();
			this.server.stop(0);
		}

		@Test
		void bodyJustUnderOneMegabytePasses() {
			BatchMeterUsageRequest request = batchOfBodySize(LIMIT - 1);
			assertValid(request);
		}

		@Test
		void bodyOfOneMegabyteIsRefused() {
			assertViolations(batchOfBodySize(LIMIT),
					"request body 1048576 bytes must be less than 1048576 bytes (1 MB)");
			assertViolations(batchOfBodySize(LIMIT + 1),
					"request body 1048577 bytes must be less than 1048576 bytes (1 MB)");
		}

		@ParameterizedTest(name = "{0}")
		@MethodSource("requests")
		void computedSizeMatchesTheSdkMarshaller(String description, BatchMeterUsageRequest request) {
			this.client.batchMeterUsage(request);
			assertThat(this.capturedTarget.get()).isEqualTo("AWSMPMeteringService.BatchMeterUsage");
			int actual = this.capturedBody.get().length;
			long computed = MeteringRequestValidator.batchMeterUsageBodySize(request);
			// never under; in fact exact for all of these
			assertThat(computed).isGreaterThanOrEqualTo(actual).isEqualTo(actual);
		}

		Stream<Arguments> requests() {
			UsageRecord minimal = UsageRecord.builder()
				.timestamp(HOUR)
				.customerIdentifier("cust-1")
				.dimension("scans")
				.build();
			UsageRecord allocated = UsageRecord.builder()
				.timestamp(Instant.parse("2026-01-02T03:04:05.123Z"))
				.customerAWSAccountId("123456789012")
				.dimension("gb")
				.quantity(Integer.MAX_VALUE)
				.usageAllocations(allocation(Integer.MAX_VALUE - 7), allocation(7, tag("k", "v"), tag("a b", "c*d")))
				.build();
			UsageRecord escaped = UsageRecord.builder()
				.timestamp(Instant.ofEpochMilli(5))
				.customerIdentifier("quote\" backslash\\ nl\n tab\t bs\b ff\f cr\r ctl\u0001\u001f del\u007f")
				.dimension("slash/ caf\u00e9 \u20ac \uD83D\uDE00 \u2028 lone\uD800 x")
				.quantity(0)
				.build();
			UsageRecord beforeEpoch = UsageRecord.builder()
				.timestamp(Instant.parse("1969-12-31T23:59:59.500Z"))
				.customerIdentifier("c")
				.dimension("d")
				.usageAllocations(UsageAllocation.builder().tags(List.of()).build())
				.build();
			return Stream.of(Arguments.of("minimal record", batch(minimal)),
					Arguments.of("allocations and account id", batch(allocated)),
					Arguments.of("escaped and multi-byte strings", batch(escaped)),
					Arguments.of("timestamp before epoch, empty tags, no quantity", batch(beforeEpoch)),
					Arguments.of("no records, no product code",
							BatchMeterUsageRequest.builder().usageRecords(List.of()).build()),
					Arguments.of("25 records", batch(records(25))),
					Arguments.of("just under 1 MB", batchOfBodySize(LIMIT - 1)));
		}

		/**
		 * Build a valid batch whose computed body size is exactly the given number of
		 * bytes: one record with 1000 allocations whose filler tag values are grown one
		 * ASCII byte at a time.
		 */
		private static BatchMeterUsageRequest batchOfBodySize(long size) {
			int[] fillerLengths = new int[1000 * 4];
			Arrays.fill(fillerLengths, 1);
			long deficit = size - MeteringRequestValidator.batchMeterUsageBodySize(fillerBatch(fillerLengths));
			for (int i = 0; i < fillerLengths.length && deficit > 0; i++) {
				int grow = (int) Math.min(255, deficit);
				fillerLengths[i] += grow;
				deficit -= grow;
			}
			assertThat(deficit).isZero();
			BatchMeterUsageRequest request = fillerBatch(fillerLengths);
			assertThat(MeteringRequestValidator.batchMeterUsageBodySize(request)).isEqualTo(size);
			return request;
		}

		private static BatchMeterUsageRequest fillerBatch(int[] fillerLengths) {
			int count = fillerLengths.length / 4;
			List<UsageAllocation> allocations = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				Tag[] tags = new Tag[5];
				tags[0] = tag("id", "i" + i);
				for (int j = 1; j < 5; j++) {
					tags[j] = tag("k" + j, "v".repeat(fillerLengths[(i * 4) + j - 1]));
				}
				allocations.add(allocation(1, tags));
			}
			return batch(record().quantity(count).usageAllocations(allocations).build());
		}

	}

	@Nested
	class RegisterUsage {

		@Test
		void completeRequestPasses() {
			assertValid(register().nonce("n-123").build());
		}

		@Test
		void productCodeIsRequired() {
			assertViolations(register().productCode(null).build(), "productCode is required");
			assertViolations(register().productCode("a b").build(),
					"productCode \"a b\" must match ^[-a-zA-Z0-9/=:_.@]*$");
		}

		@Test
		void publicKeyVersionIsRequiredAndAtLeast1() {
			assertValid(register().publicKeyVersion(1).build());
			assertViolations(register().publicKeyVersion(null).build(), "publicKeyVersion is required");
			assertViolations(register().publicKeyVersion(0).build(), "publicKeyVersion 0 must be at least 1");
		}

		@Test
		void nonceIsOptionalWithAtMost255Characters() {
			assertValid(register().nonce(null).build());
			assertValid(register().nonce("").build());
			assertValid(register().nonce("n".repeat(255)).build());
			assertViolations(register().nonce("n".repeat(256)).build(),
					"nonce " + abbreviated('n', 256) + " must be 0..255 characters");
		}

	}

	@Nested
	class ResolveCustomer {

		@Test
		void tokenPasses() {
			assertValid(ResolveCustomerRequest.builder().registrationToken("t").build());
		}

		@Test
		void registrationTokenIsRequiredAndNotEmpty() {
			assertViolations(ResolveCustomerRequest.builder().build(), "registrationToken is required");
			assertViolations(ResolveCustomerRequest.builder().registrationToken("").build(),
					"registrationToken \"\" must not be empty");
		}

	}

	@Nested
	class BuildingBlocks {

		@Test
		void productCodeViolationsNameTheGivenField() {
			assertThat(MeteringRequestValidator.productCodeViolations("aws.marketplace.metering.product-code",
					"prod-1a2b3c"))
				.isEmpty();
			assertThat(MeteringRequestValidator.productCodeViolations("aws.marketplace.metering.product-code", "a b"))
				.containsExactly("aws.marketplace.metering.product-code \"a b\" must match ^[-a-zA-Z0-9/=:_.@]*$");
			assertThat(MeteringRequestValidator.productCodeViolations("p", null)).containsExactly("p is required");
		}

		@Test
		void dimensionViolationsNameTheGivenField() {
			assertThat(MeteringRequestValidator.dimensionViolations("dimensions[0]", "scans")).isEmpty();
			assertThat(MeteringRequestValidator.dimensionViolations("dimensions[0]", ""))
				.containsExactly("dimensions[0] \"\" must be 1..255 characters");
		}

		@Test
		void tagViolationsNameKeyAndValue() {
			assertThat(MeteringRequestValidator.tagViolations("tags[0]", "env", "prod")).isEmpty();
			assertThat(MeteringRequestValidator.tagViolations("tags[0]", "a>b", null))
				.containsExactly("tags[0].key \"a>b\" must match " + TAG_PATTERN, "tags[0].value is required");
		}

		@Test
		void violationsListIsCopiedAndUnmodifiable() {
			List<String> violations = new ArrayList<>(List.of("a is required"));
			InvalidMeteringRequestException ex = new InvalidMeteringRequestException("MeterUsage", violations);
			violations.add("b is required");
			assertThat(ex.violations()).containsExactly("a is required");
			assertThat(ex.violations()).isUnmodifiable();
		}

	}

	@Nested
	class ModelConformance {

		private final ServiceModel model = ServiceModel.load();

		@Test
		void stringLimitsMatchModel() {
			assertThat(this.model.max("ProductCode")).isEqualTo(MeteringLimits.PRODUCT_CODE_MAX);
			assertThat(this.model.min("UsageDimension")).isEqualTo(MeteringLimits.USAGE_DIMENSION_MIN);
			assertThat(this.model.max("UsageDimension")).isEqualTo(MeteringLimits.USAGE_DIMENSION_MAX);
			assertThat(this.model.min("ClientToken")).isEqualTo(MeteringLimits.CLIENT_TOKEN_MIN);
			assertThat(this.model.max("ClientToken")).isEqualTo(MeteringLimits.CLIENT_TOKEN_MAX);
			assertThat(this.model.min("TagKey")).isEqualTo(MeteringLimits.TAG_KEY_MIN);
			assertThat(this.model.max("TagKey")).isEqualTo(MeteringLimits.TAG_KEY_MAX);
			assertThat(this.model.min("TagValue")).isEqualTo(MeteringLimits.TAG_VALUE_MIN);
			assertThat(this.model.max("TagValue")).isEqualTo(MeteringLimits.TAG_VALUE_MAX);
			assertThat(this.model.max("CustomerIdentifier")).isEqualTo(MeteringLimits.CUSTOMER_IDENTIFIER_MAX);
			assertThat(this.model.min("CustomerAWSAccountId")).isEqualTo(MeteringLimits.CUSTOMER_AWS_ACCOUNT_ID_MIN);
			assertThat(this.model.max("CustomerAWSAccountId")).isEqualTo(MeteringLimits.CUSTOMER_AWS_ACCOUNT_ID_MAX);
			assertThat(this.model.min("Nonce")).isNull();
			assertThat(this.model.max("Nonce")).isEqualTo(MeteringLimits.NONCE_MAX);
		}

		@Test
		void deliberatelyStricterMinimaThanModel() {
			// the model allows empty product codes and customer identifiers; AWS never
			// issues one, so an empty value is refused early
			assertThat(this.model.min("ProductCode")).isZero();
			assertThat(MeteringLimits.PRODUCT_CODE_MIN).isOne();
			assertThat(this.model.min("CustomerIdentifier")).isZero();
			assertThat(MeteringLimits.CUSTOMER_IDENTIFIER_MIN).isOne();
		}

		@Test
		void numberRangesMatchModel() {
			assertThat(this.model.min("UsageQuantity")).isEqualTo(MeteringLimits.USAGE_QUANTITY_MIN);
			assertThat(this.model.max("UsageQuantity")).isEqualTo(MeteringLimits.USAGE_QUANTITY_MAX);
			assertThat(this.model.min("AllocatedUsageQuantity")).isEqualTo(MeteringLimits.ALLOCATED_USAGE_QUANTITY_MIN);
			assertThat(this.model.max("AllocatedUsageQuantity")).isEqualTo(MeteringLimits.ALLOCATED_USAGE_QUANTITY_MAX);
			assertThat(this.model.min("VersionInteger")).isEqualTo(MeteringLimits.PUBLIC_KEY_VERSION_MIN);
			assertThat(this.model.max("VersionInteger")).isNull();
		}

		@Test
		void listLimitsMatchModel() {
			assertThat(this.model.min("UsageAllocations")).isEqualTo(MeteringLimits.USAGE_ALLOCATIONS_MIN);
			assertThat(this.model.max("UsageAllocations")).isEqualTo(MeteringLimits.USAGE_ALLOCATIONS_MAX);
			assertThat(this.model.min("TagList")).isEqualTo(MeteringLimits.TAGS_MIN);
			assertThat(this.model.max("TagList")).isEqualTo(MeteringLimits.TAGS_MAX);
			assertThat(this.model.min("UsageRecordList")).isEqualTo(MeteringLimits.USAGE_RECORDS_MIN);
			assertThat(this.model.max("UsageRecordList")).isEqualTo(MeteringLimits.USAGE_RECORDS_MAX);
		}

		@Test
		void patternsMatchModel() {
			assertThat(this.model.pattern("ProductCode"))
				.isEqualTo(MeteringRequestValidator.PRODUCT_CODE_PATTERN.pattern());
			assertThat(this.model.pattern("TagKey")).isEqualTo(MeteringRequestValidator.TAG_KEY_PATTERN.pattern());
			assertThat(this.model.pattern("TagValue")).isEqualTo(MeteringRequestValidator.TAG_VALUE_PATTERN.pattern());
			assertThat(this.model.pattern("CustomerAWSAccountId"))
				.isEqualTo(MeteringRequestValidator.CUSTOMER_AWS_ACCOUNT_ID_PATTERN.pattern());
		}

		@Test
		void patternsLeftUncheckedAcceptAnyString() {
			// these only require (non-)emptiness, which the length rules already cover
			assertThat(this.model.pattern("UsageDimension")).isEqualTo("[\\s\\S]+");
			assertThat(this.model.pattern("NonEmptyString")).isEqualTo("[\\s\\S]+");
			assertThat(this.model.pattern("CustomerIdentifier")).isEqualTo("[\\s\\S]*");
			assertThat(this.model.pattern("Nonce")).isEqualTo("[\\s\\S]*");
			assertThat(this.model.pattern("ClientToken")).isNull();
		}

		@Test
		void validatedMembersTargetTheComparedShapes() {
			assertThat(this.model.memberShape("MeterUsageRequest", "ProductCode")).isEqualTo("ProductCode");
			assertThat(this.model.memberShape("MeterUsageRequest", "UsageDimension")).isEqualTo("UsageDimension");
			assertThat(this.model.memberShape("MeterUsageRequest", "UsageQuantity")).isEqualTo("UsageQuantity");
			assertThat(this.model.memberShape("MeterUsageRequest", "ClientToken")).isEqualTo("ClientToken");
			assertThat(this.model.memberShape("MeterUsageRequest", "UsageAllocations")).isEqualTo("UsageAllocations");
			assertThat(this.model.memberShape("BatchMeterUsageRequest", "ProductCode")).isEqualTo("ProductCode");
			assertThat(this.model.memberShape("BatchMeterUsageRequest", "UsageRecords")).isEqualTo("UsageRecordList");
			assertThat(this.model.memberShape("UsageRecord", "Dimension")).isEqualTo("UsageDimension");
			assertThat(this.model.memberShape("UsageRecord", "Quantity")).isEqualTo("UsageQuantity");
			assertThat(this.model.memberShape("UsageRecord", "CustomerIdentifier")).isEqualTo("CustomerIdentifier");
			assertThat(this.model.memberShape("UsageRecord", "CustomerAWSAccountId")).isEqualTo("CustomerAWSAccountId");
			assertThat(this.model.memberShape("UsageRecord", "UsageAllocations")).isEqualTo("UsageAllocations");
			assertThat(this.model.memberShape("UsageAllocation", "AllocatedUsageQuantity"))
				.isEqualTo("AllocatedUsageQuantity");
			assertThat(this.model.memberShape("UsageAllocation", "Tags")).isEqualTo("TagList");
			assertThat(this.model.memberShape("Tag", "Key")).isEqualTo("TagKey");
			assertThat(this.model.memberShape("Tag", "Value")).isEqualTo("TagValue");
			assertThat(this.model.memberShape("RegisterUsageRequest", "ProductCode")).isEqualTo("ProductCode");
			assertThat(this.model.memberShape("RegisterUsageRequest", "PublicKeyVersion")).isEqualTo("VersionInteger");
			assertThat(this.model.memberShape("RegisterUsageRequest", "Nonce")).isEqualTo("Nonce");
			assertThat(this.model.memberShape("ResolveCustomerRequest", "RegistrationToken"))
				.isEqualTo("NonEmptyString");
		}

		@Test
		void requiredMembersOfTheModelAreRequired() {
			assertViolations(MeterUsageRequest.builder().build(), required("", "MeterUsageRequest"));
			assertViolations(RegisterUsageRequest.builder().build(), required("", "RegisterUsageRequest"));
			assertViolations(ResolveCustomerRequest.builder().build(), required("", "ResolveCustomerRequest"));
			assertViolations(meterUsage().usageAllocations(UsageAllocation.builder().build()).build(),
					required("usageAllocations[0].", "UsageAllocation"));
			assertViolations(meterUsage().usageAllocations(allocation(10, Tag.builder().build())).build(),
					required("usageAllocations[0].tags[0].", "Tag"));
		}

		@Test
		void requiredMembersBeyondTheModel() {
			// the model's BatchMeterUsage requires only UsageRecords (a LicenseArn may
			// stand for the product), but SDK 2.41.4 has no LicenseArn, so the product
			// code is required; a record needs one of its two customer members
			assertThat(this.model.required("BatchMeterUsageRequest")).containsExactly("UsageRecords");
			assertViolations(BatchMeterUsageRequest.builder().build(), "productCode is required",
					"usageRecords is required");
			assertThat(this.model.required("UsageRecord")).containsExactlyInAnyOrder("Timestamp", "Dimension");
			assertViolations(batch(UsageRecord.builder().build()), "usageRecords[0].timestamp is required",
					"usageRecords[0].dimension is required",
					"usageRecords[0].customerIdentifier or usageRecords[0].customerAWSAccountId is required");
		}

		private String[] required(String prefix, String structure) {
			return this.model.required(structure)
				.stream()
				.map((member) -> prefix + Character.toLowerCase(member.charAt(0)) + member.substring(1)
						+ " is required")
				.toArray(String[]::new);
		}

	}

	private static MeterUsageRequest.Builder meterUsage() {
		return MeterUsageRequest.builder()
			.productCode("prod-1a2b3c")
			.timestamp(HOUR)
			.usageDimension("scans")
			.usageQuantity(10);
	}

	private static UsageRecord.Builder record() {
		return UsageRecord.builder().timestamp(HOUR).customerIdentifier("cust-1").dimension("scans").quantity(10);
	}

	private static List<UsageRecord> records(int count) {
		return IntStream.range(0, count).mapToObj((i) -> record().customerIdentifier("cust-" + i).build()).toList();
	}

	private static BatchMeterUsageRequest batch(UsageRecord... records) {
		return batch(Arrays.asList(records));
	}

	private static BatchMeterUsageRequest batch(List<UsageRecord> records) {
		return BatchMeterUsageRequest.builder().productCode("prod-1a2b3c").usageRecords(records).build();
	}

	private static RegisterUsageRequest.Builder register() {
		return RegisterUsageRequest.builder().productCode("prod-1a2b3c").publicKeyVersion(1);
	}

	private static UsageAllocation allocation(int quantity, Tag... tags) {
		UsageAllocation.Builder builder = UsageAllocation.builder().allocatedUsageQuantity(quantity);
		return (tags.length > 0) ? builder.tags(tags).build() : builder.build();
	}

	private static List<UsageAllocation> distinctAllocations(int count) {
		return IntStream.range(0, count).mapToObj((i) -> allocation(1, tag("id", "i" + i))).toList();
	}

	private static Tag tag(String key, String value) {
		return Tag.builder().key(key).value(value).build();
	}

	private static Tag[] tags(int count) {
		return IntStream.range(0, count).mapToObj((i) -> tag("k" + i, "v")).toArray(Tag[]::new);
	}

	/**
	 * The displayed form of a value of {@code length} repetitions of {@code c}.
	 */
	private static String abbreviated(char c, int length) {
		return "\"" + String.valueOf(c).repeat(37) + "...\" (" + length + " characters)";
	}

	private static void assertValid(MeterUsageRequest request) {
		assertThatNoException().isThrownBy(() -> MeteringRequestValidator.validate(request));
	}

	private static void assertValid(BatchMeterUsageRequest request) {
		assertThatNoException().isThrownBy(() -> MeteringRequestValidator.validate(request));
	}

	private static void assertValid(RegisterUsageRequest request) {
		assertThatNoException().isThrownBy(() -> MeteringRequestValidator.validate(request));
	}

	private static void assertValid(ResolveCustomerRequest request) {
		assertThatNoException().isThrownBy(() -> MeteringRequestValidator.validate(request));
	}

	private static void assertViolations(MeterUsageRequest request, String... expected) {
		assertViolations("MeterUsage", () -> MeteringRequestValidator.validate(request), expected);
	}

	private static void assertViolations(BatchMeterUsageRequest request, String... expected) {
		assertViolations("BatchMeterUsage", () -> MeteringRequestValidator.validate(request), expected);
	}

	private static void assertViolations(RegisterUsageRequest request, String... expected) {
		assertViolations("RegisterUsage", () -> MeteringRequestValidator.validate(request), expected);
	}

	private static void assertViolations(ResolveCustomerRequest request, String... expected) {
		assertViolations("ResolveCustomer", () -> MeteringRequestValidator.validate(request), expected);
	}

	/**
	 * Assert that exactly the expected violations are reported, in order, and appear in
	 * the message.
	 */
	private static void assertViolations(String operation, ThrowingCallable validation, String... expected) {
		assertThatExceptionOfType(InvalidMeteringRequestException.class).isThrownBy(validation)
			.satisfies((ex) -> assertThat(ex.violations()).containsExactly(expected))
			.withMessage("Invalid " + operation + " request: " + String.join("; ", expected));
	}

}
