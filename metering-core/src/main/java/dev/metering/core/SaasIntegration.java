package dev.metering.core;

/**
 * How a SaaS product identifies the customer of each BatchMeterUsage record. A product
 * uses one integration; sending both shapes for one customer and hour bills twice. Set
 * with {@code aws.marketplace.metering.saas.integration}.
 *
 * @author metering-spring-boot
 */
public enum SaasIntegration {

	/**
	 * {@code CustomerAWSAccountId} + {@code LicenseArn} per record and no request-level
	 * {@code ProductCode}: required for SaaS products listed since 2026-06-01.
	 */
	LICENSE,

	/**
	 * {@code CustomerIdentifier} or {@code CustomerAWSAccountId} per record, with the
	 * request-level {@code ProductCode}.
	 */
	LEGACY;

	/**
	 * The property that sets the integration.
	 */
	public static final String PROPERTY = "aws.marketplace.metering.saas.integration";

}
