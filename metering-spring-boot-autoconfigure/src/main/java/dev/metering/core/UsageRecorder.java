package dev.metering.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;

import org.springframework.util.Assert;

/**
 * Records usage into the {@link UsageLedger}: the one entry point of the programmatic API
 * and of the {@code @MeteredUsage} aspect.
 * <p>
 * {@link #record(String, long, Map, String)} validates its arguments against the service
 * model and the configured dimensions and fails fast with an
 * {@link InvalidMeteringRequestException} naming the field, the value and the rule.
 * Callers that validated a key once, at startup, use {@link #validatedKey} and then
 * {@link #recordValidated}, which skips the validation on the hot path.
 *
 * @author metering-spring-boot
 */
public class UsageRecorder {

	private static final String OPERATION = "usage record";

	private static final int TAGS_MAX = 5;

	private static final int CUSTOMER_MIN = 1;

	private static final int CUSTOMER_MAX = 255;

	private static final int DISPLAYED_VALUE_MAX = 40;

	private final UsageLedger ledger;

	private final Set<String> allowedDimensions;

	/**
	 * Create a new recorder.
	 * @param ledger the ledger usage is recorded into
	 * @param allowedDimensions the dimension names usage may be recorded for, empty to
	 * allow any name the service model accepts
	 */
	public UsageRecorder(UsageLedger ledger, Set<String> allowedDimensions) {
		Assert.notNull(ledger, "'ledger' must not be null");
		Assert.notNull(allowedDimensions, "'allowedDimensions' must not be null");
		this.ledger = ledger;
		this.allowedDimensions = Set.copyOf(allowedDimensions);
	}

	/**
	 * Validate the arguments and record a quantity of usage.
	 * @param dimension the dimension name
	 * @param quantity the quantity, at least 0
	 * @param tags the allocation tags, at most 5; {@code null} or empty when untagged
	 * @param customer the customer identifier or AWS account id (SaaS products), or
	 * {@code null} for the product's own usage
	 * @throws InvalidMeteringRequestException if an argument breaks a rule
	 */
	public void record(String dimension, long quantity, Map<String, String> tags, String customer) {
		List<String> violations = quantityViolations(quantity);
		violations.addAll(keyViolations(dimension, tags, customer));
		if (!violations.isEmpty()) {
			throw new InvalidMeteringRequestException(OPERATION, violations);
		}
		this.ledger.record(UsageKey.of(dimension, customer, tags), quantity);
	}

	/**
	 * Validate what usage is for, once, and return the key to pass to
	 * {@link #recordValidated}.
	 * @param dimension the dimension name
	 * @param tags the allocation tags, at most 5; {@code null} or empty when untagged
	 * @param customer the customer, or {@code null} for the product's own usage
	 * @return the key
	 * @throws InvalidMeteringRequestException if an argument breaks a rule
	 */
	public UsageKey validatedKey(String dimension, Map<String, String> tags, String customer) {
		List<String> violations = keyViolations(dimension, tags, customer);
		if (!violations.isEmpty()) {
			throw new InvalidMeteringRequestException(OPERATION, violations);
		}
		return UsageKey.of(dimension, customer, tags);
	}

	/**
	 * Record a quantity of usage for a key returned by {@link #validatedKey}, without
	 * validating the key again.
	 * @param validatedKey a key returned by {@link #validatedKey}
	 * @param quantity the quantity, at least 0
	 * @throws InvalidMeteringRequestException if the quantity is negative
	 */
	public void recordValidated(UsageKey validatedKey, long quantity) {
		if (quantity < 0) {
			throw new InvalidMeteringRequestException(OPERATION, quantityViolations(quantity));
		}
		this.ledger.record(validatedKey, quantity);
	}

	private List<String> quantityViolations(long quantity) {
		List<String> violations = new ArrayList<>();
		if (quantity < 0) {
			violations.add("quantity " + quantity + " must be at least 0");
		}
		return violations;
	}

	private List<String> keyViolations(String dimension, Map<String, String> tags, String customer) {
		List<String> violations = new ArrayList<>(MeteringRequestValidator.dimensionViolations("dimension", dimension));
		if (violations.isEmpty() && !this.allowedDimensions.isEmpty() && !this.allowedDimensions.contains(dimension)) {
			violations.add("dimension " + quote(dimension) + " must be one of the configured dimensions "
					+ new TreeSet<>(this.allowedDimensions));
		}
		if (tags != null) {
			if (tags.size() > TAGS_MAX) {
				violations.add("tags (" + tags.size() + " entries) must have at most " + TAGS_MAX + " entries");
			}
			tags.forEach((key, value) -> violations
				.addAll(MeteringRequestValidator.tagViolations("tags[" + key + "]", key, value)));
		}
		if (customer != null) {
			int length = customer.codePointCount(0, customer.length());
			if (length < CUSTOMER_MIN || length > CUSTOMER_MAX) {
				violations.add("customer " + quote(customer) + " must be " + CUSTOMER_MIN + ".." + CUSTOMER_MAX
						+ " characters, or null for the product's own usage");
			}
		}
		return violations;
	}

	private static String quote(String value) {
		int length = value.codePointCount(0, value.length());
		if (length <= DISPLAYED_VALUE_MAX) {
			return "\"" + value + "\"";
		}
		return "\"" + value.substring(0, value.offsetByCodePoints(0, DISPLAYED_VALUE_MAX - 3)) + "...\" (" + length
				+ " characters)";
	}

}
