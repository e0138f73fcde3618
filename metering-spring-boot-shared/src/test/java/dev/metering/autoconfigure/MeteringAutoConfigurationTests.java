package dev.metering.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOperations;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.ResolvedCustomer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link MeteringAutoConfiguration}.
 */
class MeteringAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.region=eu-west-1", "aws.marketplace.metering.ledger.type=memory");

	@Test
	void createsTheClientAndTemplateFromProperties() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.endpoint=http://127.0.0.1:4566")
			.run((context) -> {
				assertThat(context).hasSingleBean(MarketplaceMeteringClient.class)
					.hasSingleBean(MeteringTemplate.class)
					.hasSingleBean(MeteringOperations.class);
				MarketplaceMeteringClient client = context.getBean(MarketplaceMeteringClient.class);
				assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
				assertThat(client.serviceClientConfiguration().endpointOverride())
					.contains(URI.create("http://127.0.0.1:4566"));
				assertThat(context.getBean(MeteringTemplate.class).getProductCode()).isEqualTo("prod-abc123");
				assertThat(context.getBean(MeteringGateway.class).getProductCode()).isEqualTo("prod-abc123");
			});
	}

	@Test
	void theTemplateSendsThroughTheApplicationsGateway() {
		MeteringGateway gateway = mock(MeteringGateway.class);
		ResolvedCustomer customer = new ResolvedCustomer("cust-1", "111122223333", null, "prod-abc123");
		given(gateway.resolveCustomer("token-1")).willReturn(customer);
		this.contextRunner.withBean(MeteringGateway.class, () -> gateway).run((context) -> {
			assertThat(context).hasSingleBean(MeteringGateway.class);
			assertThat(context.getBean(MeteringOperations.class).resolveCustomer("token-1")).isSameAs(customer);
		});
	}

	@Test
	void usesTheDefaultCredentialsChainWithoutACredentialsProviderBean() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(MarketplaceMeteringClient.class).serviceClientConfiguration().credentialsProvider())
			.isInstanceOf(DefaultCredentialsProvider.class));
	}

	@Test
	void usesTheApplicationsCredentialsProvider() {
		this.contextRunner.withUserConfiguration(CredentialsConfiguration.class)
			.run((context) -> assertThat(
					context.getBean(MarketplaceMeteringClient.class).serviceClientConfiguration().credentialsProvider())
				.isSameAs(context.getBean(AwsCredentialsProvider.class)));
	}

	@Test
	void sdkRetriesAreOffAndTheCallTimeoutIsConfigurable() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.api-call-timeout=3s").run((context) -> {
			var configuration = context.getBean(MarketplaceMeteringClient.class)
				.serviceClientConfiguration()
				.overrideConfiguration();
			assertThat(configuration.apiCallTimeout()).contains(Duration.ofSeconds(3));
			assertThat(configuration.retryStrategy())
				.hasValueSatisfying((strategy) -> assertThat(strategy.maxAttempts()).as("attempts per call").isOne());
		});
	}

	@Test
	void appliesCustomizersInOrder() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			assertThat(context.getBean(CustomizerConfiguration.class).applied).containsExactly("first", "second");
			assertThat(context.getBean(MarketplaceMeteringClient.class).serviceClientConfiguration().region())
				.isEqualTo(Region.AP_SOUTHEAST_2);
		});
	}

	@Test
	void backsOffToTheApplicationsClientAndOperations() {
		this.contextRunner.withUserConfiguration(UserBeansConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MarketplaceMeteringClient.class).hasSingleBean(MeteringOperations.class);
			assertThat(context.getBean(MarketplaceMeteringClient.class))
				.isSameAs(context.getBean(UserBeansConfiguration.class).client);
			assertThat(context).doesNotHaveBean(MeteringTemplate.class);
		});
	}

	@Test
	void backsOffWithoutTheSdkOnTheClasspath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MarketplaceMeteringClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MeteringOperations.class));
	}

	@Test
	void missingProductCodeFailsStartupWithAnExplanation() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.region=eu-west-1",
					"aws.marketplace.metering.ledger.type=memory")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("aws.marketplace.metering.product-code is required");
				assertThat(analysis.getAction()).contains("Set aws.marketplace.metering.product-code")
					.contains("aws.marketplace.metering.emulator.enabled=true");
			});
	}

	@Test
	void invalidProductCodeFailsStartupNamingValueAndRule() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.product-code=prod code!").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("aws.marketplace.metering.product-code \"prod code!\"")
				.contains("must match");
		});
	}

	@Test
	void invalidDimensionFailsStartup() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.dimensions=scans,").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("aws.marketplace.metering.dimensions");
		});
	}

	@Test
	void missingRegionFailsStartupWithAnExplanation() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
					"aws.marketplace.metering.ledger.type=memory")
			.withSystemProperties("aws.disableEc2Metadata=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("aws.marketplace.metering.region is not set");
				assertThat(analysis.getAction()).contains("AWS_REGION");
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new InvalidMeteringConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class CredentialsConfiguration {

		@Bean
		AwsCredentialsProvider credentialsProvider() {
			return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> applied = new ArrayList<>();

		@Bean
		@Order(2)
		MarketplaceMeteringClientCustomizer second() {
			return (builder) -> {
				this.applied.add("second");
				builder.region(Region.AP_SOUTHEAST_2);
			};
		}

		@Bean
		@Order(1)
		MarketplaceMeteringClientCustomizer first() {
			return (builder) -> {
				this.applied.add("first");
				builder.region(Region.US_WEST_2);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		final MarketplaceMeteringClient client = mock(MarketplaceMeteringClient.class);

		@Bean
		MarketplaceMeteringClient userClient() {
			return this.client;
		}

		@Bean
		MeteringOperations userOperations() {
			return mock(MeteringOperations.class);
		}

	}

}
