package dev.metering.aop;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Validates every {@link dev.metering.annotation.MeteredUsage @MeteredUsage} of the
 * application's beans once all singletons are created, before the application serves:
 * builds what to record for each metered method into the {@link MeteredMethodCache} the
 * {@link MeteredUsageAspect} reads (for the aspect, which is the bean), and fails startup
 * with an {@link InvalidMeteredUsageException} naming the class, the method, the
 * dimension and the rule when one cannot be applied.
 * <p>
 * Working over the bean definitions rather than as a {@code BeanPostProcessor} covers
 * lazy and prototype beans too and creates no bean early.
 *
 * @author metering-spring-boot
 */
final class MeteredUsageStartupValidator implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(MeteredUsageStartupValidator.class);

	private final MeteredMethodCache methods;

	private ConfigurableListableBeanFactory beanFactory;

	/**
	 * Create a new validator.
	 * @param methods the cache of metered methods, shared with the
	 * {@link MeteredUsageAspect}
	 */
	MeteredUsageStartupValidator(MeteredMethodCache methods) {
		Assert.notNull(methods, "'methods' must not be null");
		this.methods = methods;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory);
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.beanFactory.getBeanNamesForType(Object.class)) {
			Class<?> type = beanType(beanName);
			if (type != null) {
				this.methods.prepare(ClassUtils.getUserClass(type));
			}
		}
	}

	private Class<?> beanType(String beanName) {
		try {
			return AutoProxyUtils.determineTargetClass(this.beanFactory, beanName);
		}
		catch (RuntimeException ex) {
			// an unresolvable bean type: nothing to validate, as in
			// EventListenerMethodProcessor
			logger.debug("Could not resolve the type of bean '" + beanName + "'", ex);
			return null;
		}
	}

}
