package dev.metering.core;

import java.util.Map;
import java.util.Set;

import dev.metering.aop.SummingUsageLedger;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for how {@link UsageRecorder} holds customers' usage to the configured
 * {@link SaasIntegration}.
 */
class UsageRecorderIntegrationModeTests {

	private static final String LICENSE_A = MarketplaceCustomerTests.LICENSE_A;

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-fedcba9876543210";

	private final SummingUsageLedger ledger = new SummingUsageLedger();

	@Test
	void licenseIsTheDefaultIntegration() {
		assertThat(new UsageRecorder(this.ledger, Set.of()).getIntegration()).isEqualTo(SaasIntegration.LICENSE);
	}

	@Test
	void licenseModeKeepsUsagePerLicenseOfOneAccount() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LICENSE);
		recorder.recordForCustomer("scans", 2, Map.of(), MarketplaceCustomer.license("111122223333", LICENSE_A));
		recorder.recordForCustomer("scans", 5, Map.of(), MarketplaceCustomer.license("111122223333", LICENSE_B));
		recorder.recordForCustomer("scans", 1, Map.of(), MarketplaceCustomer.license("111122223333", LICENSE_A));
		assertThat(this.ledger.quantities()).containsOnly(
				Map.entry(UsageKey.of("scans", "111122223333", LICENSE_A, Map.of()), 3L),
				Map.entry(UsageKey.of("scans", "111122223333", LICENSE_B, Map.of()), 5L));
	}

	@Test
	void licenseModeStillRecordsTheProductsOwnUsage() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LICENSE);
		recorder.record("scans", 2, Map.of(), null);
		assertThat(this.ledger.quantity(UsageKey.of("scans"))).isEqualTo(2);
	}

	@Test
	void licenseModeRefusesAStringCustomerNamingTheProperty() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LICENSE);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> recorder.record("scans", 1, Map.of(), "customer-1"))
			.withMessage("Invalid usage record request: customer \"customer-1\" has no license: with "
					+ "aws.marketplace.metering.saas.integration=license record with "
					+ "MarketplaceCustomer.license(awsAccountId, licenseArn), or set "
					+ "aws.marketplace.metering.saas.integration=legacy");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void licenseModeRefusesALegacyCustomerNamingTheProperty() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LICENSE);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> recorder.recordForCustomer("scans", 1, Map.of(), MarketplaceCustomer.legacy("c-1")))
			.withMessage("Invalid usage record request: customer legacy(c-1) must be of the license integration "
					+ "set by aws.marketplace.metering.saas.integration=license");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void legacyModeRefusesALicenseCustomerNamingTheProperty() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LEGACY);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> recorder.recordForCustomer("scans", 1, Map.of(),
					MarketplaceCustomer.license("111122223333", LICENSE_A)))
			.withMessage("Invalid usage record request: customer license(111122223333, " + LICENSE_A
					+ ") must be of the legacy integration set by aws.marketplace.metering.saas.integration=legacy");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void legacyModeRecordsLegacyCustomersBothWays() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LEGACY);
		recorder.record("scans", 1, Map.of(), "c-1");
		recorder.recordForCustomer("scans", 2, Map.of(), MarketplaceCustomer.legacy("c-1"));
		assertThat(this.ledger.quantity(UsageKey.of("scans", "c-1", Map.of()))).isEqualTo(3);
	}

	@Test
	void aCustomerIsRequired() {
		UsageRecorder recorder = new UsageRecorder(this.ledger, Set.of(), SaasIntegration.LICENSE);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> recorder.recordForCustomer("scans", 1, Map.of(), null))
			.withMessage("Invalid usage record request: customer is required");
	}

}
