package dev.metering.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageLedger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.util.Assert;

/**
 * A Spring context of {@link CaptureConfiguration} over one ledger.
 *
 * @author metering-spring-boot
 */
final class CaptureContext implements AutoCloseable {

	static final String PRODUCT = "prod-benchmark";

	static final String DIMENSION = "scans";

	/**
	 * The fixed time of every capture benchmark: the middle of an hour, so the open hour
	 * never changes during a run.
	 */
	static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:30:00Z"), ZoneOffset.UTC);

	private final MarketplaceMeteringClient client;

	private final AnnotationConfigApplicationContext context;

	final ScanService plain;

	final CountedScanService counted;

	final MeteredScanService metered;

	final TemplateScanService template;

	CaptureContext(UsageLedger ledger) {
		// Never called: the template's record() only writes to the ledger.
		this.client = MarketplaceMeteringClient.builder()
			.endpointOverride(URI.create("http://127.0.0.1:9"))
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
			.build();
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean(UsageCapture.class, () -> new UsageCapture(ledger, Set.of(DIMENSION)));
		this.context.registerBean(MarketplaceMeteringClient.class, () -> this.client);
		this.context.register(CaptureConfiguration.class);
		this.context.refresh();
		this.plain = proxied("scanService", ScanService.class);
		this.counted = proxied("countedScanService", CountedScanService.class);
		this.metered = proxied("meteredScanService", MeteredScanService.class);
		this.template = proxied("templateScanService", TemplateScanService.class);
	}

	private <T> T proxied(String name, Class<T> type) {
		T bean = this.context.getBean(name, type);
		Assert.state(AopUtils.isCglibProxy(bean), () -> name + " is not a CGLIB proxy");
		return bean;
	}

	MeteredUsageAspect aspect() {
		return this.context.getBean(MeteredUsageAspect.class);
	}

	@Override
	public void close() {
		// Closes the SDK client too (an AutoCloseable bean).
		this.context.close();
	}

}
