package dev.metering.ledger;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientTokens}.
 *
 * @author metering-spring-boot
 */
class ClientTokensTests {

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private final String token = ClientTokens.of("prod-1", "pod-a", "scans", "cust-1", TEN);

	@Test
	void theSameInputsGiveTheSameTokenOfAtMost64Characters() {
		assertThat(ClientTokens.of("prod-1", "pod-a", "scans", "cust-1", TEN)).isEqualTo(this.token)
			.hasSizeLessThanOrEqualTo(64);
	}

	@Test
	void everyInputChangesTheToken() {
		assertThat(ClientTokens.of("prod-2", "pod-a", "scans", "cust-1", TEN)).isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-b", "scans", "cust-1", TEN)).isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "bytes", "cust-1", TEN)).isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "scans", "cust-2", TEN)).isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "scans", null, TEN)).isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "scans", "cust-1", TEN.plusSeconds(3600)))
			.isNotEqualTo(this.token);
	}

	@Test
	void partsCannotBeShiftedIntoEachOther() {
		assertThat(ClientTokens.of("prod", "1pod", "scans", null, TEN))
			.isNotEqualTo(ClientTokens.of("prod1", "pod", "scans", null, TEN));
		assertThat(ClientTokens.of("prod-1", "pod-a", "scans", "", TEN))
			.isNotEqualTo(ClientTokens.of("prod-1", "pod-a", "scans", null, TEN));
	}

}
