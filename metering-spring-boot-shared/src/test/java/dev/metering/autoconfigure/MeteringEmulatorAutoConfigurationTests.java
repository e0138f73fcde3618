package dev.metering.autoconfigure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.metering.core.MeteringOperations;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MeteringEmulatorAutoConfiguration}.
 */
class MeteringEmulatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeteringEmulatorAutoConfiguration.class,
				MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-sample",
				"aws.marketplace.metering.dimensions=scans", "aws.marketplace.metering.ledger.type=memory");

	@Test
	void isOffByDefault() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.region=us-east-1")
			.run((context) -> assertThat(context).doesNotHaveBean(MarketplaceMeteringEmulator.class));
	}

	@Test
	void startsTheEmulatorAndPointsTheClientAtIt() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.emulator.enabled=true").run((context) -> {
			MarketplaceMeteringEmulator emulator = context.getBean(MarketplaceMeteringEmulator.class);
			MarketplaceMeteringClient client = context.getBean(MarketplaceMeteringClient.class);
			assertThat(client.serviceClientConfiguration().endpointOverride()).contains(emulator.endpoint());
			assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
			assertThat(emulator.bindAddress().isLoopbackAddress()).isTrue();
			Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
			String recordId = context.getBean(MeteringOperations.class)
				.meterUsage(
						MeterUsageRequest.builder().usageDimension("scans").timestamp(hour).usageQuantity(7).build())
				.meteringRecordId();
			assertThat(emulator.records()).singleElement().satisfies((record) -> {
				assertThat(record.productCode()).isEqualTo("prod-sample");
				assertThat(record.quantity()).isEqualTo(7);
				assertThat(record.meteringRecordId()).isEqualTo(recordId);
			});
		});
	}

	@Test
	void theEmulatorKnowsTheConfiguredDimensions() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.emulator.enabled=true").run((context) -> {
			MeteringOperations metering = context.getBean(MeteringOperations.class);
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> metering.meterUsage(MeterUsageRequest.builder()
					.usageDimension("pages")
					.timestamp(Instant.now().truncatedTo(ChronoUnit.HOURS))
					.build()))
				.withMessageContaining("InvalidUsageDimensionException");
		});
	}

	@Test
	void backsOffToTheApplicationsEmulator() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.emulator.enabled=true")
			.withUserConfiguration(OwnEmulatorConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(MarketplaceMeteringEmulator.class);
				assertThat(context.getBean(MeteringOperations.class).resolveCustomer("token-1").customerIdentifier())
					.isEqualTo("customer-1");
			});
	}

	@Test
	void isOffWithoutTheEmulatorOnTheClasspath() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.emulator.enabled=true",
					"aws.marketplace.metering.region=us-east-1")
			.withClassLoader(new FilteredClassLoader(MarketplaceMeteringEmulator.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean("marketplaceMeteringEmulator");
				assertThat(context.getBean(MarketplaceMeteringClient.class)
					.serviceClientConfiguration()
					.endpointOverride()).isEmpty();
			});
	}

	@Test
	void stopsTheEmulatorWithTheContext() {
		int[] port = new int[1];
		this.contextRunner.withPropertyValues("aws.marketplace.metering.emulator.enabled=true")
			.run((context) -> port[0] = context.getBean(MarketplaceMeteringEmulator.class).port());
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(port[0]));
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			assertThat(socket.isConnected()).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEmulatorConfiguration {

		@Bean(destroyMethod = "close")
		MarketplaceMeteringEmulator ownEmulator() {
			return MarketplaceMeteringEmulator.builder()
				.registrationToken("token-1", "customer-1", "111122223333")
				.build()
				.start();
		}

	}

}
