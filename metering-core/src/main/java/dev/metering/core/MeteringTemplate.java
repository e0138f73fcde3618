package dev.metering.core;

import java.util.Map;

import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;

import org.springframework.util.Assert;

/**
 * {@link MeteringOperations} for users: records usage into the ledger through a
 * {@link UsageCapture}, and sends requests through a {@link MeteringGateway}, which fills
 * in the product code, validates each request and translates SDK exceptions.
 *
 * @author metering-spring-boot
 */
public class MeteringTemplate implements MeteringOperations {

	private final MeteringGateway gateway;

	private final UsageCapture capture;

	/**
	 * Create a new template.
	 * @param gateway where requests are sent
	 * @param capture where recorded usage goes
	 */
	public MeteringTemplate(MeteringGateway gateway, UsageCapture capture) {
		Assert.notNull(gateway, "'gateway' must not be null");
		Assert.notNull(capture, "'capture' must not be null");
		this.gateway = gateway;
		this.capture = capture;
	}

	/**
	 * Return the product code used when a request has none.
	 * @return the product code
	 */
	public String getProductCode() {
		return this.gateway.getProductCode();
	}

	@Override
	public void record(String dimension, long quantity) {
		this.capture.record(dimension, quantity, null, null);
	}

	@Override
	public void record(String dimension, long quantity, Map<String, String> tags, String customer) {
		this.capture.record(dimension, quantity, tags, customer);
	}

	@Override
	public void record(String dimension, long quantity, Map<String, String> tags, MarketplaceCustomer customer) {
		this.capture.recordForCustomer(dimension, quantity, tags, customer);
	}

	@Override
	public MeterUsageResponse meterUsage(MeterUsageRequest request) {
		return this.gateway.meterUsage(request);
	}

	@Override
	public BatchMeterUsageResponse batchMeterUsage(BatchMeterUsageRequest request) {
		return this.gateway.batchMeterUsage(request);
	}

	@Override
	public RegisterUsageResponse registerUsage(RegisterUsageRequest request) {
		return this.gateway.registerUsage(request);
	}

	@Override
	public ResolvedCustomer resolveCustomer(String registrationToken) {
		return this.gateway.resolveCustomer(registrationToken);
	}

}
