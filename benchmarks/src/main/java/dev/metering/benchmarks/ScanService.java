package dev.metering.benchmarks;

import io.micrometer.core.annotation.Counted;

/**
 * Baseline (a): a bean whose class Spring AOP proxies (CGLIB) because another of its
 * methods is advised, while {@link #scan(int)} matches no advice: the call goes through
 * the proxy's interceptor with an empty advice chain. Also used unproxied, for the
 * {@code direct} reference.
 *
 * @author metering-spring-boot
 */
public class ScanService {

	/**
	 * The business method: trivial, and its result is consumed by the benchmark.
	 * @param input the input
	 * @return a value derived from the input
	 */
	public int scan(int input) {
		return input * 31 + 7;
	}

	/**
	 * Never called: it only makes the auto-proxy creator proxy this class.
	 * @return nothing useful
	 */
	@Counted("benchmark.unused")
	public int unused() {
		return 0;
	}

}
