package dev.metering.benchmarks;

import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOperations;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.UsageCapture;
import io.micrometer.core.aop.CountedAspect;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;

/**
 * The Spring context of the capture benchmarks, built by hand: both aspects and the four
 * beans, all class-proxied. The {@link UsageCapture} (and so the ledger) and the SDK
 * client are registered by {@link CaptureContext}.
 *
 * @author metering-spring-boot
 */
@Configuration(proxyBeanMethods = false)
@EnableAspectJAutoProxy(proxyTargetClass = true)
class CaptureConfiguration {

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	CountedAspect countedAspect(MeterRegistry registry) {
		return new CountedAspect(registry);
	}

	@Bean
	MeteredUsageAspect meteredUsageAspect(UsageCapture capture) {
		return new MeteredUsageAspect(capture);
	}

	@Bean
	MeteringTemplate meteringTemplate(MarketplaceMeteringClient client, UsageCapture capture) {
		return new MeteringTemplate(new MeteringGateway(client, CaptureContext.PRODUCT), capture);
	}

	@Bean
	ScanService scanService() {
		return new ScanService();
	}

	@Bean
	CountedScanService countedScanService() {
		return new CountedScanService();
	}

	@Bean
	MeteredScanService meteredScanService() {
		return new MeteredScanService();
	}

	@Bean
	TemplateScanService templateScanService(MeteringOperations metering) {
		return new TemplateScanService(metering);
	}

}
