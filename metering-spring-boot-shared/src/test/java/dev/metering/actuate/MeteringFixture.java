package dev.metering.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.metering.core.MeteringGateway;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.ledger.MeteringLedger;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import dev.metering.reporting.ReportingSettings;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator, a real SDK client, an in-memory ledger, a capture and a reporter, all on
 * one {@link MutableClock}. Customer {@value #SUBSCRIBED} is subscribed; any other
 * customer's usage is refused with {@code CustomerNotSubscribed}.
 */
final class MeteringFixture implements AutoCloseable {

	static final String PRODUCT = "prod-actuate";

	static final String SUBSCRIBED = "customer-1";

	/** 10:00 UTC; the clock starts half an hour later. */
	static final Instant HOUR_10 = Instant.parse("2026-03-01T10:00:00Z");

	final MutableClock clock = new MutableClock(HOUR_10.plus(Duration.ofMinutes(30)));

	final MarketplaceMeteringEmulator emulator;

	final MarketplaceMeteringClient client;

	final MeteringLedger ledger;

	final UsageCapture capture;

	final UsageReporter reporter;

	MeteringFixture() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.product(PRODUCT, Set.of("scans", "pages"))
			.subscribedCustomer(SUBSCRIBED)
			.build()
			.start();
		this.client = TestClients.client(this.emulator.endpoint(), "AKIDPOD1", Duration.ofSeconds(5));
		this.ledger = MeteringLedger.inMemory(this.clock, PRODUCT, "pod-1");
		this.capture = new UsageCapture(this.ledger, Set.of("scans", "pages"), SaasIntegration.LEGACY);
		MeteringGateway gateway = new MeteringGateway(this.client, PRODUCT);
		Retry retry = Retry.of("marketplaceMetering",
				RetryConfig.custom()
					.maxAttempts(2)
					.intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
					.build());
		RateLimiter rateLimiter = RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(Integer.MAX_VALUE)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ZERO)
					.build());
		this.reporter = new UsageReporter(this.ledger.outbox(), gateway, retry, rateLimiter, this.clock,
				ReportingSettings.defaults());
	}

	MeteringSources state(EntitlementCheck entitlementCheck) {
		return new MeteringSources(this.ledger, this.reporter, entitlementCheck);
	}

	MeteringSources state() {
		return state(null);
	}

	@Override
	public void close() throws Exception {
		this.ledger.close();
		this.client.close();
		this.emulator.close();
		assertThat(this.emulator.mixedShapes()).as("customers and hours billed in both shapes").isEmpty();
	}

}
