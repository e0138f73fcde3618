package dev.metering.core;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.limits.MeteringLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
 * <p>
 * When the ledger can neither write usage nor hold it in memory (a full disk, past the
 * hold limit), the usage is lost and counted so by the ledger; the call then goes on with
 * a WARN ({@link OnFailure#HOLD}, the default) or throws
 * {@link UsageNotRecordedException} ({@link OnFailure#FAIL}).
 * <p>
 * It also counts the quantity recorded per dimension since it was created, for metrics;
 * see {@link #recordedQuantity} and {@link #onNewDimension}.
 *
 * @author metering-spring-boot
 */
public class UsageCapture {

	private static final Log logger = LogFactory.getLog(UsageCapture.class);

	private static final String OPERATION = "usage record";

	private static final int CUSTOMER_MIN = 1;

	private static final int DISPLAYED_VALUE_MAX = 40;

	private final UsageLedger ledger;

	private final Set<String> allowedDimensions;

	private final SaasIntegration integration;

	private final Map<String, LongAdder> recorded = new ConcurrentHashMap<>();

	private final List<Consumer<String>> newDimensionListeners = new CopyOnWriteArrayList<>();

	private final OnFailure onFailure;

	private final AtomicLong failures = new AtomicLong();

	/**
	 * Create a new capture for a product of the {@link SaasIntegration#LICENSE license}
	 * integration that holds usage the ledger cannot write.
	 * @param ledger the ledger usage is recorded into
	 * @param allowedDimensions the dimension names usage may be recorded for, empty to
	 * allow any name the service model accepts
	 */
	public UsageCapture(UsageLedger ledger, Set<String> allowedDimensions) {
		this(ledger, allowedDimensions, SaasIntegration.LICENSE);
	}

	/**
	 * Create a new capture that holds usage the ledger cannot write.
	 * @param ledger the ledger usage is recorded into
	 * @param allowedDimensions the dimension names usage may be recorded for, empty to
	 * allow any name the service model accepts
	 * @param integration the integration customers' usage must belong to
	 */
	public UsageCapture(UsageLedger ledger, Set<String> allowedDimensions, SaasIntegration integration) {
		this(ledger, allowedDimensions, integration, OnFailure.HOLD);
	}

	/**
	 * Create a new capture.
	 * @param ledger the ledger usage is recorded into
	 * @param allowedDimensions the dimension names usage may be recorded for, empty to
	 * allow any name the service model accepts
	 * @param integration the integration customers' usage must belong to
	 * @param onFailure what a call does when the ledger can neither write nor hold its
	 * usage
	 */
	public UsageCapture(UsageLedger ledger, Set<String> allowedDimensions, SaasIntegration integration,
			OnFailure onFailure) {
		Assert.notNull(ledger, "'ledger' must not be null");
		Assert.notNull(allowedDimensions, "'allowedDimensions' must not be null");
		Assert.notNull(integration, "'integration' must not be null");
		Assert.notNull(onFailure, "'onFailure' must not be null");
		this.ledger = ledger;
		this.onFailure = onFailure;
		this.allowedDimensions = Set.copyOf(allowedDimensions);
		this.integration = integration;
		this.allowedDimensions.forEach((dimension) -> this.recorded.put(dimension, new LongAdder()));
	}

	/**
	 * Return the integration customers' usage must belong to.
	 * @return the integration
	 */
	public SaasIntegration getIntegration() {
		return this.integration;
	}

	/**
	 * Validate the arguments and record a quantity of usage. A customer given as a string
	 * belongs to the {@link SaasIntegration#LEGACY legacy} integration.
	 * @param dimension the dimension name
	 * @param quantity the quantity, at least 0
	 * @param tags the allocation tags, at most 5; {@code null} or empty when untagged
	 * @param customer the customer identifier or AWS account id (SaaS products), or
	 * {@code null} for the product's own usage
	 * @throws InvalidMeteringRequestException if an argument breaks a rule, or the
	 * integration is {@link SaasIntegration#LICENSE license}
	 * @throws UsageNotRecordedException if the ledger could neither write nor hold the
	 * usage, with {@link OnFailure#FAIL}
	 */
	public void record(String dimension, long quantity, Map<String, String> tags, String customer) {
		List<String> violations = quantityViolations(quantity);
		violations.addAll(keyViolations(dimension, tags, customer));
		if (!violations.isEmpty()) {
			throw new InvalidMeteringRequestException(OPERATION, violations);
		}
		recordIntoLedger(UsageKey.of(dimension, customer, tags), quantity);
	}

	/**
	 * Validate the arguments and record a quantity of usage billed to a customer.
	 * @param dimension the dimension name
	 * @param quantity the quantity, at least 0
	 * @param tags the allocation tags, at most 5; {@code null} or empty when untagged
	 * @param customer the customer, of the configured integration
	 * @throws InvalidMeteringRequestException if an argument breaks a rule, or the
	 * customer is of the other integration
	 */
	public void recordForCustomer(String dimension, long quantity, Map<String, String> tags,
			MarketplaceCustomer customer) {
		List<String> violations = quantityViolations(quantity);
		violations.addAll(keyViolations(dimension, tags, customer));
		if (!violations.isEmpty()) {
			throw new InvalidMeteringRequestException(OPERATION, violations);
		}
		recordIntoLedger(UsageKey.of(dimension, customer.getCustomer(), customer.getLicenseArn(), tags), quantity);
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
	 * @throws UsageNotRecordedException if the ledger could neither write nor hold the
	 * usage, with {@link OnFailure#FAIL}
	 */
	public void recordValidated(UsageKey validatedKey, long quantity) {
		if (quantity < 0) {
			throw new InvalidMeteringRequestException(OPERATION, quantityViolations(quantity));
		}
		recordIntoLedger(validatedKey, quantity);
	}

	private void recordIntoLedger(UsageKey key, long quantity) {
		try {
			this.ledger.record(key, quantity);
		}
		catch (UncheckedIOException ex) {
			if (this.onFailure == OnFailure.FAIL) {
				throw new UsageNotRecordedException(ex.getMessage(), ex);
			}
			long count = this.failures.incrementAndGet();
			if (Long.bitCount(count) == 1 && logger.isWarnEnabled()) {
				logger.warn(ex.getMessage() + " (" + count + " usage records lost so far)", ex);
			}
			return;
		}
		count(key.dimension(), quantity);
	}

	/**
	 * Return how many records of usage the ledger could neither write nor hold and this
	 * capture let the call go on without ({@link OnFailure#HOLD}); with
	 * {@link OnFailure#FAIL} the caller gets the failure instead.
	 * @return the number of records lost since this capture was created
	 */
	public long getFailureCount() {
		return this.failures.get();
	}

	/**
	 * Return the quantity recorded for a dimension since this capture was created.
	 * @param dimension the dimension name
	 * @return the quantity, 0 for a dimension never recorded
	 */
	public long recordedQuantity(String dimension) {
		LongAdder quantity = this.recorded.get(dimension);
		return (quantity != null) ? quantity.sum() : 0;
	}

	/**
	 * Return the quantity recorded per dimension since this capture was created; the
	 * configured dimensions are present from the start.
	 * @return the quantities, by dimension name
	 */
	public Map<String, Long> recordedQuantities() {
		Map<String, Long> quantities = new TreeMap<>();
		this.recorded.forEach((dimension, quantity) -> quantities.put(dimension, quantity.sum()));
		return quantities;
	}

	/**
	 * Call a listener with the name of each dimension recorded for the first time from
	 * now on (the configured dimensions are known from the start; see
	 * {@link #recordedQuantities()}). A listener that fails is logged and ignored.
	 * @param listener the listener
	 */
	public void onNewDimension(Consumer<String> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.newDimensionListeners.add(listener);
	}

	private void count(String dimension, long quantity) {
		LongAdder counted = this.recorded.get(dimension);
		if (counted == null) {
			LongAdder created = new LongAdder();
			counted = this.recorded.putIfAbsent(dimension, created);
			if (counted == null) {
				counted = created;
				newDimension(dimension);
			}
		}
		counted.add(quantity);
	}

	private void newDimension(String dimension) {
		for (Consumer<String> listener : this.newDimensionListeners) {
			try {
				listener.accept(dimension);
			}
			catch (RuntimeException ex) {
				logger.warn("Listener of new dimension '" + dimension + "' failed", ex);
			}
		}
	}

	private List<String> quantityViolations(long quantity) {
		List<String> violations = new ArrayList<>();
		if (quantity < 0) {
			violations.add("quantity " + quantity + " must be at least 0");
		}
		else if (quantity > UsageLedger.MAX_RECORD_QUANTITY) {
			violations.add("quantity " + quantity + " must be at most " + UsageLedger.MAX_RECORD_QUANTITY);
		}
		return violations;
	}

	private List<String> keyViolations(String dimension, Map<String, String> tags, MarketplaceCustomer customer) {
		List<String> violations = keyViolations(dimension, tags, (String) null);
		if (customer == null) {
			violations.add("customer is required");
		}
		else if (customer.getIntegration() != this.integration) {
			violations.add("customer " + customer + " must be of the " + name(this.integration) + " integration set by "
					+ SaasIntegration.PROPERTY + "=" + name(this.integration));
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
			if (tags.size() > MeteringLimits.TAGS_MAX) {
				violations.add(
						"tags (" + tags.size() + " entries) must have at most " + MeteringLimits.TAGS_MAX + " entries");
			}
			tags.forEach((key, value) -> violations
				.addAll(MeteringRequestValidator.tagViolations("tags[" + key + "]", key, value)));
		}
		if (customer != null) {
			int length = customer.codePointCount(0, customer.length());
			if (length < CUSTOMER_MIN || length > MeteringLimits.CUSTOMER_IDENTIFIER_MAX) {
				violations.add("customer " + quote(customer) + " must be " + CUSTOMER_MIN + ".."
						+ MeteringLimits.CUSTOMER_IDENTIFIER_MAX + " characters, or null for the product's own usage");
			}
			else if (this.integration == SaasIntegration.LICENSE) {
				violations.add("customer " + quote(customer) + " has no license: with " + SaasIntegration.PROPERTY + "="
						+ name(SaasIntegration.LICENSE) + " record with MarketplaceCustomer.license(awsAccountId, "
						+ "licenseArn), or set " + SaasIntegration.PROPERTY + "=" + name(SaasIntegration.LEGACY));
			}
		}
		return violations;
	}

	private static String name(SaasIntegration integration) {
		return integration.name().toLowerCase(Locale.ROOT);
	}

	private static String quote(String value) {
		int length = value.codePointCount(0, value.length());
		if (length <= DISPLAYED_VALUE_MAX) {
			return "\"" + value + "\"";
		}
		return "\"" + value.substring(0, value.offsetByCodePoints(0, DISPLAYED_VALUE_MAX - 3)) + "...\" (" + length
				+ " characters)";
	}

	/**
	 * What a call does when the ledger can neither write its usage nor hold it in memory
	 * (past the hold limit, or with a hold limit of 0).
	 */
	public enum OnFailure {

		/**
		 * Hold usage in memory up to the ledger's hold limit; past it, log and count the
		 * usage as lost, and let the call succeed.
		 */
		HOLD,

		/**
		 * Throw {@link UsageNotRecordedException} from the call, so the application can
		 * refuse work it cannot bill; the ledger holds nothing in memory then.
		 */
		FAIL

	}

}
