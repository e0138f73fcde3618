package dev.metering.aop;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import dev.metering.annotation.MeteredUsage;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteredMethodCache}: what to record is built once per method, at
 * startup, and read on every call.
 */
class MeteredMethodCacheTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(MeteringTestConfiguration.class)
		.withBean(CatalogService.class)
		.withBean(BilledCatalog.class);

	@Test
	void startupBuildsOneEntryPerMeteredMethodAndCallsNeverRebuildIt() {
		this.contextRunner.run((context) -> {
			MeteredMethodCache cache = context.getBean(MeteredUsageAspect.class).methods();
			assertThat(cache.size()).as("search, export, list, count").isEqualTo(4);
			Method search = ReflectionUtils.findMethod(CatalogService.class, "search", String.class);
			MeteredMethod built = cache.get(search, CatalogService.class);
			CatalogService service = context.getBean(CatalogService.class);
			// past SpEL's MIXED-mode compilation threshold (100 interpretations)
			for (int i = 0; i < 200; i++) {
				service.search("query");
				service.unmetered();
				context.getBean(BilledCatalog.class).list();
			}
			assertThat(cache.size()).isEqualTo(4);
			assertThat(cache.get(search, CatalogService.class)).isSameAs(built);
			assertThat(context.getBean(SummingUsageLedger.class).quantities())
				.containsOnly(Map.entry(UsageKey.of("scans"), 200L), Map.entry(UsageKey.of("calls"), 200L));
		});
	}

	@Test
	void preparingAClassTwiceBuildsNothingNew() {
		MeteredMethodCache cache = new MeteredMethodCache(new UsageCapture(new SummingUsageLedger(), Set.of()));
		cache.prepare(CatalogService.class);
		Method search = ReflectionUtils.findMethod(CatalogService.class, "search", String.class);
		MeteredMethod built = cache.get(search, CatalogService.class);
		cache.prepare(CatalogService.class);
		assertThat(cache.size()).isEqualTo(2);
		assertThat(cache.get(search, CatalogService.class)).isSameAs(built);
	}

	@Test
	void classesWithoutAnnotationsAddNothing() {
		MeteredMethodCache cache = new MeteredMethodCache(new UsageCapture(new SummingUsageLedger(), Set.of()));
		cache.prepare(String.class);
		cache.prepare(MeteredMethodCacheTests.class);
		assertThat(cache.size()).isZero();
	}

	@Test
	void concurrentFirstCallsShareOneEntry() throws Exception {
		MeteredMethodCache cache = new MeteredMethodCache(new UsageCapture(new SummingUsageLedger(), Set.of()));
		Method search = ReflectionUtils.findMethod(CatalogService.class, "search", String.class);
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<CompletableFuture<MeteredMethod>> lookups = IntStream.range(0, 8)
				.mapToObj((i) -> CompletableFuture.supplyAsync(() -> {
					awaitQuietly(start);
					return cache.get(search, CatalogService.class);
				}, executor))
				.toList();
			start.countDown();
			MeteredMethod first = lookups.get(0).get();
			for (CompletableFuture<MeteredMethod> lookup : lookups) {
				assertThat(lookup.get()).isSameAs(first);
			}
			assertThat(cache.size()).isOne();
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static class CatalogService {

		@MeteredUsage(dimension = "scans", quantity = "#query.length() > 0 ? 1 : 0")
		public String search(String query) {
			return query;
		}

		@MeteredUsage(dimension = "bytes", quantity = "#result.length()")
		public String export() {
			return "";
		}

		public void unmetered() {
		}

	}

	@MeteredUsage(dimension = "calls")
	static class BilledCatalog {

		public void list() {
		}

		public int count() {
			return 0;
		}

	}

}
