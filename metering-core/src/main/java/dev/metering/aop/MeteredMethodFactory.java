package dev.metering.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import dev.metering.annotation.MeteredUsage;
import dev.metering.annotation.MeteredUsages;
import dev.metering.core.InvalidMeteringRequestException;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageKey;
import dev.metering.limits.MeteringLimits;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.Literal;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Builds the {@link MeteredMethod} of a method from the {@code @MeteredUsage} annotations
 * that apply to it (see {@link #declarations}): parses every expression, resolves
 * constants and validates them with the {@link UsageCapture}'s rules, failing with an
 * {@link InvalidMeteredUsageException} that names the method, the dimension and the rule.
 *
 * @author metering-spring-boot
 */
final class MeteredMethodFactory {

	/**
	 * Stands in for a value only known per call when the constant parts of a key are
	 * validated; valid for both a tag value and a customer.
	 */
	private static final String PER_CALL_PLACEHOLDER = "per-call";

	static final Set<Class<? extends Annotation>> ANNOTATION_TYPES = Set.of(MeteredUsage.class, MeteredUsages.class);

	private final ParameterNameDiscoverer parameterNameDiscoverer = new DefaultParameterNameDiscoverer();

	private final UsageCapture capture;

	MeteredMethodFactory(UsageCapture capture) {
		this.capture = capture;
	}

	/**
	 * Return whether calls of a method on a class are metered: a {@code @MeteredUsage}
	 * applies to it (see {@link #declarations}).
	 * @param method the method, possibly declared by an interface or a superclass
	 * @param targetClass the class of the bean
	 * @return whether calls of the method are billed
	 */
	static boolean isMetered(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specificMethod = AopUtils.getMostSpecificMethod(method, userClass);
		try {
			return !declarations(specificMethod, userClass).isEmpty();
		}
		catch (InvalidMeteredUsageException ex) {
			// metered, and refused with this message by the startup validation
			return true;
		}
	}

	MeteredMethod create(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specificMethod = AopUtils.getMostSpecificMethod(method, userClass);
		String description = describe(specificMethod, userClass);
		refuseUnproxyable(specificMethod, description);
		SpelExpressionParser parser = new SpelExpressionParser(
				new SpelParserConfiguration(SpelCompilerMode.MIXED, userClass.getClassLoader()));
		List<MeteredUsageBinding> dimensions = new ArrayList<>();
		for (MeteredUsage annotation : declarations(specificMethod, userClass)) {
			dimensions.add(dimension(annotation, description, parser));
		}
		return new MeteredMethod(description, argumentVariables(specificMethod), List.copyOf(dimensions),
				mayCompleteLater(specificMethod.getReturnType()));
	}

	/**
	 * Whether a value of the declared type may be a {@link CompletionStage} or a reactive
	 * publisher at run time, so that the aspect checks the returned object: not for a
	 * primitive, {@code void}, or a final class that is neither.
	 */
	private static boolean mayCompleteLater(Class<?> returnType) {
		if (returnType.isPrimitive()) {
			return false;
		}
		return !Modifier.isFinal(returnType.getModifiers()) || CompletionStage.class.isAssignableFrom(returnType)
				|| ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType) != null;
	}

	/**
	 * A private, static or final method is called directly, never through the Spring AOP
	 * proxy, so its annotation would silently bill nothing.
	 */
	private static void refuseUnproxyable(Method method, String description) {
		int modifiers = method.getModifiers() & (Modifier.PRIVATE | Modifier.STATIC | Modifier.FINAL);
		if (modifiers != 0) {
			throw new InvalidMeteredUsageException("@MeteredUsage on " + description + " would never bill: a "
					+ Modifier.toString(modifiers) + " method is not called through the Spring proxy; make it a"
					+ " public, non-final instance method, or record with MeteringOperations.record", null);
		}
	}

	/**
	 * The {@code @MeteredUsage} declarations that apply to a method, found where Spring
	 * finds {@code @Transactional}, one per dimension. Nearest first, the levels are: the
	 * method itself; the methods it overrides or implements (superclasses and
	 * interfaces); for a public instance method, its declaring class; then the
	 * superclasses and interfaces of that class that declare the method. A nearer level
	 * wins for a dimension; two different declarations of one dimension on the same level
	 * contradict each other and are refused.
	 * @param method the method of the bean's class
	 * @param userClass the bean's class, for messages
	 * @return the declarations, nearest first
	 * @throws InvalidMeteredUsageException on a contradiction
	 */
	private static List<MeteredUsage> declarations(Method method, Class<?> userClass) {
		Map<String, Declaration> byDimension = new LinkedHashMap<>();
		MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY)
			.stream(MeteredUsage.class)
			.forEach((found) -> add(byDimension, new Declaration(found, (found.getAggregateIndex() == 0) ? 0 : 1),
					method, userClass));
		int modifiers = method.getModifiers();
		if (Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers) && !ReflectionUtils.isObjectMethod(method)) {
			MergedAnnotations.from(method.getDeclaringClass(), SearchStrategy.TYPE_HIERARCHY)
				.stream(MeteredUsage.class)
				.filter((found) -> found.getAggregateIndex() == 0
						|| ClassUtils.hasMethod((Class<?>) found.getSource(), method))
				.forEach((found) -> add(byDimension, new Declaration(found, (found.getAggregateIndex() == 0) ? 2 : 3),
						method, userClass));
		}
		return byDimension.values().stream().map(Declaration::annotation).toList();
	}

	private static void add(Map<String, Declaration> byDimension, Declaration declaration, Method method,
			Class<?> userClass) {
		Declaration nearer = byDimension.putIfAbsent(declaration.annotation().dimension(), declaration);
		if (nearer == null || nearer.level() < declaration.level()
				|| nearer.annotation().equals(declaration.annotation())) {
			return;
		}
		throw new InvalidMeteredUsageException("@MeteredUsage(dimension = \"" + declaration.annotation().dimension()
				+ "\") applies to " + describe(method, userClass) + " twice, differently, with the same precedence: on "
				+ nameOf(nearer.source()) + " and on " + nameOf(declaration.source())
				+ "; declare it on the method of the class to choose", null);
	}

	private static String nameOf(Object source) {
		if (source instanceof Method method) {
			return describe(method, method.getDeclaringClass());
		}
		return ((Class<?>) source).getName();
	}

	/**
	 * A {@code @MeteredUsage} found for a method, with where it was declared and its
	 * precedence level, 0 the nearest.
	 */
	private record Declaration(MeteredUsage annotation, Object source, int level) {

		Declaration(MergedAnnotation<MeteredUsage> found, int level) {
			this(found.synthesize(), found.getSource(), level);
		}

	}

	private MeteredUsageBinding dimension(MeteredUsage annotation, String method, SpelExpressionParser parser) {
		String where = "@MeteredUsage(dimension = \"" + annotation.dimension() + "\") on " + method;
		Long constantQuantity = constantQuantity(annotation.quantity(), where);
		Expression quantity = (constantQuantity != null) ? null
				: parse(parser, "quantity", annotation.quantity(), where);
		Expression condition = annotation.condition().isEmpty() ? null
				: parse(parser, "condition", annotation.condition(), where);
		Map<String, Expression> tags = tags(annotation.tags(), parser, where);
		Expression customer = annotation.customer().isEmpty() ? null
				: parse(parser, "customer", annotation.customer(), where);
		UsageKey key = validateConstants(annotation.dimension(), tags, customer, where);
		boolean keyIsConstant = tags.values().stream().allMatch(MeteredMethodFactory::isLiteral)
				&& (customer == null || isLiteral(customer));
		return new MeteredUsageBinding(annotation.dimension(), method, this.capture, annotation.when(), condition,
				(constantQuantity != null) ? constantQuantity : 0, quantity, keyIsConstant ? key : null, tags,
				customer);
	}

	private static Long constantQuantity(String quantity, String where) {
		long value;
		try {
			value = Long.parseLong(quantity.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
		if (value < 0) {
			throw new InvalidMeteredUsageException(where + ": quantity " + value + " must be at least 0", null);
		}
		return value;
	}

	private static Map<String, Expression> tags(MeteredUsage.Tag[] tags, SpelExpressionParser parser, String where) {
		if (tags.length > MeteringLimits.TAGS_MAX) {
			throw new InvalidMeteredUsageException(where + ": tags (" + tags.length + " entries) must have at most "
					+ MeteringLimits.TAGS_MAX + " entries", null);
		}
		Map<String, Expression> expressions = new LinkedHashMap<>();
		for (MeteredUsage.Tag tag : tags) {
			Expression value = parse(parser, "tag \"" + tag.key() + "\" value", tag.value(), where);
			if (expressions.put(tag.key(), value) != null) {
				throw new InvalidMeteredUsageException(
						where + ": tag key \"" + tag.key() + "\" must be unique within the annotation", null);
			}
		}
		return expressions;
	}

	/**
	 * Validate the dimension and every constant tag and customer, with a placeholder for
	 * values known per call, and return the key they make.
	 */
	private UsageKey validateConstants(String dimension, Map<String, Expression> tags, Expression customer,
			String where) {
		Map<String, String> tagValues = new LinkedHashMap<>();
		tags.forEach((key, expression) -> tagValues.put(key, constantOrPlaceholder(expression)));
		try {
			// a customer given per call may be a MarketplaceCustomer: validated per call
			return this.capture.validatedKey(dimension, tagValues,
					(customer != null && isLiteral(customer)) ? constantOrPlaceholder(customer) : null);
		}
		catch (InvalidMeteringRequestException ex) {
			throw new InvalidMeteredUsageException(where + ": " + String.join("; ", ex.violations()), ex);
		}
	}

	private static Expression parse(SpelExpressionParser parser, String what, String expression, String where) {
		try {
			return parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw new InvalidMeteredUsageException(
					where + ": " + what + " expression \"" + expression + "\" does not parse: " + ex.getMessage(), ex);
		}
	}

	private static boolean isLiteral(Expression expression) {
		return expression instanceof SpelExpression spel && spel.getAST() instanceof Literal;
	}

	private static String constantOrPlaceholder(Expression expression) {
		if (!isLiteral(expression)) {
			return PER_CALL_PLACEHOLDER;
		}
		Object value = ((Literal) ((SpelExpression) expression).getAST()).getLiteralValue().getValue();
		return (value != null) ? value.toString() : null;
	}

	private String[][] argumentVariables(Method method) {
		String[] names = this.parameterNameDiscoverer.getParameterNames(method);
		String[][] variables = new String[method.getParameterCount()][];
		for (int i = 0; i < variables.length; i++) {
			variables[i] = (names != null) ? new String[] { names[i], "p" + i, "a" + i }
					: new String[] { "p" + i, "a" + i };
		}
		return variables;
	}

	private static String describe(Method method, Class<?> userClass) {
		return userClass.getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

}
