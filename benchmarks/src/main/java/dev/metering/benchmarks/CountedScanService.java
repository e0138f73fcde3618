package dev.metering.benchmarks;

import io.micrometer.core.annotation.Counted;

/**
 * Variant (b): the same method counted by Micrometer's {@code CountedAspect}.
 *
 * @author metering-spring-boot
 */
public class CountedScanService {

	/**
	 * The business method, counted.
	 * @param input the input
	 * @return a value derived from the input
	 */
	@Counted("benchmark.scans")
	public int scan(int input) {
		return input * 31 + 7;
	}

}
