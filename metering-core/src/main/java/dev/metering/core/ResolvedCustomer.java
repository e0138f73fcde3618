package dev.metering.core;

/**
 * What ResolveCustomer answered for a buyer's registration token: store the account id
 * and license ARN (license integration) or the customer identifier (legacy integration)
 * and bill usage to {@link #toCustomer()}.
 *
 * @param customerIdentifier the customer identifier, {@code null} for products of the
 * license integration (listed since 2026-06-01)
 * @param customerAWSAccountId the buyer's AWS account id
 * @param licenseArn the ARN of the license the buyer registered with, or {@code null} if
 * AWS answered none
 * @param productCode the product code the buyer registered for
 * @author metering-spring-boot
 */
public record ResolvedCustomer(String customerIdentifier, String customerAWSAccountId, String licenseArn,
		String productCode) {

	/**
	 * Return the customer to record this buyer's usage for: the license integration's
	 * (account id, license ARN) when AWS answered a license, otherwise the legacy
	 * integration's customer identifier (or account id when there is none).
	 * @return the customer
	 * @throws InvalidMeteringRequestException if AWS answered neither
	 */
	public MarketplaceCustomer toCustomer() {
		if (this.licenseArn != null) {
			return MarketplaceCustomer.license(this.customerAWSAccountId, this.licenseArn);
		}
		return MarketplaceCustomer
			.legacy((this.customerIdentifier != null) ? this.customerIdentifier : this.customerAWSAccountId);
	}

}
