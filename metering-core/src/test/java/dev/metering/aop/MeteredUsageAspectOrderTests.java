package dev.metering.aop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.annotation.MeteredUsage;
import dev.metering.annotation.MeteredUsage.When;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageKey;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the order of {@link MeteredUsageAspect} against a retrying aspect at the
 * order of Resilience4j's {@code @Retry} ({@code LOWEST_PRECEDENCE - 4}).
 */
class MeteredUsageAspectOrderTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(MeteringTestConfiguration.class, RetryConfiguration.class)
		.withBean(FlakyService.class);

	@Test
	void defaultOrderIsOutsideRetryAndTransactions() {
		assertThat(MeteredUsageAspect.DEFAULT_ORDER).isLessThan(RetryingAspect.ORDER)
			.isLessThan(Ordered.LOWEST_PRECEDENCE);
		assertThat(new MeteredUsageAspect(new UsageCapture(new SummingUsageLedger(), Set.of())).getOrder())
			.isEqualTo(Ordered.LOWEST_PRECEDENCE - 100);
	}

	@Test
	void aRetriedCallIsBilledOnceByDefault() {
		this.contextRunner.run((context) -> {
			context.getBean(FlakyService.class).failOnceThenSucceed();
			assertThat(context.getBean(RetryingAspect.class).attempts()).isEqualTo(2);
			assertThat(context.getBean(SummingUsageLedger.class).quantity(UsageKey.of("calls"))).isEqualTo(1);
		});
	}

	@Test
	void insideTheRetryEveryAttemptWouldBeBilled() {
		this.contextRunner.withAllowBeanDefinitionOverriding(true)
			.withUserConfiguration(InnermostAspectConfiguration.class)
			.run((context) -> {
				context.getBean(FlakyService.class).failOnceThenSucceed();
				assertThat(context.getBean(SummingUsageLedger.class).quantity(UsageKey.of("calls"))).isEqualTo(2);
			});
	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@interface RetryOnce {

	}

	@Aspect
	static class RetryingAspect implements Ordered {

		static final int ORDER = Ordered.LOWEST_PRECEDENCE - 4;

		private final AtomicInteger attempts = new AtomicInteger();

		@Around("@annotation(dev.metering.aop.MeteredUsageAspectOrderTests.RetryOnce)")
		public Object retry(ProceedingJoinPoint joinPoint) throws Throwable {
			try {
				this.attempts.incrementAndGet();
				return joinPoint.proceed();
			}
			catch (IllegalStateException ex) {
				this.attempts.incrementAndGet();
				return joinPoint.proceed();
			}
		}

		int attempts() {
			return this.attempts.get();
		}

		@Override
		public int getOrder() {
			return ORDER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetryConfiguration {

		@Bean
		RetryingAspect retryingAspect() {
			return new RetryingAspect();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InnermostAspectConfiguration {

		@Bean
		MeteredUsageAspect meteredUsageAspect(UsageCapture usageCapture) {
			MeteredUsageAspect aspect = new MeteredUsageAspect(usageCapture);
			aspect.setOrder(Ordered.LOWEST_PRECEDENCE);
			return aspect;
		}

	}

	static class FlakyService {

		private final AtomicInteger calls = new AtomicInteger();

		@RetryOnce
		@MeteredUsage(dimension = "calls", when = When.ALWAYS)
		public void failOnceThenSucceed() {
			if (this.calls.incrementAndGet() == 1) {
				throw new IllegalStateException("transient");
			}
		}

	}

}
