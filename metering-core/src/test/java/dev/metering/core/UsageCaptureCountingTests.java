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
 * Tests for the quantity {@link UsageCapture} counts per dimension, read by metrics.
 */
class UsageCaptureCountingTests {

	private final SummingUsageLedger ledger = new SummingUsageLedger();

	private final UsageCapture capture = new UsageCapture(this.ledger, Set.of("scans", "bytes"),
			SaasIntegration.LEGACY);

	@Test
	void configuredDimensionsAreCountedFromZero() {
		assertThat(this.capture.recordedQuantities()).containsExactly(Map.entry("bytes", 0L), Map.entry("scans", 0L));
	}

	@Test
	void countsTheQuantityOfBothRecordingPaths() {
		this.capture.record("scans", 2, null, "customer-1");
		this.capture.record("scans", 3, Map.of("team", "a"), null);
		this.capture.recordValidated(this.capture.validatedKey("bytes", null, null), 1024);
		assertThat(this.capture.recordedQuantity("scans")).isEqualTo(5);
		assertThat(this.capture.recordedQuantity("bytes")).isEqualTo(1024);
		assertThat(this.capture.recordedQuantity("pages")).isZero();
	}

	@Test
	void refusedUsageIsNotCounted() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("pages", 1, null, null));
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", -1, null, null));
		assertThat(this.capture.recordedQuantity("scans")).isZero();
		assertThat(this.capture.recordedQuantities()).doesNotContainKey("pages");
	}

	@Test
	void tellsListenersOfEachNewDimensionOnce() {
		UsageCapture anyDimension = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY);
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
