package dev.metering.core;

import java.util.Map;

import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;

/**
 * The operations of the AWS Marketplace Metering Service. Implemented by
 * {@link MeteringTemplate}; an interface so that callers can mock it.
 * <p>
 * Usage is {@link #record recorded} here and reported by the hourly reporter; the
 * operations that send requests are for what the reporter does not do (registration,
 * entitlement) and for products that report themselves.
 * <p>
 * A request without a product code is sent with the configured one. Every request is
 * validated against the service model before it is sent and refused with an
 * {@link InvalidMeteringRequestException} that names the field, the value and the rule.
 * Every failure of the call itself is a {@link MeteringException} whose
 * {@link MeteringException#getOutcome() outcome} says what to do about it.
 *
 * @author metering-spring-boot
 */
public interface MeteringOperations {

	/**
	 * Record usage of the product's own (reported with MeterUsage) in the current hour.
	 * It is kept in the usage ledger and reported to AWS after the hour has ended.
	 * @param dimension the dimension name
	 * @param quantity the quantity, at least 0
	 * @throws InvalidMeteringRequestException if an argument breaks a rule
	 */
	void record(String dimension, long quantity);

	/**
	 * Record usage in the current hour, with allocation tags and, for SaaS products, the
	 * customer it is billed to (reported with BatchMeterUsage).
	 * @param dimension the dimension name
	 * @param quantity the quantity, at least 0
	 * @param tags the allocation tags, at most 5; empty for untagged usage
	 * @param customer the customer identifier or AWS account id (legacy integration), or
	 * {@code null} for the product's own usage
	 * @throws InvalidMeteringRequestException if an argument breaks a rule, or a customer
	 * is given while {@code aws.marketplace.metering.saas.integration=license}
	 */
	void record(String dimension, long quantity, Map<String, String> tags, String customer);

	/**
	 * Record usage billed to a customer of a SaaS product in the current hour (reported
	 * with BatchMeterUsage).
	 * @param dimension the dimension name
	 * @param quantity the quantity, at least 0
	 * @param tags the allocation tags, at most 5; empty for untagged usage
	 * @param customer the customer, of the integration set by
	 * {@code aws.marketplace.metering.saas.integration}
	 * @throws InvalidMeteringRequestException if an argument breaks a rule, or the
	 * customer is of the other integration
	 */
	void record(String dimension, long quantity, Map<String, String> tags, MarketplaceCustomer customer);

	/**
	 * Send one usage record for one dimension and hour (AMI and container products). A
	 * {@code DryRun} request that the caller is allowed to make returns a response
	 * without a metering record id.
	 * @param request the request; its product code defaults to the configured one
	 * @return the response, holding the metering record id
	 * @throws InvalidMeteringRequestException if the request breaks a rule of the model
	 * @throws MeteringException if the call fails
	 */
	MeterUsageResponse meterUsage(MeterUsageRequest request);

	/**
	 * Send up to 25 usage records of customers (SaaS products). Per-record statuses and
	 * unprocessed records are in the response.
	 * @param request the request; its product code defaults to the configured one
	 * @return the response
	 * @throws InvalidMeteringRequestException if the request breaks a rule of the model
	 * @throws MeteringException if the call fails
	 */
	BatchMeterUsageResponse batchMeterUsage(BatchMeterUsageRequest request);

	/**
	 * Register the running container with AWS Marketplace and check the buyer's
	 * entitlement (paid container products, once at startup).
	 * @param request the request; its product code defaults to the configured one
	 * @return the response, holding the signed JWT
	 * @throws InvalidMeteringRequestException if the request breaks a rule of the model
	 * @throws MeteringException if the call fails
	 */
	RegisterUsageResponse registerUsage(RegisterUsageRequest request);

	/**
	 * Exchange the registration token a buyer's browser posted to the SaaS registration
	 * page for the customer's identifiers.
	 * @param registrationToken the {@code x-amzn-marketplace-token} form value
	 * @return the customer's AWS account id, license ARN, customer identifier (legacy
	 * integration only) and product code
	 * @throws InvalidMeteringRequestException if the token is empty
	 * @throws MeteringException if the call fails
	 */
	ResolvedCustomer resolveCustomer(String registrationToken);

}
