package dev.metering.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identical requests racing each other still make exactly one record.
 */
class ConcurrencyTests {

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123Z");

	@Test
	void concurrentIdenticalResendsMakeOneRecordAndOneId() throws Exception {
		int threads = 16;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try (MarketplaceMeteringEmulator emulator = MarketplaceMeteringEmulator.builder()
			.clock(new MutableClock(NOW))
			.start(); MarketplaceMeteringClient client = SdkClients.client(emulator.endpoint())) {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<String>> ids = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				ids.add(pool.submit(() -> {
					go.await();
					return client
						.meterUsage((r) -> r.productCode("p").usageDimension("d").usageQuantity(9).timestamp(NOW))
						.meteringRecordId();
				}));
			}
			go.countDown();
			List<String> answered = new ArrayList<>();
			for (Future<String> id : ids) {
				answered.add(id.get(30, TimeUnit.SECONDS));
			}
			assertThat(answered).containsOnly(emulator.records().get(0).meteringRecordId());
			assertThat(emulator.records()).hasSize(1);
			assertThat(emulator.counters().accepted()).isEqualTo(1);
			assertThat(emulator.counters().replays()).isEqualTo(threads - 1);
		}
		finally {
			pool.shutdownNow();
		}
	}

}
