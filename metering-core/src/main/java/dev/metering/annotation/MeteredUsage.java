package dev.metering.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bills each call of a method as usage of a dimension of the AWS Marketplace product.
 * <p>
 * Expressions are SpEL over the method arguments, by parameter name ({@code #request},
 * which needs classes compiled with {@code -parameters}) or by position ({@code #p0},
 * {@code #a0}), over {@code #result} (the return value, or the completion value of a
 * returned {@link java.util.concurrent.CompletionStage} or {@code Mono}), over
 * {@code #count} (the elements a returned {@code Flux} emitted) and, after a failure,
 * over {@code #exception}. Constants are literals: {@code "10"}, {@code "'gold'"}.
 * <p>
 * Repeatable: one method may bill several dimensions. It is found where Spring finds
 * {@code @Transactional}. For each dimension the nearest declaration wins, in this order:
 * <ol>
 * <li>on the method of the bean's class;</li>
 * <li>on a method it overrides or implements, in a superclass or an interface;</li>
 * <li>on the class that declares the method (then it applies to the class's public
 * methods);</li>
 * <li>on a superclass or interface of that class, for the public methods that type
 * declares.</li>
 * </ol>
 * Two different declarations of one dimension at the same level (say on two interfaces
 * the class implements) are refused at startup. The dimension, constant tags and every
 * expression are validated at startup.
 * <p>
 * Only calls through the Spring proxy are billed: a public, non-final method of a Spring
 * bean, called through the bean (not through {@code this}). A returned
 * {@link java.util.concurrent.CompletionStage} is billed when it completes, a reactive
 * type (Reactor's {@code Mono} and {@code Flux}, and whatever Spring's
 * {@code ReactiveAdapterRegistry} adapts) when the publisher completes, once per
 * subscription, and never when it is cancelled first; for a {@code Flux}, {@code #count}
 * is the number of elements. Recording never breaks the call: a failure while recording
 * is logged and counted.
 *
 * @author metering-spring-boot
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(MeteredUsages.class)
public @interface MeteredUsage {

	/**
	 * The dimension name, as defined in the product's pricing.
	 * @return the dimension name
	 */
	String dimension();

	/**
	 * The quantity: a SpEL expression giving a whole number of at least 0, for example
	 * {@code "#files.size()"} or {@code "#result.pages"}.
	 * @return the quantity expression
	 */
	String quantity() default "1";

	/**
	 * The allocation tags, at most 5, with distinct keys.
	 * @return the tags
	 */
	Tag[] tags() default {};

	/**
	 * The customer the usage is billed to (SaaS products): a SpEL expression giving a
	 * {@link dev.metering.core.MarketplaceCustomer} (license integration, the default),
	 * or a {@code String} customer identifier or AWS account id (legacy integration, see
	 * {@code aws.marketplace.metering.saas.integration}). Empty for the product's own
	 * usage.
	 * @return the customer expression, or empty
	 */
	String customer() default "";

	/**
	 * Which outcomes of the call are billed.
	 * @return the outcomes billed
	 */
	When when() default When.SUCCESS;

	/**
	 * A SpEL condition that further restricts the outcomes {@link #when()} admits; usage
	 * is recorded only when it is {@code true}. It sees {@code #result} and, with
	 * {@link When#ALWAYS} after a failure, {@code #exception}. Empty for no condition.
	 * @return the condition expression, or empty
	 */
	String condition() default "";

	/**
	 * Which outcomes of a call are billed.
	 */
	enum When {

		/**
		 * Only calls that return normally (or whose returned stage or publisher completes
		 * normally).
		 */
		SUCCESS,

		/**
		 * Every call, also those that throw (or whose returned stage or publisher
		 * completes with an error); never a publisher cancelled before it completed.
		 */
		ALWAYS

	}

	/**
	 * An allocation tag.
	 */
	@Target({})
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface Tag {

		/**
		 * The tag key: 1..100 characters of {@code [a-zA-Z0-9+ -=._:/@]}.
		 * @return the key
		 */
		String key();

		/**
		 * The tag value: a SpEL expression, for example {@code "#request.team"}, or a
		 * string literal such as {@code "'gold'"} for a constant.
		 * @return the value expression
		 */
		String value();

	}

}
