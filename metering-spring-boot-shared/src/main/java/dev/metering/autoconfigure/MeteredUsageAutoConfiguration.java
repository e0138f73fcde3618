package dev.metering.autoconfigure;

import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.UsageCapture;
import org.aspectj.lang.annotation.Aspect;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

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

	@Bean
	@ConditionalOnMissingBean
	MeteredUsageAspect meteredUsageAspect(@Lazy UsageCapture capture, MeteringProperties properties) {
		MeteredUsageAspect aspect = new MeteredUsageAspect(capture);
		aspect.setOrder(properties.getAspectOrder());
		return aspect;
	}

}
