package dev.metering.ledger;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.TestClients;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The emulator of the Metering Service, and reporters of ledgers to it over the real SDK
 * client, for the ledger's fault tests; dimension {@code scans}, tag {@code key}.
 */
final class EmulatedReporting implements AutoCloseable {

	static final String PRODUCT = "prod-faults";

	private final Clock clock;

	private final MarketplaceMeteringEmulator emulator;

	private final MarketplaceMeteringClient client;

	EmulatedReporting(Clock clock) {
		this.clock = clock;
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(clock)
			.product(PRODUCT, Set.of("scans"))
			.faults(Faults.none().seed(42))
			.build()
			.start();
		this.client = TestClients.client(this.emulator.endpoint(), "AKIDPOD1", Duration.ofSeconds(5));
	}

	/**
	 * Create a reporter of a ledger, with the default settings and fast retries.
	 * @param ledger the ledger
	 * @return the reporter, not started
	 */
	UsageReporter reporter(MeteringLedger ledger) {
		MeteringGateway gateway = new MeteringGateway(this.client, PRODUCT);
		MeteringTemplate template = new MeteringTemplate(gateway, new UsageCapture(ledger, Set.of()));
		Retry retry = Retry.of("marketplaceMetering",
				RetryConfig.custom()
					.maxAttempts(3)
					.intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
					.build());
		RateLimiter rateLimiter = RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(Integer.MAX_VALUE)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ZERO)
					.build());
		return new UsageReporter(ledger.outbox(), gateway, retry, rateLimiter, this.clock,
				ReportingSettings.defaults());
	}

	/**
	 * Return what the emulator billed, by the value of tag {@code key}.
	 * @return the billed quantities
	 */
	Map<String, Long> billed() {
		Map<String, Long> billed = new HashMap<>();
		this.emulator.records()
			.forEach((record) -> record.allocations()
				.forEach((allocation) -> billed.merge(allocation.tags().get(0).value(), allocation.quantity(),
						Long::sum)));
		return billed;
	}

	List<?> records() {
		return this.emulator.records();
	}

	@Override
	public void close() {
		this.client.close();
		this.emulator.close();
	}

}
