package dev.metering.ledger;

import java.time.Clock;
import java.util.Collection;
import java.util.Set;

/**
 * A {@link MeteringLedger} held in memory only, for tests and for products that accept
 * the risk: <strong>everything it holds (open usage and unsent reports) is lost when the
 * process stops</strong>, gracefully or not. Use {@link FileUsageLedger} in production.
 * <p>
 * Sealed reports respect the service limits: an hour over 2,147,483,647 carries its
 * excess, per tag set, into the open hour; an hour with more than 2,500 tag sets folds
 * the smallest ones beyond that limit into the untagged allocation, so their quantity is
 * billed on time and only their tag attribution is lost.
 *
 * @author metering-spring-boot
 */
public class InMemoryUsageLedger extends MeteringLedger {

	/**
	 * Create a ledger with no zero-usage dimensions.
	 * @param clock the clock deciding the open hour
	 * @param productCode the product code, part of each report's client token
	 * @param reportingIdentity the identity reporting (instance, task, pod or seller),
	 * part of each report's client token
	 */
	public InMemoryUsageLedger(Clock clock, String productCode, String reportingIdentity) {
		this(clock, productCode, reportingIdentity, Set.of());
	}

	/**
	 * Create a ledger.
	 * @param clock the clock deciding the open hour
	 * @param productCode the product code, part of each report's client token
	 * @param reportingIdentity the identity reporting (instance, task, pod or seller),
	 * part of each report's client token
	 * @param zeroUsageDimensions the dimensions of the product's own usage that get a
	 * report for every hour this ledger is open, 0 when nothing was recorded
	 */
	public InMemoryUsageLedger(Clock clock, String productCode, String reportingIdentity,
			Collection<String> zeroUsageDimensions) {
		super(clock, productCode, reportingIdentity, 0, zeroUsageDimensions);
	}

	@Override
	void keyDefined(KeyRef key) {
	}

	@Override
	void append(KeyRef key, int hour, long quantity) {
	}

	@Override
	void persist(LedgerEvent event) {
	}

	@Override
	void sealed() {
	}

	@Override
	void closeResources() {
	}

}
