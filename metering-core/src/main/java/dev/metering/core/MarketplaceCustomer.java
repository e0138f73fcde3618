package dev.metering.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.metering.limits.MeteringLimits;

/**
 * The customer a SaaS product's usage is billed to, in one of the two BatchMeterUsage
 * integrations:
 * <ul>
 * <li>{@link #license license}: the buyer's AWS account id and the ARN of the license
 * (agreement) the usage is billed to; required for SaaS products listed since 2026-06-01.
 * One account may hold several licenses of one product, and usage is kept and reported
 * per license.</li>
 * <li>{@link #legacy legacy}: a customer identifier from ResolveCustomer, or an AWS
 * account id, reported with the product code.</li>
 * </ul>
 * A product uses one integration, set with
 * {@code aws.marketplace.metering.saas.integration} ({@link SaasIntegration}).
 *
 * @author metering-spring-boot
 */
public final class MarketplaceCustomer {

	private static final String OPERATION = "customer";

	private static final int LEGACY_MIN = 1;

	private final String customer;

	private final String licenseArn;

	private MarketplaceCustomer(String customer, String licenseArn) {
		this.customer = customer;
		this.licenseArn = licenseArn;
	}

	/**
	 * Return a customer of the license integration.
	 * @param awsAccountId the buyer's AWS account id, digits only
	 * @param licenseArn the ARN of the buyer's license, as ResolveCustomer answers it
	 * @return the customer
	 * @throws InvalidMeteringRequestException if an argument breaks the service model
	 */
	public static MarketplaceCustomer license(String awsAccountId, String licenseArn) {
		List<String> violations = new ArrayList<>(
				MeteringRequestValidator.customerAccountIdViolations("awsAccountId", awsAccountId));
		violations.addAll(MeteringRequestValidator.licenseArnViolations("licenseArn", licenseArn));
		if (!violations.isEmpty()) {
			throw new InvalidMeteringRequestException(OPERATION, violations);
		}
		return new MarketplaceCustomer(awsAccountId, licenseArn);
	}

	/**
	 * Return a customer of the legacy integration.
	 * @param customerIdentifierOrAccountId the customer identifier from ResolveCustomer,
	 * or the buyer's AWS account id (digits only)
	 * @return the customer
	 * @throws InvalidMeteringRequestException if the argument is null or not 1..255
	 * characters
	 */
	public static MarketplaceCustomer legacy(String customerIdentifierOrAccountId) {
		String field = "customerIdentifierOrAccountId";
		if (customerIdentifierOrAccountId == null) {
			throw new InvalidMeteringRequestException(OPERATION, List.of(field + " is required"));
		}
		int length = customerIdentifierOrAccountId.codePointCount(0, customerIdentifierOrAccountId.length());
		if (length < LEGACY_MIN || length > MeteringLimits.CUSTOMER_IDENTIFIER_MAX) {
			throw new InvalidMeteringRequestException(OPERATION, List.of(field + " \"" + customerIdentifierOrAccountId
					+ "\" must be " + LEGACY_MIN + ".." + MeteringLimits.CUSTOMER_IDENTIFIER_MAX + " characters"));
		}
		return new MarketplaceCustomer(customerIdentifierOrAccountId, null);
	}

	/**
	 * Return the AWS account id (license integration) or the customer identifier or
	 * account id (legacy integration).
	 * @return the customer
	 */
	public String getCustomer() {
		return this.customer;
	}

	/**
	 * Return the license ARN, or {@code null} for a legacy customer.
	 * @return the license ARN
	 */
	public String getLicenseArn() {
		return this.licenseArn;
	}

	/**
	 * Return the integration this customer belongs to.
	 * @return the integration
	 */
	public SaasIntegration getIntegration() {
		return (this.licenseArn != null) ? SaasIntegration.LICENSE : SaasIntegration.LEGACY;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof MarketplaceCustomer that && this.customer.equals(that.customer)
				&& Objects.equals(this.licenseArn, that.licenseArn);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.customer, this.licenseArn);
	}

	@Override
	public String toString() {
		return (this.licenseArn != null) ? "license(" + this.customer + ", " + this.licenseArn + ")"
				: "legacy(" + this.customer + ")";
	}

}
