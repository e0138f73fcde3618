package dev.metering.core;

import java.util.Map;
import java.util.Set;

import dev.metering.aop.SummingUsageLedger;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for how {@link UsageCapture} holds customers' usage to the configured
 * {@link SaasIntegration}.
 */
class UsageCaptureIntegrationModeTests {

	private static final String LICENSE_A = MarketplaceCustomerTests.LICENSE_A;

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-fedcba9876543210";

	private final SummingUsageLedger ledger = new SummingUsageLedger();

	@Test
	void licenseIsTheDefaultIntegration() {
		assertThat(new UsageCapture(this.ledger, Set.of()).getIntegration()).isEqualTo(SaasIntegration.LICENSE);
	}

	@Test
	void licenseModeKeepsUsagePerLicenseOfOneAccount() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE);
		capture.recordForCustomer("scans", 2, Map.of(), MarketplaceCustomer.license("111122223333", LICENSE_A));
		capture.recordForCustomer("scans", 5, Map.of(), MarketplaceCustomer.license("111122223333", LICENSE_B));
		capture.recordForCustomer("scans", 1, Map.of(), MarketplaceCustomer.license("111122223333", LICENSE_A));
		assertThat(this.ledger.quantities()).containsOnly(
				Map.entry(UsageKey.of("scans", "111122223333", LICENSE_A, Map.of()), 3L),
				Map.entry(UsageKey.of("scans", "111122223333", LICENSE_B, Map.of()), 5L));
	}

	@Test
	void licenseModeStillRecordsTheProductsOwnUsage() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE);
		capture.record("scans", 2, Map.of(), null);
		assertThat(this.ledger.quantity(UsageKey.of("scans"))).isEqualTo(2);
	}

	@Test
	void licenseModeRefusesAStringCustomerNamingTheProperty() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> capture.record("scans", 1, Map.of(), "customer-1"))
			.withMessage("Invalid usage record request: customer \"customer-1\" has no license: with "
					+ "aws.marketplace.metering.saas.integration=license record with "
					+ "MarketplaceCustomer.license(awsAccountId, licenseArn), or set "
					+ "aws.marketplace.metering.saas.integration=legacy");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void licenseModeRefusesALegacyCustomerNamingTheProperty() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> capture.recordForCustomer("scans", 1, Map.of(), MarketplaceCustomer.legacy("c-1")))
			.withMessage("Invalid usage record request: customer legacy(c-1) must be of the license integration "
					+ "set by aws.marketplace.metering.saas.integration=license");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void legacyModeRefusesALicenseCustomerNamingTheProperty() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> capture.recordForCustomer("scans", 1, Map.of(),
					MarketplaceCustomer.license("111122223333", LICENSE_A)))
			.withMessage("Invalid usage record request: customer license(111122223333, " + LICENSE_A
					+ ") must be of the legacy integration set by aws.marketplace.metering.saas.integration=legacy");
		assertThat(this.ledger.quantities()).isEmpty();
	}

	@Test
	void legacyModeRecordsLegacyCustomersBothWays() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY);
		capture.record("scans", 1, Map.of(), "c-1");
		capture.recordForCustomer("scans", 2, Map.of(), MarketplaceCustomer.legacy("c-1"));
		assertThat(this.ledger.quantity(UsageKey.of("scans", "c-1", Map.of()))).isEqualTo(3);
	}

	@Test
	void aCustomerIsRequired() {
		UsageCapture capture = new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE);
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> capture.recordForCustomer("scans", 1, Map.of(), null))
			.withMessage("Invalid usage record request: customer is required");
	}

}
