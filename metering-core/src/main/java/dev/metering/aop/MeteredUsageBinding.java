package dev.metering.aop;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.metering.annotation.MeteredUsage.When;
import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageKey;

import org.springframework.expression.Expression;

/**
 * One {@code @MeteredUsage} of a method, resolved at startup: parsed expressions, the
 * constant quantity and, when the tags and the customer are constant, the key validated
 * once.
 *
 * @author metering-spring-boot
 */
final class MeteredUsageBinding {

	private final String dimension;

	private final String method;

	private final UsageCapture capture;

	private final When when;

	private final Expression condition;

	private final long constantQuantity;

	private final Expression quantity;

	private final UsageKey validatedKey;

	private final Map<String, Expression> tags;

	private final Expression customer;

	/**
	 * Create a dimension.
	 * @param dimension the dimension name
	 * @param method the annotated method, for messages
	 * @param capture the capture that validated the constant parts
	 * @param when the outcomes billed
	 * @param condition the condition, or {@code null}
	 * @param constantQuantity the quantity when {@code quantity} is {@code null}
	 * @param quantity the quantity expression, or {@code null} when constant
	 * @param validatedKey the key when tags and customer are constant, otherwise
	 * {@code null}
	 * @param tags the tag value expressions per key, used without a validated key
	 * @param customer the customer expression, or {@code null} for the product's own
	 * usage; used without a validated key
	 */
	MeteredUsageBinding(String dimension, String method, UsageCapture capture, When when, Expression condition,
			long constantQuantity, Expression quantity, UsageKey validatedKey, Map<String, Expression> tags,
			Expression customer) {
		this.dimension = dimension;
		this.method = method;
		this.capture = capture;
		this.when = when;
		this.condition = condition;
		this.constantQuantity = constantQuantity;
		this.quantity = quantity;
		this.validatedKey = validatedKey;
		this.tags = tags;
		this.customer = customer;
	}

	String dimension() {
		return this.dimension;
	}

	String method() {
		return this.method;
	}

	/**
	 * Record the usage of a call if its outcome is billed.
	 * @param invocation the call
	 * @throws RuntimeException if an expression fails or the capture refuses the usage
	 */
	void recordIfBilled(MeteredInvocation invocation) {
		if (!isBilled(invocation)) {
			return;
		}
		long quantity = quantity(invocation);
		if (this.validatedKey != null) {
			this.capture.recordValidated(this.validatedKey, quantity);
		}
		else {
			Object customer = customer(invocation);
			if (customer instanceof MarketplaceCustomer marketplaceCustomer) {
				this.capture.recordForCustomer(this.dimension, quantity, tags(invocation), marketplaceCustomer);
			}
			else {
				this.capture.record(this.dimension, quantity, tags(invocation), (String) customer);
			}
		}
	}

	private boolean isBilled(MeteredInvocation invocation) {
		if (invocation.failed() && this.when == When.SUCCESS) {
			return false;
		}
		return this.condition == null
				|| Boolean.TRUE.equals(this.condition.getValue(invocation.context(), Boolean.class));
	}

	private long quantity(MeteredInvocation invocation) {
		if (this.quantity == null) {
			return this.constantQuantity;
		}
		Object value = this.quantity.getValue(invocation.context());
		if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof Number number) {
			try {
				return new BigDecimal(number.toString()).longValueExact();
			}
			catch (NumberFormatException | ArithmeticException ex) {
				throw notWholeNumber(value);
			}
		}
		throw notWholeNumber(value);
	}

	private IllegalArgumentException notWholeNumber(Object value) {
		String type = (value != null) ? " (" + value.getClass().getName() + ")" : "";
		return new IllegalArgumentException("quantity expression \"" + this.quantity.getExpressionString()
				+ "\" returned " + value + type + ", which is not a whole number");
	}

	private Map<String, String> tags(MeteredInvocation invocation) {
		Map<String, String> values = new LinkedHashMap<>();
		this.tags.forEach((key, expression) -> {
			Object value = expression.getValue(invocation.context());
			values.put(key, (value != null) ? value.toString() : null);
		});
		return values;
	}

	private Object customer(MeteredInvocation invocation) {
		if (this.customer == null) {
			return null;
		}
		Object value = this.customer.getValue(invocation.context());
		if (value == null) {
			throw new IllegalArgumentException(
					"customer expression \"" + this.customer.getExpressionString() + "\" returned null");
		}
		return (value instanceof MarketplaceCustomer) ? value : value.toString();
	}

}
