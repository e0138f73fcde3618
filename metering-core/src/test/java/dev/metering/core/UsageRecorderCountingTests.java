package dev.metering.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metering.aop.SummingUsageLedger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the quantity {@link UsageRecorder} counts per dimension, read by metrics.
 */
class UsageRecorderCountingTests {

	private final SummingUsageLedger ledger = new SummingUsageLedger();

	private final UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of("scans", "bytes"),
			SaasIntegration.LEGACY);

	@Test
	void configuredDimensionsAreCountedFromZero() {
		assertThat(this.recorder.recordedQuantities()).containsExactly(Map.entry("bytes", 0L), Map.entry("scans", 0L));
	}

	@Test
	void countsTheQuantityOfBothRecordingPaths() {
		this.recorder.record("scans", 2, null, "customer-1");
		this.recorder.record("scans", 3, Map.of("team", "a"), null);
		this.recorder.recordValidated(this.recorder.validatedKey("bytes", null, null), 1024);
		assertThat(this.recorder.recordedQuantity("scans")).isEqualTo(5);
		assertThat(this.recorder.recordedQuantity("bytes")).isEqualTo(1024);
		assertThat(this.recorder.recordedQuantity("pages")).isZero();
	}

	@Test
	void refusedUsageIsNotCounted() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.recorder.record("pages", 1, null, null));
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.recorder.record("scans", -1, null, null));
		assertThat(this.recorder.recordedQuantity("scans")).isZero();
		assertThat(this.recorder.recordedQuantities()).doesNotContainKey("pages");
	}

	@Test
	void tellsListenersOfEachNewDimensionOnce() {
		UsageRecorder anyDimension = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LEGACY);
		List<String> seen = new ArrayList<>();
		anyDimension.onNewDimension((dimension) -> {
			seen.add(dimension);
			throw new IllegalStateException("a failing listener must not break recording");
		});
		anyDimension.record("pages", 1, null, null);
		anyDimension.record("pages", 1, null, null);
		anyDimension.record("users", 1, null, null);
		assertThat(seen).containsExactly("pages", "users");
		assertThat(anyDimension.recordedQuantities()).containsExactly(Map.entry("pages", 2L), Map.entry("users", 1L));
	}

}
