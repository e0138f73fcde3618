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
 * {@code #result} and {@code #exception}.
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

	private EvaluationContext context;

	private MeteredInvocation(MeteredMethod method, Object[] arguments, Object result, Throwable exception) {
		this.method = method;
		this.arguments = arguments;
		this.result = result;
		this.exception = exception;
	}

	static MeteredInvocation success(MeteredMethod method, Object[] arguments, Object result) {
		return new MeteredInvocation(method, arguments, result, null);
	}

	static MeteredInvocation failure(MeteredMethod method, Object[] arguments, Throwable exception) {
		return new MeteredInvocation(method, arguments, null, exception);
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
		return context;
	}

}
