package dev.metering.aop;

import java.util.Map;

import dev.metering.annotation.MeteredUsage;
import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code @MeteredUsage(customer = ...)} with a {@link MarketplaceCustomer} or a
 * {@code String}, in each {@link SaasIntegration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeteredUsageCustomerTests {

	private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license:l-aaaa1111";

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-bbbb2222";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(CustomerConfiguration.class)
		.withBean(SeatService.class);

	@Test
	void licenseCustomerFromTheExpressionIsRecordedPerLicense() {
		this.contextRunner.withBean(SaasIntegration.class, () -> SaasIntegration.LICENSE).run((context) -> {
			SeatService service = context.getBean(SeatService.class);
			service.activate(MarketplaceCustomer.license("111122223333", LICENSE_A));
			service.activate(MarketplaceCustomer.license("111122223333", LICENSE_B));
			service.activate(MarketplaceCustomer.license("111122223333", LICENSE_B));
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).containsOnly(
					Map.entry(UsageKey.of("users", "111122223333", LICENSE_A, null), 1L),
					Map.entry(UsageKey.of("users", "111122223333", LICENSE_B, null), 2L));
		});
	}

	@Test
	void stringCustomerInLicenseModeIsRefusedWithThePropertyNamedAndTheCallGoesOn(CapturedOutput output) {
		this.contextRunner.withBean(SaasIntegration.class, () -> SaasIntegration.LICENSE).run((context) -> {
			assertThat(context.getBean(SeatService.class).activate("customer-1")).isTrue();
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).isEmpty();
			assertThat(context.getBean(MeteredUsageAspect.class).getFailureCount()).isOne();
			assertThat(output).contains("customer \"customer-1\" has no license: with "
					+ "aws.marketplace.metering.saas.integration=license");
		});
	}

	@Test
	void licenseCustomerInLegacyModeIsRefusedWithThePropertyNamed(CapturedOutput output) {
		this.contextRunner.withBean(SaasIntegration.class, () -> SaasIntegration.LEGACY).run((context) -> {
			context.getBean(SeatService.class).activate(MarketplaceCustomer.license("111122223333", LICENSE_A));
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).isEmpty();
			assertThat(output)
				.contains("must be of the legacy integration set by aws.marketplace.metering.saas.integration=legacy");
		});
	}

	@Test
	void stringCustomerInLegacyModeIsRecordedAsToday() {
		this.contextRunner.withBean(SaasIntegration.class, () -> SaasIntegration.LEGACY).run((context) -> {
			context.getBean(SeatService.class).activate("customer-1");
			assertThat(context.getBean(SummingUsageLedger.class).quantities())
				.containsExactly(Map.entry(UsageKey.of("users", "customer-1", null), 1L));
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAspectJAutoProxy(proxyTargetClass = true)
	static class CustomerConfiguration {

		@Bean
		SummingUsageLedger usageLedger() {
			return new SummingUsageLedger();
		}

		@Bean
		UsageCapture usageCapture(SummingUsageLedger usageLedger, SaasIntegration integration) {
			return new UsageCapture(usageLedger, MeteringTestConfiguration.DIMENSIONS, integration);
		}

		@Bean
		MeteredUsageAspect meteredUsageAspect(UsageCapture usageCapture) {
			return new MeteredUsageAspect(usageCapture);
		}

	}

	static class SeatService {

		@MeteredUsage(dimension = "users", customer = "#customer")
		public boolean activate(Object customer) {
			return true;
		}

	}

}
