package dev.metering.autoconfigure;

import dev.metering.annotation.MeteredUsage;
import dev.metering.aop.MeteredUsageAspect;
import dev.metering.ledger.LedgerView.OpenUsage;
import dev.metering.ledger.UsageLedger;
import org.aspectj.lang.annotation.Aspect;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteredUsageAutoConfiguration}.
 */
class MeteredUsageAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, MeteringLedgerAutoConfiguration.class,
				MeteredUsageAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.dimensions=scans", "aws.marketplace.metering.ledger.type=memory");

	@Test
	void annotatedMethodsAreRecordedIntoTheLedger() {
		this.contextRunner.withUserConfiguration(ScannerConfiguration.class).run((context) -> {
			Scanner scanner = context.getBean(Scanner.class);
			scanner.scan("a");
			scanner.scan("b");
			assertThat(context.getBean(UsageLedger.class).view().openUsage()).extracting(OpenUsage::quantity)
				.containsExactly(2L);
			assertThat(context.getBean(MeteredUsageAspect.class).getOrder())
				.isEqualTo(MeteredUsageAspect.DEFAULT_ORDER);
		});
	}

	@Test
	void theAspectOrderIsConfigurable() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.aspect-order=42")
			.run((context) -> assertThat(context.getBean(MeteredUsageAspect.class).getOrder()).isEqualTo(42));
	}

	@Test
	void anUnknownDimensionFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(BadScannerConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("pages")
				.hasMessageContaining("BadScanner.scan"));
	}

	@Test
	void isOffWithoutAspectJ() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Aspect.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MeteredUsageAspect.class));
	}

	@Test
	void isOffWithoutALedger() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeteredUsageAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MeteredUsageAspect.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ScannerConfiguration {

		@Bean
		Scanner scanner() {
			return new Scanner();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadScannerConfiguration {

		@Bean
		BadScanner badScanner() {
			return new BadScanner();
		}

	}

	static class Scanner {

		@MeteredUsage(dimension = "scans")
		public String scan(String document) {
			return document;
		}

	}

	static class BadScanner {

		@MeteredUsage(dimension = "pages")
		public String scan(String document) {
			return document;
		}

	}

}
