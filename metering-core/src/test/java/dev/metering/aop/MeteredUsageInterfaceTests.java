package dev.metering.aop;

import java.util.Map;
import java.util.Set;

import dev.metering.annotation.MeteredUsage;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@code @MeteredUsage} is found where Spring finds {@code @Transactional}: on
 * interface methods and types, through JDK and CGLIB proxies, with the documented
 * precedence.
 */
class MeteredUsageInterfaceTests {

	private static final UsageKey SCANS = UsageKey.of("scans");

	private static final UsageKey PAGES = UsageKey.of("pages");

	private static final UsageKey CALLS = UsageKey.of("calls");

	private final ApplicationContextRunner cglib = new ApplicationContextRunner()
		.withUserConfiguration(MeteringTestConfiguration.class);

	private final ApplicationContextRunner jdk = new ApplicationContextRunner()
		.withUserConfiguration(JdkProxyConfiguration.class);

	@Test
	void interfaceMethodAnnotationIsBilledThroughACglibProxy() {
		this.cglib.withBean(BillingService.class).run((context) -> {
			Billing billing = context.getBean(Billing.class);
			assertThat(AopUtils.isCglibProxy(billing)).isTrue();
			assertThat(billing.bill("cust-1")).isEqualTo("billed cust-1");
			assertThat(context.getBean(SummingUsageLedger.class).quantities())
				.containsExactly(Map.entry(UsageKey.of("calls", "cust-1", null), 1L));
		});
	}

	@Test
	void interfaceMethodAnnotationIsBilledThroughAJdkProxy() {
		this.jdk.withBean(BillingService.class).run((context) -> {
			Billing billing = context.getBean(Billing.class);
			assertThat(AopUtils.isJdkDynamicProxy(billing)).isTrue();
			assertThat(billing.bill("cust-1")).isEqualTo("billed cust-1");
			assertThat(context.getBean(SummingUsageLedger.class).quantities())
				.containsExactly(Map.entry(UsageKey.of("calls", "cust-1", null), 1L));
		});
	}

	@Test
	void typeLevelAnnotationOnAnInterfaceBillsEachOfItsMethods() {
		this.cglib.withBean(ScanningService.class).run((context) -> {
			ScanningService service = context.getBean(ScanningService.class);
			service.scan();
			service.rescan();
			service.unrelated();
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).containsExactly(Map.entry(SCANS, 2L));
		});
		this.jdk.withBean(ScanningService.class).run((context) -> {
			Scanning scanning = context.getBean(Scanning.class);
			assertThat(AopUtils.isJdkDynamicProxy(scanning)).isTrue();
			scanning.scan();
			scanning.rescan();
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).containsExactly(Map.entry(SCANS, 2L));
		});
	}

	@Test
	void methodOfTheClassWinsOverTheInterfaceForTheSameDimension() {
		this.cglib.withBean(OverridingScanningService.class).run((context) -> {
			OverridingScanningService service = context.getBean(OverridingScanningService.class);
			service.scan();
			service.rescan();
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).containsExactly(Map.entry(SCANS, 11L));
		});
	}

	@Test
	void interfaceMethodWinsOverTheClassTypeForTheSameDimension() {
		this.cglib.withBean(TypeAnnotatedPrinter.class).run((context) -> {
			TypeAnnotatedPrinter printer = context.getBean(TypeAnnotatedPrinter.class);
			printer.print(4);
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).containsOnly(Map.entry(PAGES, 4L),
					Map.entry(CALLS, 1L));
		});
	}

	@Test
	void sameDeclarationOnTwoInterfacesIsBilledOnce() {
		this.cglib.withBean(TwiceDeclaredService.class).run((context) -> {
			context.getBean(TwiceDeclaredService.class).scan();
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).containsExactly(Map.entry(SCANS, 1L));
		});
	}

	@Test
	void contradictionBetweenTwoInterfacesIsRefusedAtStartup() {
		this.cglib.withBean(ContradictoryService.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidMeteredUsageException.class)
				.hasMessage("@MeteredUsage(dimension = \"scans\") applies to " + ContradictoryService.class.getName()
						+ ".scan() twice, differently, with the same precedence: on " + ScansOne.class.getName()
						+ ".scan() and on " + ScansTwo.class.getName()
						+ ".scan(); declare it on the method of the class to choose"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAspectJAutoProxy(proxyTargetClass = false)
	static class JdkProxyConfiguration {

		@Bean
		SummingUsageLedger usageLedger() {
			return new SummingUsageLedger();
		}

		@Bean
		MeteredUsageAspect meteredUsageAspect(SummingUsageLedger usageLedger) {
			return new MeteredUsageAspect(
					new UsageCapture(usageLedger, Set.of("scans", "calls"), SaasIntegration.LEGACY));
		}

	}

	interface Billing {

		@MeteredUsage(dimension = "calls", customer = "#p0")
		String bill(String customer);

	}

	static class BillingService implements Billing {

		@Override
		public String bill(String customer) {
			return "billed " + customer;
		}

	}

	@MeteredUsage(dimension = "scans")
	interface Scanning {

		void scan();

		void rescan();

	}

	static class ScanningService implements Scanning {

		@Override
		public void scan() {
		}

		@Override
		public void rescan() {
		}

		public void unrelated() {
		}

	}

	static class OverridingScanningService implements Scanning {

		@Override
		@MeteredUsage(dimension = "scans", quantity = "10")
		public void scan() {
		}

		@Override
		public void rescan() {
		}

	}

	interface Printing {

		@MeteredUsage(dimension = "pages", quantity = "#p0")
		void print(int pages);

	}

	@MeteredUsage(dimension = "pages", quantity = "100")
	@MeteredUsage(dimension = "calls")
	static class TypeAnnotatedPrinter implements Printing {

		@Override
		public void print(int pages) {
		}

	}

	interface ScansOne {

		@MeteredUsage(dimension = "scans")
		void scan();

	}

	interface ScansTwo {

		@MeteredUsage(dimension = "scans", quantity = "2")
		void scan();

	}

	interface ScansAgain {

		@MeteredUsage(dimension = "scans")
		void scan();

	}

	static class TwiceDeclaredService implements ScansOne, ScansAgain {

		@Override
		public void scan() {
		}

	}

	static class ContradictoryService implements ScansOne, ScansTwo {

		@Override
		public void scan() {
		}

	}

}
