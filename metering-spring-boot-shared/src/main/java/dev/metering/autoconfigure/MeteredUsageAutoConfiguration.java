package dev.metering.autoconfigure;

import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.UsageCapture;
import org.aspectj.lang.annotation.Aspect;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of {@link dev.metering.annotation.MeteredUsage @MeteredUsage}: one
 * bean, the aspect that records annotated calls and checks at startup that every
 * annotation names a valid dimension, tags and expressions.
 * <p>
 * The aspect is an advisor, created while Spring sorts advisors, so it reaches the
 * capture lazily: the ledger is opened as a bean of its own, and a ledger that cannot be
 * opened fails startup with its own cause.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringLedgerAutoConfiguration.class, AopAutoConfiguration.class })
@ConditionalOnClass(Aspect.class)
@ConditionalOnBean(UsageCapture.class)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteredUsageAutoConfiguration {

	/**
	 * The aspect. Spring creates advisors while it registers bean post-processors, so
	 * this method is static, the bean is infrastructure and it depends on no other bean
	 * eagerly: it reads its order from the environment (the same
	 * {@code aws.marketplace.metering.aspect-order} that {@link MeteringProperties}
	 * documents), and nothing is created early or left unprocessed.
	 * @param capture the capture, reached at the first metered call
	 * @param environment the environment
	 * @return the aspect
	 */
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static MeteredUsageAspect meteredUsageAspect(@Lazy UsageCapture capture, Environment environment) {
		MeteredUsageAspect aspect = new MeteredUsageAspect(capture);
		aspect.setOrder(Binder.get(environment)
			.bind("aws.marketplace.metering.aspect-order", Integer.class)
			.orElse(MeteredUsageAspect.DEFAULT_ORDER));
		return aspect;
	}

}
