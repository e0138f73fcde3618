package dev.metering.benchmarks;

import dev.metering.annotation.MeteredUsage;

/**
 * Variants (c) and (d): the same method billed with {@code @MeteredUsage}, one unit per
 * call.
 *
 * @author metering-spring-boot
 */
public class MeteredScanService {

	/**
	 * The business method, metered.
	 * @param input the input
	 * @return a value derived from the input
	 */
	@MeteredUsage(dimension = CaptureContext.DIMENSION)
	public int scan(int input) {
		return input * 31 + 7;
	}

}
