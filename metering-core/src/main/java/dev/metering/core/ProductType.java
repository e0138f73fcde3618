package dev.metering.core;

/**
 * How an AWS Marketplace product is delivered, which decides the Metering operations it
 * uses.
 *
 * @author metering-spring-boot
 */
public enum ProductType {

	/**
	 * A container product on Amazon ECS or Amazon EKS: MeterUsage, and RegisterUsage once
	 * at startup for paid products.
	 */
	CONTAINER,

	/**
	 * An AMI product on Amazon EC2: MeterUsage from the buyer's instance.
	 */
	AMI,

	/**
	 * A SaaS product run by the seller: BatchMeterUsage per customer and ResolveCustomer.
	 */
	SAAS

}
