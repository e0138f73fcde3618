package dev.metering.autoconfigure;

import dev.metering.actuate.MeteringEndpoint;
import dev.metering.actuate.MeteringSources;
import dev.metering.core.ProductType;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.MergedAnnotations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteringEndpointAutoConfiguration}.
 */
class MeteringEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withInitializer(
				(context) -> new MeteringResilienceDefaults().postProcessEnvironment(context.getEnvironment(), null))
		.withConfiguration(BootLine.RESILIENCE)
		.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
				MeteringAutoConfiguration.class, MeteringLedgerAutoConfiguration.class,
				MeteringReportingAutoConfiguration.class, MeteringEndpointAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.product-type=saas",
				"aws.marketplace.metering.ledger.type=memory");

	@Test
	void notAvailableUnlessExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(MeteringEndpoint.class));
	}

	@Test
	void availableWhenExposedOverTheWeb() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=metering").run((context) -> {
			assertThat(context).hasSingleBean(MeteringEndpoint.class);
			MeteringEndpoint.MeteringSummary metering = context.getBean(MeteringEndpoint.class)
				.metering(null, null, null, null, null);
			assertThat(metering.productCode()).isEqualTo("prod-abc123");
			assertThat(metering.mode()).isEqualTo("saas");
			assertThat(metering.entitlement()).as("no entitlement check for saas").isNull();
		});
	}

	@Test
	void itsDefaultAccessIsReadOnly() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=metering")
			.run((context) -> assertThat(access(context)).isEqualTo(Access.READ_ONLY));
	}

	@Test
	void itsWriteOperationsNeedUnrestrictedAccess() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=metering",
					"management.endpoint.metering.access=UNRESTRICTED")
			.run((context) -> assertThat(access(context)).isEqualTo(Access.UNRESTRICTED));
	}

	/**
	 * The access Actuator grants the endpoint's operations, as its discoverers ask it.
	 */
	private static Access access(ApplicationContext context) {
		Access defaultAccess = MergedAnnotations.from(MeteringEndpoint.class)
			.get(Endpoint.class)
			.getEnum("defaultAccess", Access.class);
		return context.getBean(EndpointAccessResolver.class).accessFor(EndpointId.of("metering"), defaultAccess);
	}

	@Test
	void notAvailableWhenAccessIsNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=metering",
					"management.endpoint.metering.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(MeteringEndpoint.class));
	}

	@Test
	void notAvailableWithoutAReporter() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=metering",
					"aws.marketplace.metering.reporting.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MeteringEndpoint.class));
	}

	@Test
	void backsOffToAUserEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=metering")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(MeteringEndpoint.class).hasBean("userEndpoint"));
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=metering")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MeteringEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		MeteringEndpoint userEndpoint(UsageLedger ledger, UsageReporter reporter) {
			return new MeteringEndpoint("own", ProductType.SAAS, new MeteringSources(ledger, reporter, null));
		}

	}

}
