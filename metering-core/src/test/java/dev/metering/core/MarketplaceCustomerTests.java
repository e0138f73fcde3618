package dev.metering.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MarketplaceCustomer}.
 */
class MarketplaceCustomerTests {

	static final String LICENSE_A = "arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef";

	@Test
	void licenseCustomerHoldsAccountAndLicense() {
		MarketplaceCustomer customer = MarketplaceCustomer.license("111122223333", LICENSE_A);
		assertThat(customer.getCustomer()).isEqualTo("111122223333");
		assertThat(customer.getLicenseArn()).isEqualTo(LICENSE_A);
		assertThat(customer.getIntegration()).isEqualTo(SaasIntegration.LICENSE);
		assertThat(customer).isEqualTo(MarketplaceCustomer.license("111122223333", LICENSE_A))
			.isNotEqualTo(MarketplaceCustomer.legacy("111122223333"));
	}

	@Test
	void legacyCustomerHasNoLicense() {
		MarketplaceCustomer customer = MarketplaceCustomer.legacy("customer-1");
		assertThat(customer.getCustomer()).isEqualTo("customer-1");
		assertThat(customer.getLicenseArn()).isNull();
		assertThat(customer.getIntegration()).isEqualTo(SaasIntegration.LEGACY);
	}

	@Test
	void accountIdMustBeDigits() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> MarketplaceCustomer.license("1111-2222", LICENSE_A))
			.withMessage("Invalid customer request: awsAccountId \"1111-2222\" must match ^[0-9]+$");
	}

	@Test
	void licenseArnMustMatchTheModel() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> MarketplaceCustomer.license("111122223333", "l-0123456789abcdef"))
			.satisfies((ex) -> assertThat(ex.violations()).singleElement()
				.asString()
				.startsWith("licenseArn \"l-0123456789abcdef\" must match ^arn:aws[a-zA-Z-]*:"));
	}

	@Test
	void licenseNeedsBothValues() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> MarketplaceCustomer.license(null, null))
			.satisfies((ex) -> assertThat(ex.violations()).containsExactly("awsAccountId is required",
					"licenseArn is required"));
	}

	@Test
	void legacyCustomerMustNotBeEmpty() {
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> MarketplaceCustomer.legacy(""))
			.withMessage("Invalid customer request: customerIdentifierOrAccountId \"\" must be 1..255 characters");
		assertThatExceptionOfType(InvalidMeteringRequestException.class)
			.isThrownBy(() -> MarketplaceCustomer.legacy(null))
			.withMessage("Invalid customer request: customerIdentifierOrAccountId is required");
	}

}
