package dev.metering.core;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

import org.springframework.util.Assert;

/**
 * The one way out to the AWS Marketplace Metering Service: the four operations over the
 * SDK {@link MarketplaceMeteringClient}. Each call fills in the configured product code
 * when a request has none, validates the request against the service model with
 * {@link MeteringRequestValidator}, sends it, and translates SDK exceptions with
 * {@link MeteringErrors}. Every call is counted and timed in its {@link #getCalls()
 * calls}, by operation, outcome and AWS error code.
 * <p>
 * The reporter and the entitlement check send through it; users record through
 * {@link MeteringOperations}, whose {@link MeteringTemplate} delegates its sends here.
 *
 * @author metering-spring-boot
 */
public class MeteringGateway {

	private static final Log logger = LogFactory.getLog(MeteringGateway.class);

	private final MarketplaceMeteringClient client;

	private final String productCode;

	private final MeteringCalls calls = new MeteringCalls();

	/**
	 * Create a new gateway.
	 * @param client the SDK client
	 * @param productCode the product code used when a request has none
	 */
	public MeteringGateway(MarketplaceMeteringClient client, String productCode) {
		Assert.notNull(client, "'client' must not be null");
		Assert.hasText(productCode, "'productCode' must not be empty");
		this.client = client;
		this.productCode = productCode;
	}

	/**
	 * Return the product code used when a request has none.
	 * @return the product code
	 */
	public String getProductCode() {
		return this.productCode;
	}

	/**
	 * Return the calls made so far, per operation, outcome and error code.
	 * @return the calls
	 */
	public MeteringCalls getCalls() {
		return this.calls;
	}

	/**
	 * Send one usage record for one dimension and hour. A {@code DryRun} request that the
	 * caller is allowed to make returns a response without a metering record id.
	 * @param request the request; its product code defaults to the configured one
	 * @return the response
	 * @throws InvalidMeteringRequestException if the request breaks a rule of the model
	 * @throws MeteringException if the call fails
	 */
	public MeterUsageResponse meterUsage(MeterUsageRequest request) {
		MeterUsageRequest complete = (request.productCode() != null) ? request
				: request.toBuilder().productCode(this.productCode).build();
		MeteringRequestValidator.validate(complete);
		try {
			return call("MeterUsage", () -> this.client.meterUsage(complete));
		}
		catch (MeteringException ex) {
			if (Boolean.TRUE.equals(complete.dryRun()) && MeteringErrors.DRY_RUN_OPERATION.equals(ex.getErrorCode())) {
				return MeterUsageResponse.builder().build();
			}
			throw ex;
		}
	}

	/**
	 * Send up to 25 usage records of customers. Records of the license integration carry
	 * their license and go without a product code.
	 * @param request the request; its product code defaults to the configured one unless
	 * a record has a license
	 * @return the response
	 * @throws InvalidMeteringRequestException if the request breaks a rule of the model
	 * @throws MeteringException if the call fails
	 */
	public BatchMeterUsageResponse batchMeterUsage(BatchMeterUsageRequest request) {
		boolean licensed = LicenseArns.hasAny(request);
		BatchMeterUsageRequest complete = (request.productCode() != null || licensed) ? request
				: request.toBuilder().productCode(this.productCode).build();
		MeteringRequestValidator.validate(complete);
		if (licensed && !LicenseArns.sdkHasField() && !hasLicenseArnInterceptor()) {
			throw new IllegalStateException("The MarketplaceMeteringClient has no LicenseArnInterceptor, which this "
					+ "SDK version needs to send LicenseArn: add it with "
					+ "overrideConfiguration(c -> c.addExecutionInterceptor(new LicenseArnInterceptor()))");
		}
		return call("BatchMeterUsage", () -> this.client.batchMeterUsage(complete));
	}

	/**
	 * Register the running container and check the buyer's entitlement.
	 * @param request the request; its product code defaults to the configured one
	 * @return the response, holding the signed JWT
	 * @throws InvalidMeteringRequestException if the request breaks a rule of the model
	 * @throws MeteringException if the call fails
	 */
	public RegisterUsageResponse registerUsage(RegisterUsageRequest request) {
		RegisterUsageRequest complete = (request.productCode() != null) ? request
				: request.toBuilder().productCode(this.productCode).build();
		MeteringRequestValidator.validate(complete);
		return call("RegisterUsage", () -> this.client.registerUsage(complete));
	}

	/**
	 * Exchange a buyer's registration token for the customer's identifiers.
	 * @param registrationToken the {@code x-amzn-marketplace-token} form value
	 * @return the customer
	 * @throws InvalidMeteringRequestException if the token is empty
	 * @throws MeteringException if the call fails
	 */
	public ResolvedCustomer resolveCustomer(String registrationToken) {
		ResolveCustomerRequest request = ResolveCustomerRequest.builder().registrationToken(registrationToken).build();
		MeteringRequestValidator.validate(request);
		AtomicReference<String> license = new AtomicReference<>();
		ResolveCustomerRequest resolving = LicenseArns.resolving(request, license);
		ResolveCustomerResponse response = call("ResolveCustomer", () -> this.client.resolveCustomer(resolving));
		return new ResolvedCustomer(response.customerIdentifier(), response.customerAWSAccountId(),
				LicenseArns.resolved(response, license), response.productCode());
	}

	private boolean hasLicenseArnInterceptor() {
		SdkServiceClientConfiguration configuration = this.client.serviceClientConfiguration();
		return configuration != null && configuration.overrideConfiguration()
			.executionInterceptors()
			.stream()
			.anyMatch(LicenseArnInterceptor.class::isInstance);
	}

	private <T> T call(String operation, Supplier<T> call) {
		long started = System.nanoTime();
		try {
			T answer = call.get();
			this.calls.succeeded(operation, System.nanoTime() - started);
			return answer;
		}
		catch (SdkException ex) {
			MeteringException translated = MeteringErrors.translate(operation, ex);
			this.calls.failed(operation, translated, System.nanoTime() - started);
			if (logger.isDebugEnabled()) {
				logger.debug(translated.getMessage());
			}
			throw translated;
		}
	}

}
