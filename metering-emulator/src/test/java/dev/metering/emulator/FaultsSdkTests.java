package dev.metering.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.InternalServiceErrorException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Injected faults as the real AWS SDK v2 client (retries off) observes them.
 */
class FaultsSdkTests {

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123Z");

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder().clock(new MutableClock(NOW)).build().start();
		this.client = SdkClients.client(this.emulator.endpoint());
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.emulator.close();
	}

	@Test
	void throttlingIsAnsweredWithoutProcessing() {
		this.emulator.faults().throttleRate(1);
		assertThatExceptionOfType(ThrottlingException.class).isThrownBy(() -> this.client.meterUsage(request(1)))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(400));
		assertThatExceptionOfType(ThrottlingException.class)
			.isThrownBy(() -> this.client.registerUsage((r) -> r.productCode("p").publicKeyVersion(1)));
		assertThat(this.emulator.records()).isEmpty();
		assertThat(this.emulator.counters().rejected("ThrottlingException")).isEqualTo(2);
	}

	@Test
	void expiredCredentialsAreRefusedOnEveryOperationWithoutProcessing() {
		this.emulator.faults().expiredCredentialsRate(1);
		assertThatExceptionOfType(ExpiredTokenException.class).isThrownBy(() -> this.client.meterUsage(request(1)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
		assertThatExceptionOfType(ExpiredTokenException.class)
			.isThrownBy(() -> this.client.batchMeterUsage((r) -> r.productCode("p")));
		assertThatExceptionOfType(ExpiredTokenException.class)
			.isThrownBy(() -> this.client.registerUsage((r) -> r.productCode("p").publicKeyVersion(1)));
		assertThat(this.emulator.records()).isEmpty();
		assertThat(this.emulator.counters().rejected("ExpiredTokenException")).isEqualTo(3);
		this.emulator.faults().expiredCredentialsRate(0);
		this.client.meterUsage(request(1));
		assertThat(this.emulator.records()).hasSize(1);
	}

	@Test
	void serverErrorIsA500WithoutProcessing() {
		this.emulator.faults().serverErrorRate(1);
		assertThatExceptionOfType(InternalServiceErrorException.class)
			.isThrownBy(() -> this.client.meterUsage(request(1)))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(500));
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void droppedConnectionIsAClientErrorWithoutProcessing() {
		this.emulator.faults().dropConnectionRate(1);
		assertThatExceptionOfType(SdkClientException.class).isThrownBy(() -> this.client.meterUsage(request(1)));
		assertThat(this.emulator.records()).isEmpty();
		this.emulator.faults().dropConnectionRate(0);
		this.client.meterUsage(request(1));
		assertThat(this.emulator.records()).hasSize(1);
	}

	@Test
	void lostResponseIsCommittedAndTheResendIsAnIdempotentReplay() {
		this.emulator.faults().lostResponseRate(1);
		assertThatExceptionOfType(SdkClientException.class).isThrownBy(() -> this.client.meterUsage(request(4)));
		assertThat(this.emulator.records()).hasSize(1);
		String committed = this.emulator.records().get(0).meteringRecordId();
		this.emulator.faults().lostResponseRate(0);
		String resent = this.client.meterUsage(request(4)).meteringRecordId();
		assertThat(resent).isEqualTo(committed);
		assertThat(this.emulator.records()).hasSize(1);
		assertThat(this.emulator.counters().accepted()).isEqualTo(1);
		assertThat(this.emulator.counters().replays()).isEqualTo(1);
	}

	@Test
	void lostBatchResponseIsCommittedAndTheResendIsSuccessWithTheSameId() {
		this.emulator.faults().lostResponseRate(1);
		assertThatExceptionOfType(SdkClientException.class)
			.isThrownBy(() -> this.client.batchMeterUsage((r) -> r.productCode("p")
				.usageRecords((u) -> u.customerIdentifier("c").dimension("d").quantity(2).timestamp(NOW))));
		this.emulator.faults().lostResponseRate(0);
		assertThat(this.client
			.batchMeterUsage((r) -> r.productCode("p")
				.usageRecords((u) -> u.customerIdentifier("c").dimension("d").quantity(2).timestamp(NOW)))
			.results()).singleElement().satisfies((result) -> {
				assertThat(result.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
				assertThat(result.meteringRecordId()).isEqualTo(this.emulator.records().get(0).meteringRecordId());
			});
		assertThat(this.emulator.counters().accepted()).isEqualTo(1);
	}

	@Test
	void latencyDelaysTheAnswer() {
		this.emulator.faults().latency(Duration.ofMillis(300));
		long start = System.nanoTime();
		this.client.meterUsage(request(1));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void seededFaultsAreReproducible() {
		List<String> first = outcomes(42);
		this.emulator.reset();
		List<String> second = outcomes(42);
		assertThat(second).isEqualTo(first);
		assertThat(first).contains("ok", "ThrottlingException");
	}

	private List<String> outcomes(long seed) {
		this.emulator.faults().throttleRate(0.5).seed(seed);
		List<String> outcomes = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			try {
				this.client.resolveCustomer((r) -> r.registrationToken("unknown"));
				outcomes.add("ok");
			}
			catch (ThrottlingException ex) {
				outcomes.add("ThrottlingException");
			}
			catch (RuntimeException ex) {
				outcomes.add("ok");
			}
		}
		return outcomes;
	}

	private static MeterUsageRequest request(int quantity) {
		return MeterUsageRequest.builder()
			.productCode("p")
			.usageDimension("d")
			.usageQuantity(quantity)
			.timestamp(NOW.minusSeconds(10))
			.build();
	}

}
