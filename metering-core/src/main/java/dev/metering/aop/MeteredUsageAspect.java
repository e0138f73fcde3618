package dev.metering.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.metering.core.UsageCapture;
import dev.metering.core.UsageNotRecordedException;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.Pointcut;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Records the usage of the methods a {@link dev.metering.annotation.MeteredUsage
 *
 * @MeteredUsage} applies to, after each call, through the {@link UsageCapture}: an
 * advisor that the application's auto-proxy creator applies, as it applies
 * {@code @Transactional}. It is one bean, as Micrometer's {@code CountedAspect} is: once
 * all singletons are created it also checks every {@code @MeteredUsage} of the
 * application's beans, and fails startup with an {@link InvalidMeteredUsageException}
 * naming the class, the method, the dimension and the rule when one cannot be applied.
 * The annotation is found on the method, on the methods it implements or overrides, and
 * on their types (see {@link dev.metering.annotation.MeteredUsage}).
 * <p>
 * What the method returns decides when the call is billed, by its type at run time: a
 * {@link CompletionStage} when it completes, a reactive type that Spring's
 * {@link org.springframework.core.ReactiveAdapterRegistry} adapts (with Reactor on the
 * classpath) when the publisher completes, once per subscription; anything else when the
 * method returns. The returned object is returned unchanged, or for a reactive type
 * decorated.
 * <p>
 * Metering never breaks the business call: the method's return value or exception passes
 * through unchanged, and a failure while recording (an expression that fails, a quantity
 * that is negative or not a whole number, an invalid tag or customer, an exception from
 * the ledger) is counted ({@link #getFailureCount()}) and logged at WARN with the method
 * and the dimension. The log is rate-limited per method and dimension: the 1st, 2nd, 4th,
 * 8th, ... failure is logged, with the count so far. The one exception: an application
 * that opted into failing calls ({@code capture.on-failure=fail}) gets a
 * {@link UsageNotRecordedException} from a call that returned normally and whose usage
 * the ledger could not record (a call that failed keeps its own exception).
 * <p>
 * Order: by default {@link #DEFAULT_ORDER} ({@code LOWEST_PRECEDENCE - 100}), a higher
 * precedence than, so outside of, Resilience4j's {@code @Retry} aspect
 * ({@code LOWEST_PRECEDENCE - 4}) and the {@code @Transactional} interceptor
 * ({@code LOWEST_PRECEDENCE}). One business call is then billed once however often it is
 * retried, and only after its transaction committed: a commit that fails is a failed
 * call.
 * @author metering-spring-boot
 */
public class MeteredUsageAspect
		implements PointcutAdvisor, MethodInterceptor, Ordered, SmartInitializingSingleton, BeanFactoryAware {

	/**
	 * The default order: outside of {@code @Retry} and {@code @Transactional}.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Log logger = LogFactory.getLog(MeteredUsageAspect.class);

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			MeteredUsageAspect.class.getClassLoader());

	private final MeteredMethodCache methods;

	private final MeteredUsageStartupValidator validator;

	private final Pointcut pointcut;

	private final ReactiveCompletion reactive = REACTOR_PRESENT ? new ReactiveCompletion() : null;

	private final LongAdder failures = new LongAdder();

	private final Map<Object, AtomicLong> failuresBySource = new ConcurrentHashMap<>();

	private int order = DEFAULT_ORDER;

	/**
	 * Create a new aspect.
	 * @param capture the capture usage is recorded through, and whose rules constant
	 * dimensions, tags and customers are checked with; used from the first call or check
	 * on, so it may be a lazy proxy
	 */
	public MeteredUsageAspect(UsageCapture capture) {
		this(new MeteredMethodCache(capture));
	}

	MeteredUsageAspect(MeteredMethodCache methods) {
		Assert.notNull(methods, "'methods' must not be null");
		this.methods = methods;
		this.validator = new MeteredUsageStartupValidator(methods);
		this.pointcut = new StaticMethodMatcherPointcut() {

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return MeteredMethodFactory.isMetered(method, targetClass);
			}

		};
	}

	MeteredMethodCache methods() {
		return this.methods;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.validator.setBeanFactory(beanFactory);
	}

	/**
	 * Check every {@code @MeteredUsage} of the application's beans.
	 * @throws InvalidMeteredUsageException if one cannot be applied
	 */
	@Override
	public void afterSingletonsInstantiated() {
		this.validator.afterSingletonsInstantiated();
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this;
	}

	/**
	 * Record the usage of a call of a metered method.
	 * @param invocation the call
	 * @return what the method returned
	 * @throws Throwable what the method threw
	 */
	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		MeteredMethod method = meteredMethod(invocation);
		if (method == null || method.dimensions().isEmpty()) {
			return invocation.proceed();
		}
		Object[] arguments = invocation.getArguments();
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			record(method, MeteredInvocation.failure(method, arguments, ex));
			throw ex;
		}
		if (method.mayCompleteLater() && result != null) {
			if (result instanceof CompletionStage<?> stage) {
				recordOnCompletion(method, arguments, stage);
				return result;
			}
			Object decorated = recordOnCompletion(method, arguments, result);
			if (decorated != null) {
				return decorated;
			}
		}
		UsageNotRecordedException unrecorded = record(method, MeteredInvocation.success(method, arguments, result));
		if (unrecorded != null) {
			throw unrecorded;
		}
		return result;
	}

	private MeteredMethod meteredMethod(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
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

	/**
	 * Decorate a reactive result to record on completion; {@code null} when it is not
	 * reactive, or when decorating failed and the usage was recorded now.
	 */
	private Object recordOnCompletion(MeteredMethod method, Object[] arguments, Object result) {
		if (this.reactive == null) {
			return null;
		}
		try {
			return this.reactive.recordOnCompletion(result, method, arguments,
					(invocation) -> record(method, invocation));
		}
		catch (Exception | LinkageError | AssertionError ex) {
			failed(method, () -> "Usage of " + method.description() + " could not wait for the returned "
					+ result.getClass().getName() + " to complete; it is recorded now", ex);
			return null;
		}
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	/**
	 * Record each dimension of a call; a failure is counted and logged, never thrown.
	 * @return the first usage the ledger could not record when the application opted into
	 * failing calls, or {@code null}
	 */
	private UsageNotRecordedException record(MeteredMethod method, MeteredInvocation invocation) {
		UsageNotRecordedException unrecorded = null;
		for (MeteredUsageBinding dimension : method.dimensions()) {
			try {
				dimension.recordIfBilled(invocation);
			}
			catch (Exception | LinkageError | AssertionError ex) {
				failed(dimension, () -> "Usage of dimension \"" + dimension.dimension() + "\" by " + dimension.method()
						+ " was not recorded", ex);
				if (unrecorded == null && ex instanceof UsageNotRecordedException notRecorded) {
					unrecorded = notRecorded;
				}
			}
		}
		return unrecorded;
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
