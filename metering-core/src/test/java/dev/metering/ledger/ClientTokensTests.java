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

	private static final String LICENSE = "arn:aws:license-manager::123456789012:license:l-1";

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private final String token = ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", "cust-1", null, TEN);

	@Test
	void theSameInputsGiveTheSameTokenOfAtMost64Characters() {
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", "cust-1", null, TEN)).isEqualTo(this.token)
			.hasSizeLessThanOrEqualTo(64);
	}

	@Test
	void everyInputChangesTheToken() {
		assertThat(ClientTokens.of("prod-2", "pod-a", "ledger-1", "scans", "cust-1", null, TEN))
			.isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-b", "ledger-1", "scans", "cust-1", null, TEN))
			.isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-2", "scans", "cust-1", null, TEN))
			.isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "bytes", "cust-1", null, TEN))
			.isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", "cust-2", null, TEN))
			.isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", null, null, TEN)).isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", "cust-1", null, TEN.plusSeconds(3600)))
			.isNotEqualTo(this.token);
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", "cust-1", LICENSE, TEN))
			.isNotEqualTo(this.token);
	}

	@Test
	void twoLicensesOfOneAccountHaveTwoTokens() {
		assertThat(ClientTokens.of("prod-1", "seller", "ledger-1", "scans", "111122223333", LICENSE, TEN))
			.isNotEqualTo(ClientTokens.of("prod-1", "seller", "ledger-1", "scans", "111122223333", LICENSE + "2", TEN));
	}

	@Test
	void partsCannotBeShiftedIntoEachOther() {
		assertThat(ClientTokens.of("prod", "1pod", "ledger-1", "scans", null, null, TEN))
			.isNotEqualTo(ClientTokens.of("prod1", "pod", "ledger-1", "scans", null, null, TEN));
		assertThat(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", "", null, TEN))
			.isNotEqualTo(ClientTokens.of("prod-1", "pod-a", "ledger-1", "scans", null, null, TEN));
	}

}
