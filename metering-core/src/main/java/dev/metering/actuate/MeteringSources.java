package dev.metering.actuate;

import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.ReportingStatistics;
import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * What metering holds locally, as read by health, metrics and the endpoint: the ledger,
 * and when they exist, the reporter and the startup entitlement check. Reading it never
 * calls AWS.
 *
 * @author metering-spring-boot
 */
public final class MeteringSources {

	private final UsageLedger ledger;

	private final ReportOutbox outbox;

	private final UsageReporter reporter;

	private final EntitlementCheck entitlementCheck;

	/**
	 * Create a new state, with the outbox of the ledger when it is a
	 * {@link MeteringLedger}.
	 * @param ledger the usage ledger
	 * @param reporter the reporter, or {@code null} when reporting is off
	 * @param entitlementCheck the startup entitlement check, or {@code null} when off
	 */
	public MeteringSources(UsageLedger ledger, @Nullable UsageReporter reporter,
			@Nullable EntitlementCheck entitlementCheck) {
		this(ledger, (ledger instanceof MeteringLedger meteringLedger) ? meteringLedger.outbox() : null, reporter,
				entitlementCheck);
	}

	/**
	 * Create a new state.
	 * @param ledger the usage ledger
	 * @param outbox the ledger's outbox, or {@code null} if unknown
	 * @param reporter the reporter, or {@code null} when reporting is off
	 * @param entitlementCheck the startup entitlement check, or {@code null} when off
	 */
	public MeteringSources(UsageLedger ledger, @Nullable ReportOutbox outbox, @Nullable UsageReporter reporter,
			@Nullable EntitlementCheck entitlementCheck) {
		Assert.notNull(ledger, "'ledger' must not be null");
		this.ledger = ledger;
		this.outbox = outbox;
		this.reporter = reporter;
		this.entitlementCheck = entitlementCheck;
	}

	/**
	 * Return the usage ledger.
	 * @return the ledger
	 */
	public UsageLedger ledger() {
		return this.ledger;
	}

	/**
	 * Return the ledger's outbox, which lists the open dead letters without copying the
	 * ledger.
	 * @return the outbox, or {@code null} if unknown
	 */
	@Nullable
	public ReportOutbox outbox() {
		return this.outbox;
	}

	/**
	 * Return the reporter.
	 * @return the reporter, or {@code null} when reporting is off
	 */
	@Nullable
	public UsageReporter reporter() {
		return this.reporter;
	}

	/**
	 * Return the reporter's statistics.
	 * @return the statistics, or {@code null} when reporting is off
	 */
	@Nullable
	public ReportingStatistics statistics() {
		return (this.reporter != null) ? this.reporter.getStatistics() : null;
	}

	/**
	 * Return the last report cycle.
	 * @return the cycle, or {@code null} when reporting is off or has not run yet
	 */
	@Nullable
	public Cycle lastReport() {
		ReportingStatistics statistics = statistics();
		return (statistics != null) ? statistics.lastCycle() : null;
	}

	/**
	 * Return the result of the startup entitlement check.
	 * @return the status, or {@code null} when the check is off
	 */
	@Nullable
	public EntitlementStatus entitlement() {
		return (this.entitlementCheck != null) ? this.entitlementCheck.getStatus() : null;
	}

}
