package dev.metering.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.metering.reporting.AcceptanceWindow;

/**
 * What an operator and the health need to know of the fleet: the shared ledger's
 * {@link FleetStatus} and this replica's publishing.
 * <p>
 * A problem (health {@code DOWN}) when this replica has not published for three flush
 * intervals (the database is down or unreachable: its usage piles up in the local
 * ledger), or when reports are pending and no leader reported within their acceptance
 * window: none has run for three lease durations, or the oldest pending hour is within
 * the expiry warning of leaving the window. The fleet's open dead letters are a detail,
 * their count and the oldest, not a problem: an operator acknowledges or replays them.
 * Other replicas' silence shows in the status, not as a problem of this one: a replica
 * killed and not replaced would otherwise hold every replica down.
 *
 * @author metering-spring-boot
 */
public class FleetMonitor {

	private static final int MISSED_FLUSHES = 3;

	private final FleetLedger ledger;

	private final FleetPublisher publisher;

	private final Duration flushInterval;

	private final Duration leaseDuration;

	private final Duration expiryWarning;

	private final Clock clock;

	private final Instant started;

	/**
	 * Create the monitor of one replica.
	 * @param ledger the shared ledger
	 * @param publisher this replica's publisher
	 * @param flushInterval how often it publishes
	 * @param leaseDuration how long the reporter's lease lasts
	 * @param expiryWarning how long before a pending hour leaves the acceptance window
	 * the health is {@code DOWN}
	 * @param clock this replica's clock
	 */
	public FleetMonitor(FleetLedger ledger, FleetPublisher publisher, Duration flushInterval, Duration leaseDuration,
			Duration expiryWarning, Clock clock) {
		this.ledger = ledger;
		this.publisher = publisher;
		this.flushInterval = flushInterval;
		this.leaseDuration = leaseDuration;
		this.expiryWarning = expiryWarning;
		this.clock = clock;
		this.started = clock.instant();
	}

	/**
	 * Read the fleet's status from the shared ledger.
	 * @return the status
	 */
	public FleetStatus status() {
		return this.ledger.status();
	}

	/**
	 * Return the fleet's shared ledger.
	 * @return the shared ledger
	 */
	public FleetLedger getLedger() {
		return this.ledger;
	}

	/**
	 * Check the fleet for the health.
	 * @param problems collects the problems found
	 * @return the details to show
	 */
	public Map<String, Object> check(List<String> problems) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("replicaId", this.publisher.getReplicaId());
		Instant lastPublish = this.publisher.getLastPublish();
		details.put("lastPublish", lastPublish);
		details.put("clockSkewMillis", this.publisher.getClockSkew().toMillis());
		Instant now = this.clock.instant();
		Instant due = ((lastPublish != null) ? lastPublish : this.started)
			.plus(this.flushInterval.multipliedBy(MISSED_FLUSHES));
		if (now.isAfter(due)) {
			problems.add("this replica has not published its usage to the shared ledger since "
					+ ((lastPublish != null) ? lastPublish : "it started") + " (" + MISSED_FLUSHES
					+ " flush intervals of " + this.flushInterval + "); it stays in the local ledger");
		}
		FleetStatus status;
		try {
			status = this.ledger.status();
		}
		catch (RuntimeException ex) {
			details.put("error", ex.getMessage());
			return details;
		}
		details.put("leader", status.leader());
		details.put("lastLeaderReport", status.lastReport());
		details.put("pendingHours", status.pendingHours().size());
		details.put("deadLetters", status.deadLetters());
		if (!status.pendingHours().isEmpty()) {
			Instant lastReport = status.lastReport();
			if (lastReport == null || status.now().isAfter(lastReport.plus(this.leaseDuration.multipliedBy(3)))) {
				problems.add("no replica has reported the fleet's usage since " + lastReport + ": "
						+ status.pendingHours().size() + " hours are pending");
			}
			Instant oldest = status.pendingHours().get(0).hour();
			Instant closes = AcceptanceWindow.batchMeterUsageClosesAt(oldest);
			if (!status.now().isBefore(closes.minus(this.expiryWarning))) {
				problems.add("the fleet's usage of hour " + oldest + " is still pending and leaves the acceptance "
						+ "window at " + closes);
			}
		}
		if (status.oldestDeadLetter() != null) {
			details.put("oldestDeadLetter", status.oldestDeadLetter());
		}
		return details;
	}

}
