package dev.metering.entitlement;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

import dev.metering.core.MeteringGateway;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

/**
 * The entitlement check of an AMI product: a {@code DryRun} MeterUsage for the current
 * hour, which records nothing and succeeds when the buyer is entitled and the instance's
 * role may meter.
 *
 * @author metering-spring-boot
 */
public class DryRunMeterUsageProbe implements EntitlementProbe {

	private final MeteringGateway metering;

	private final String productCode;

	private final String dimension;

	private final Clock clock;

	/**
	 * Create a probe.
	 * @param metering the gateway to the Metering Service
	 * @param productCode the product code
	 * @param dimension a dimension defined for the product
	 * @param clock the clock that gives the current hour
	 */
	public DryRunMeterUsageProbe(MeteringGateway metering, String productCode, String dimension, Clock clock) {
		this.metering = metering;
		this.productCode = productCode;
		this.dimension = dimension;
		this.clock = clock;
	}

	@Override
	public void attempt() {
		this.metering.meterUsage(MeterUsageRequest.builder()
			.productCode(this.productCode)
			.usageDimension(this.dimension)
			.timestamp(this.clock.instant().truncatedTo(ChronoUnit.HOURS))
			.usageQuantity(0)
			.dryRun(true)
			.build());
	}

}
