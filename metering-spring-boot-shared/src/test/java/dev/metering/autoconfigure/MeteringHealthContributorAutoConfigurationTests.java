package dev.metering.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import dev.metering.actuate.MeteringHealthIndicator;
import dev.metering.core.UsageCapture;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteringHealthContributorAutoConfiguration}, on either Boot line: the
 * health types are in another package on each, so they are reached through the indicator.
 */
class MeteringHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, MeteringAutoConfiguration.class,
						MeteringLedgerAutoConfiguration.class, MeteringHealthContributorAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.region=us-east-1", "aws.marketplace.metering.product-type=saas",
				"aws.marketplace.metering.ledger.type=memory", "aws.marketplace.metering.saas.integration=legacy");

	@Test
	void registersTheMeteringHealthIndicator() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MeteringHealthIndicator.class).hasBean("meteringHealthIndicator");
			assertThat(context.getBean(MeteringHealthIndicator.class).health().getStatus().getCode()).isEqualTo("UP");
		});
	}

	@Test
	void theExpiryWarningIsBoundFromProperties() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.health.expiry-warning=24h").run((context) -> {
			context.getBean(UsageCapture.class).record("scans", 1, null, "customer-1");
			assertThat(context.getBean(MeteringHealthIndicator.class).health().getStatus().getCode())
				.as("an open hour of a customer always has less than 24 h of its window left")
				.isEqualTo("DOWN");
		});
	}

	@Test
	void theMinimumFreeSpaceOfTheLedgerIsBoundFromProperties(@TempDir Path directory) {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.type=file",
					"aws.marketplace.metering.ledger.directory=" + directory,
					"aws.marketplace.metering.ledger.min-free-space=1000TB")
			.run((context) -> {
				MeteringHealthIndicator indicator = context.getBean(MeteringHealthIndicator.class);
				assertThat(indicator.health().getStatus().getCode()).isEqualTo("DOWN");
				assertThat(indicator.health().getDetails().get("problems")).asString()
					.contains("less than the minimum " + DataSize.ofTerabytes(1000).toBytes());
			});
	}

	@Test
	void showsTheEntitlementCheckWhenThereIsOne() {
		this.contextRunner
			.withBean(EntitlementCheck.class, () -> () -> EntitlementStatus.notChecked("prod-abc123", null))
			.run((context) -> assertThat(context.getBean(MeteringHealthIndicator.class).health().getDetails())
				.containsEntry("entitlement", Map.of("state", EntitlementStatus.State.NOT_CHECKED)));
	}

	@Test
	void aBuyerNotEntitledInDegradeModeMakesItOutOfServiceWithTheReason() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
					MeteringEmulatorAutoConfiguration.class, MeteringAutoConfiguration.class,
					MeteringLedgerAutoConfiguration.class, MeteringEntitlementAutoConfiguration.class,
					MeteringHealthContributorAutoConfiguration.class))
			.withUserConfiguration(MeteringEntitlementAutoConfigurationTests.NotEntitledEmulatorConfiguration.class)
			.withPropertyValues("aws.marketplace.metering.product-code=prod-container",
					"aws.marketplace.metering.dimensions=scans", "aws.marketplace.metering.ledger.type=memory",
					"aws.marketplace.metering.emulator.enabled=true",
					"aws.marketplace.metering.entitlement.on-failure=degrade")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				var health = context.getBean(MeteringHealthIndicator.class).health();
				assertThat(health.getStatus().getCode()).isEqualTo("OUT_OF_SERVICE");
				assertThat(health.getDetails().get("entitlement")).asString()
					.contains("NOT_ENTITLED")
					.contains("CustomerNotEntitledException");
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.metering.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MeteringHealthIndicator.class));
	}

	@Test
	void backsOffToAUserIndicatorOfTheSameName() {
		Object own = new Object();
		this.contextRunner.withBean("meteringHealthIndicator", Object.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean(MeteringHealthIndicator.class)
				.getBean("meteringHealthIndicator")
				.isSameAs(own));
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader((name) -> name.endsWith(".HealthContributor")))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MeteringHealthIndicator.class));
	}

	@Test
	void backsOffWithoutALedger() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MeteringHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MeteringHealthIndicator.class));
	}

}
