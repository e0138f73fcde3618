package dev.metering.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.metering.aop.SummingUsageLedger;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link UsageCapture}.
 */
class UsageCaptureTests {

	private final SummingUsageLedger ledger = new SummingUsageLedger();

	private final UsageCapture capture = new UsageCapture(this.ledger, Set.of("scans", "bytes"),
			SaasIntegration.LEGACY);

	@Test
	void recordsValidUsageUnderItsKey() {
		this.capture.record("scans", 3, Map.of("team", "blue"), "customer-1");
		this.capture.record("scans", 4, Map.of("team", "blue"), "customer-1");
		assertThat(this.ledger.quantity(UsageKey.of("scans", "customer-1", Map.of("team", "blue")))).isEqualTo(7);
	}

	@Test
	void recordsUntaggedProductUsageWithNullOrEmptyTags() {
		this.capture.record("scans", 1, null, null);
		this.capture.record("scans", 2, Map.of(), null);
		assertThat(this.ledger.quantity(UsageKey.of("scans"))).isEqualTo(3);
	}

	@Test
	void zeroQuantityIsValid() {
		this.capture.record("scans", 0, null, null);
		assertThat(this.ledger.quantity(UsageKey.of("scans"))).isZero();
	}

	@Test
	void negativeQuantityIsRefused() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", -1, null, null))
			.withMessage("Invalid usage record request: quantity -1 must be at least 0");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void quantityAboveTheLargestOfARecordIsRefused() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1L << 40, null, null))
			.withMessage("Invalid usage record request: quantity 1099511627776 must be at most 1099511627775");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void dimensionOutsideTheConfiguredSetIsRefused() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scanz", 1, null, null))
			.withMessageContaining("dimension \"scanz\" must be one of the configured dimensions [bytes, scans]");
	}

	@Test
	void anyModelValidDimensionIsAllowedWhenNoneAreConfigured() {
		UsageCapture open = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY);
		open.record("anything", 1, null, null);
		assertThat(this.ledger.quantity(UsageKey.of("anything"))).isEqualTo(1);
	}

	@Test
	void dimensionBreakingTheModelIsRefused() {
		UsageCapture open = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> open.record("", 1, null, null))
			.withMessageContaining("dimension \"\" must be 1..255 characters");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> open.record(null, 1, null, null))
			.withMessageContaining("dimension is required");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> open.record("d".repeat(256), 1, null, null))
			.withMessageContaining("must be 1..255 characters");
	}

	@Test
	void moreThanFiveTagsAreRefused() {
		Map<String, String> tags = new LinkedHashMap<>();
		for (int i = 0; i < 6; i++) {
			tags.put("k" + i, "v");
		}
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, tags, null))
			.withMessageContaining("tags (6 entries) must have at most 5 entries");
	}

	@Test
	void tagValueBreakingThePatternIsRefusedNamingTheKey() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, Map.of("team", "blue?"), null))
			.withMessageContaining("tags[team].value \"blue?\" must match ^[a-zA-Z0-9+ -=._:\\/@]+$");
	}

	@Test
	void tagKeyTooLongOrEmptyValueIsRefused() {
		String longKey = "k".repeat(101);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, Map.of(longKey, "v"), null))
			.withMessageContaining(".key \"kkkkk")
			.withMessageContaining("(101 characters) must be 1..100 characters");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, Map.of("team", ""), null))
			.withMessageContaining("tags[team].value \"\" must be 1..256 characters");
	}

	@Test
	void nullTagValueIsRefused() {
		Map<String, String> tags = new LinkedHashMap<>();
		tags.put("team", null);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, tags, null))
			.withMessageContaining("tags[team].value is required");
	}

	@Test
	void emptyOrTooLongCustomerIsRefused() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, null, ""))
			.withMessageContaining("customer \"\" must be 1..255 characters, or null for the product's own usage");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scans", 1, null, "c".repeat(256)))
			.withMessageContaining("(256 characters) must be 1..255 characters");
	}

	@Test
	void everyViolationIsReportedAtOnce() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.record("scanz", -2, Map.of("team", "blue?"), ""))
			.satisfies((ex) -> assertThat(ex.violations()).hasSize(4));
	}

	@Test
	void validatedKeyIsRecordedWithoutValidationButQuantityIsChecked() {
		UsageKey key = this.capture.validatedKey("bytes", Map.of("team", "blue"), null);
		this.capture.recordValidated(key, 5);
		assertThat(this.ledger.quantity(key)).isEqualTo(5);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.recordValidated(key, -5))
			.withMessageContaining("quantity -5 must be at least 0");
	}

	@Test
	void validatedKeyRefusesAnInvalidKey() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> this.capture.validatedKey("scanz", null, null))
			.withMessageContaining("dimension \"scanz\"");
	}

}
