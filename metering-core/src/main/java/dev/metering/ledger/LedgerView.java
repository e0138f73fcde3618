package dev.metering.ledger;

import java.time.Instant;
import java.util.List;

/**
 * A consistent view of a {@link UsageLedger}, for health, metrics and the actuator
 * endpoint.
 *
 * @param openUsage the usage of hours not sealed yet, per key and hour
 * @param reports the reports still kept (pending, and final ones not compacted yet),
 * oldest hour first
 * @param sealedBefore the instant before which every hour is sealed, or {@code null}
 * @author metering-spring-boot
 */
public record LedgerView(List<OpenUsage> openUsage, List<UsageReport> reports, Instant sealedBefore) {

	/**
	 * Usage of an hour that is not sealed yet.
	 *
	 * @param key what the usage is for
	 * @param hour the start of the hour
	 * @param quantity the quantity so far
	 */
	public record OpenUsage(UsageKey key, Instant hour, long quantity) {

	}

}
