package dev.metering.core;

import java.util.Map;
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
 * {@link MeteringOperations} over a {@link UsageRecorder} and the AWS SDK
 * {@link MarketplaceMeteringClient}: records usage into the ledger; for the operations,
 * fills in the product code, validates each request before it is sent, and translates SDK
 * exceptions with {@link MeteringErrors}.
 *
 * @author metering-spring-boot
 */
public class MeteringTemplate implements MeteringOperations {

	private static final Log logger = LogFactory.getLog(MeteringTemplate.class);

	private static final String DRY_RUN_PERMITTED = "DryRunOperation";

	private final MarketplaceMeteringClient client;

	private final String productCode;

	private final UsageRecorder recorder;

	/**
	 * Create a new template.
	 * @param client the SDK client
	 * @param productCode the product code used when a request has none
	 * @param recorder where recorded usage goes
	 */
	public MeteringTemplate(MarketplaceMeteringClient client, String productCode, UsageRecorder recorder) {
		Assert.notNull(client, "'client' must not be null");
		Assert.hasText(productCode, "'productCode' must not be empty");
		Assert.notNull(recorder, "'recorder' must not be null");
		this.client = client;
		this.productCode = productCode;
		this.recorder = recorder;
	}

	/**
	 * Return the product code used when a request has none.
	 * @return the product code
	 */
	public String getProductCode() {
		return this.productCode;
	}

	@Override
	public void record(String dimension, long quantity) {
		this.recorder.record(dimension, quantity, null, null);
	}

	@Override
	public void record(String dimension, long quantity, Map<String, String> tags, String customer) {
		this.recorder.record(dimension, quantity, tags, customer);
	}

	@Override
	public void record(String dimension, long quantity, Map<String, String> tags, MarketplaceCustomer customer) {
		this.recorder.recordForCustomer(dimension, quantity, tags, customer);
	}

	@Override
	public MeterUsageResponse meterUsage(MeterUsageRequest request) {
		MeterUsageRequest complete = (request.productCode() != null) ? request
				: request.toBuilder().productCode(this.productCode).build();
		MeteringRequestValidator.validate(complete);
		try {
			return call("MeterUsage", () -> this.client.meterUsage(complete));
		}
		catch (MeteringException ex) {
			if (Boolean.TRUE.equals(complete.dryRun()) && DRY_RUN_PERMITTED.equals(ex.getErrorCode())) {
				return MeterUsageResponse.builder().build();
			}
			throw ex;
		}
	}

	@Override
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

	@Override
	public RegisterUsageResponse registerUsage(RegisterUsageRequest request) {
		RegisterUsageRequest complete = (request.productCode() != null) ? request
				: request.toBuilder().productCode(this.productCode).build();
		MeteringRequestValidator.validate(complete);
		return call("RegisterUsage", () -> this.client.registerUsage(complete));
	}

	@Override
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
		try {
			return call.get();
		}
		catch (SdkException ex) {
			MeteringException translated = MeteringErrors.translate(operation, ex);
			if (logger.isDebugEnabled()) {
				logger.debug(translated.getMessage());
			}
			throw translated;
		}
	}

}
