package dev.metering.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;

import org.springframework.core.Ordered;
import org.springframework.util.Assert;

/**
 * Records the usage of methods annotated with
 * {@link dev.metering.annotation.MeteredUsage @MeteredUsage}, or declared by a type
 * annotated with it, after each call, through the {@link dev.metering.core.UsageRecorder}
 * of the {@link MeteredMethodCache}. A returned {@link CompletionStage} is recorded when
 * it completes; the stage itself is returned unchanged.
 * <p>
 * Metering never breaks the business call: the method's return value or exception passes
 * through unchanged, and a failure while recording (an expression that fails, a quantity
 * that is negative or not a whole number, an invalid tag or customer, an exception from
 * the ledger) is counted ({@link #getFailureCount()}) and logged at WARN with the method
 * and the dimension. The log is rate-limited per method and dimension: the 1st, 2nd, 4th,
 * 8th, ... failure is logged, with the count so far.
 * <p>
 * Order: by default {@link #DEFAULT_ORDER} ({@code LOWEST_PRECEDENCE - 100}), a higher
 * precedence than, so outside of, Resilience4j's {@code @Retry} aspect
 * ({@code LOWEST_PRECEDENCE - 4}) and the {@code @Transactional} interceptor
 * ({@code LOWEST_PRECEDENCE}). One business call is then billed once however often it is
 * retried, and only after its transaction committed: a commit that fails is a failed
 * call.
 *
 * @author metering-spring-boot
 */
@Aspect
public class MeteredUsageAspect implements Ordered {

	/**
	 * The default order: outside of {@code @Retry} and {@code @Transactional}.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Log logger = LogFactory.getLog(MeteredUsageAspect.class);

	private final MeteredMethodCache methods;

	private final LongAdder failures = new LongAdder();

	private final Map<Object, AtomicLong> failuresBySource = new ConcurrentHashMap<>();

	private int order = DEFAULT_ORDER;

	/**
	 * Create a new aspect.
	 * @param methods the cache of metered methods, shared with the
	 * {@link MeteredUsageStartupValidator}
	 */
	public MeteredUsageAspect(MeteredMethodCache methods) {
		Assert.notNull(methods, "'methods' must not be null");
		this.methods = methods;
	}

	/**
	 * Record the usage of a call of a metered method.
	 * @param joinPoint the call
	 * @return what the method returned
	 * @throws Throwable what the method threw
	 */
	@Around("execution(@dev.metering.annotation.MeteredUsage * *(..))"
			+ " || execution(@dev.metering.annotation.MeteredUsages * *(..))"
			+ " || execution(public * (@dev.metering.annotation.MeteredUsage *).*(..))"
			+ " || execution(public * (@dev.metering.annotation.MeteredUsages *).*(..))")
	public Object recordUsage(ProceedingJoinPoint joinPoint) throws Throwable {
		MeteredMethod method = meteredMethod(joinPoint);
		if (method == null || method.dimensions().isEmpty()) {
			return joinPoint.proceed();
		}
		Object[] arguments = joinPoint.getArgs();
		Object result;
		try {
			result = joinPoint.proceed();
		}
		catch (Throwable ex) {
			record(method, MeteredInvocation.failure(method, arguments, ex));
			throw ex;
		}
		if (method.returnsCompletionStage() && result instanceof CompletionStage<?> stage) {
			recordOnCompletion(method, arguments, stage);
		}
		else {
			record(method, MeteredInvocation.success(method, arguments, result));
		}
		return result;
	}

	private MeteredMethod meteredMethod(ProceedingJoinPoint joinPoint) {
		Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
		Object target = joinPoint.getTarget();
		Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
		try {
			return this.methods.get(method, targetClass);
		}
		catch (Exception | LinkageError | AssertionError ex) {
			failed(method, () -> "Usage of " + method + " was not recorded", ex);
			return null;
		}
	}

	private void recordOnCompletion(MeteredMethod method, Object[] arguments, CompletionStage<?> stage) {
		try {
			stage.whenComplete((value, ex) -> record(method,
					(ex != null) ? MeteredInvocation.failure(method, arguments, unwrap(ex))
							: MeteredInvocation.success(method, arguments, value)));
		}
		catch (Exception | LinkageError | AssertionError ex) {
			failed(method, () -> "Usage of " + method.description() + " was not recorded", ex);
		}
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private void record(MeteredMethod method, MeteredInvocation invocation) {
		for (MeteredDimension dimension : method.dimensions()) {
			try {
				dimension.recordIfBilled(invocation);
			}
			catch (Exception | LinkageError | AssertionError ex) {
				failed(dimension, () -> "Usage of dimension \"" + dimension.dimension() + "\" by " + dimension.method()
						+ " was not recorded", ex);
			}
		}
	}

	private void failed(Object source, Supplier<String> message, Throwable ex) {
		this.failures.increment();
		long count = this.failuresBySource.computeIfAbsent(source, (key) -> new AtomicLong()).incrementAndGet();
		if (Long.bitCount(count) == 1 && logger.isWarnEnabled()) {
			logger.warn(message.get() + " (" + count + " failures so far): " + ex, ex);
		}
	}

	/**
	 * Return how many times usage could not be recorded since startup.
	 * @return the number of failures
	 */
	public long getFailureCount() {
		return this.failures.sum();
	}

	/**
	 * Set the order of this aspect among the others applied to the same method.
	 * @param order the order, {@link #DEFAULT_ORDER} by default
	 */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
