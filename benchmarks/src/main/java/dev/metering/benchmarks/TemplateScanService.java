package dev.metering.benchmarks;

import dev.metering.core.MeteringOperations;

/**
 * Variant (e): the same method recording its usage itself through
 * {@link MeteringOperations#record(String, long)}. It extends {@link ScanService}, so it
 * is proxied exactly like the baseline and the difference is the record call alone.
 *
 * @author metering-spring-boot
 */
public class TemplateScanService extends ScanService {

	private final MeteringOperations metering;

	/**
	 * Create the service.
	 * @param metering where usage is recorded
	 */
	public TemplateScanService(MeteringOperations metering) {
		this.metering = metering;
	}

	@Override
	public int scan(int input) {
		this.metering.record(CaptureContext.DIMENSION, 1);
		return input * 31 + 7;
	}

}
