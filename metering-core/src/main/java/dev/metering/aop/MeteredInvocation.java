package dev.metering.aop;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.MethodResolver;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.spel.support.DataBindingMethodResolver;
import org.springframework.expression.spel.support.DataBindingPropertyAccessor;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * The outcome of one call of a metered method, and the evaluation context its expressions
 * see, built on first use: the arguments by name, {@code #p0} and {@code #a0},
 * {@code #result}, {@code #exception} and, for a reactive publisher, {@code #count}: the
 * number of elements it emitted.
 *
 * @author metering-spring-boot
 */
final class MeteredInvocation {

	// shared: the accessor and resolver cache what they find by reflection
	private static final PropertyAccessor PROPERTY_ACCESSOR = DataBindingPropertyAccessor.forReadOnlyAccess();

	private static final MethodResolver METHOD_RESOLVER = DataBindingMethodResolver.forInstanceMethodInvocation();

	private final MeteredMethod method;

	private final Object[] arguments;

	private final Object result;

	private final Throwable exception;

	private final Long count;

	private EvaluationContext context;

	private MeteredInvocation(MeteredMethod method, Object[] arguments, Object result, Throwable exception,
			Long count) {
		this.method = method;
		this.arguments = arguments;
		this.result = result;
		this.exception = exception;
		this.count = count;
	}

	static MeteredInvocation success(MeteredMethod method, Object[] arguments, Object result) {
		return new MeteredInvocation(method, arguments, result, null, null);
	}

	static MeteredInvocation failure(MeteredMethod method, Object[] arguments, Throwable exception) {
		return new MeteredInvocation(method, arguments, null, exception, null);
	}

	/**
	 * A reactive publisher that completed.
	 * @param value its value when it emits at most one, otherwise {@code null}
	 * @param count the number of elements it emitted
	 */
	static MeteredInvocation completed(MeteredMethod method, Object[] arguments, Object value, long count) {
		return new MeteredInvocation(method, arguments, value, null, count);
	}

	/**
	 * A reactive publisher that failed.
	 * @param count the number of elements it emitted before the error
	 */
	static MeteredInvocation failed(MeteredMethod method, Object[] arguments, Throwable exception, long count) {
		return new MeteredInvocation(method, arguments, null, exception, count);
	}

	boolean failed() {
		return this.exception != null;
	}

	EvaluationContext context() {
		if (this.context == null) {
			this.context = createContext();
		}
		return this.context;
	}

	private EvaluationContext createContext() {
		SimpleEvaluationContext context = SimpleEvaluationContext.forPropertyAccessors(PROPERTY_ACCESSOR)
			.withMethodResolvers(METHOD_RESOLVER)
			.build();
		String[][] variables = this.method.argumentVariables();
		for (int i = 0; i < this.arguments.length; i++) {
			for (String variable : variables[i]) {
				context.setVariable(variable, this.arguments[i]);
			}
		}
		context.setVariable("result", this.result);
		context.setVariable("exception", this.exception);
		if (this.count != null) {
			context.setVariable("count", this.count);
		}
		return context;
	}

}
