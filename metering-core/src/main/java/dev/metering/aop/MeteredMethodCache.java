package dev.metering.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.metering.core.UsageCapture;

import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * What to record for each metered method, built once per method and target class and by
 * the {@link MeteredUsageAspect}: filled at startup by its
 * {@link MeteredUsageStartupValidator}, read on every call.
 *
 * @author metering-spring-boot
 */
final class MeteredMethodCache {

	private final Map<AnnotatedElementKey, MeteredMethod> methods = new ConcurrentHashMap<>();

	private final Map<Method, Resolved> lastResolved = new ConcurrentHashMap<>();

	private final MeteredMethodFactory factory;

	/**
	 * Create a new cache.
	 * @param capture the capture whose rules constant dimensions, tags and customers are
	 * validated with, and usage is recorded through
	 */
	MeteredMethodCache(UsageCapture capture) {
		Assert.notNull(capture, "'capture' must not be null");
		this.factory = new MeteredMethodFactory(capture);
	}

	/**
	 * Build what to record for every metered method of a class.
	 * @param userClass the class of a bean, without proxy or enhancer subclass
	 * @throws InvalidMeteredUsageException if a {@code @MeteredUsage} of the class cannot
	 * be applied
	 */
	void prepare(Class<?> userClass) {
		if (!AnnotationUtils.isCandidateClass(userClass, MeteredMethodFactory.ANNOTATION_TYPES)) {
			return;
		}
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userClass,
				(candidate) -> !candidate.isBridge() && MeteredMethodFactory.isMetered(candidate, userClass))) {
			get(method, userClass);
		}
	}

	/**
	 * Return the number of methods cached.
	 * @return the number of methods
	 */
	int size() {
		return this.methods.size();
	}

	/**
	 * Return what to record for a call. The per-call path looks the method up by identity
	 * (AspectJ hands the same {@code Method} for every call of a join point) and
	 * allocates nothing.
	 */
	MeteredMethod get(Method method, Class<?> targetClass) {
		Resolved resolved = this.lastResolved.get(method);
		if (resolved != null && resolved.targetClass() == targetClass) {
			return resolved.metered();
		}
		MeteredMethod metered = this.methods.computeIfAbsent(new AnnotatedElementKey(method, targetClass),
				(missing) -> this.factory.create(method, targetClass));
		this.lastResolved.put(method, new Resolved(targetClass, metered));
		return metered;
	}

	private record Resolved(Class<?> targetClass, MeteredMethod metered) {
	}

}
