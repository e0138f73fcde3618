package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.UsageLedger;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An emulator, a real SDK client, a template, an in-memory ledger and a reporter, all on
 * one {@link MutableClock}.
 */
final class ReportingFixture implements AutoCloseable {

	static final String PRODUCT = "prod-reporting";

	static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

	final MutableClock clock = new MutableClock(START.plusSeconds(30 * 60));

	final MarketplaceMeteringEmulator emulator;

	final MarketplaceMeteringClient client;

	final MeteringTemplate template;

	final MeteringLedger ledger;

	final UsageReporter reporter;

	ReportingFixture(UnaryOperator<MarketplaceMeteringEmulator.Builder> emulatorSettings, ReportingSettings settings,
			Retry retry, RateLimiter rateLimiter) {
		this(emulatorSettings, settings, retry, rateLimiter, Set.of());
	}

	ReportingFixture(UnaryOperator<MarketplaceMeteringEmulator.Builder> emulatorSettings, ReportingSettings settings,
			Retry retry, RateLimiter rateLimiter, Set<String> zeroUsageDimensions) {
		this.emulator = emulatorSettings
			.apply(MarketplaceMeteringEmulator.builder()
				.clock(this.clock)
				.product(PRODUCT, Set.of("scans", "pages", "bytes"))
				.faults(Faults.none().seed(42)))
			.build()
			.start();
		this.client = TestClients.client(this.emulator.endpoint(), "AKIDPOD1", Duration.ofSeconds(5));
		this.ledger = MeteringLedger.inMemory(this.clock, PRODUCT, "pod-1", zeroUsageDimensions);
		MeteringGateway gateway = new MeteringGateway(this.client, PRODUCT);
		this.template = new MeteringTemplate(gateway, new UsageCapture(this.ledger, Set.of(), SaasIntegration.LEGACY));
		this.reporter = new UsageReporter(this.ledger.outbox(), gateway, retry, rateLimiter, this.clock, settings);
	}

	ReportingFixture(UnaryOperator<MarketplaceMeteringEmulator.Builder> emulatorSettings, ReportingSettings settings) {
		this(emulatorSettings, settings, fastRetry(5), unlimited());
	}

	ReportingFixture() {
		this(UnaryOperator.identity(), ReportingSettings.defaults());
	}

	static Retry fastRetry(int maxAttempts) {
		return Retry.of("marketplaceMetering",
				RetryConfig.custom()
					.maxAttempts(maxAttempts)
					.intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
					.build());
	}

	static RateLimiter unlimited() {
		return RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(Integer.MAX_VALUE)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ZERO)
					.build());
	}

	long acceptedTotal() {
		return this.emulator.records().stream().mapToLong((record) -> record.quantity()).sum();
	}

	@Override
	public void close() throws Exception {
		this.reporter.stop();
		this.ledger.close();
		this.client.close();
		this.emulator.close();
		assertThat(this.emulator.mixedShapes()).as("customers and hours billed in both shapes").isEmpty();
	}

}
