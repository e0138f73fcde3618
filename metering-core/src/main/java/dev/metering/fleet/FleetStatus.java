package dev.metering.fleet;

import java.time.Instant;
import java.util.List;

/**
 * The fleet as the shared ledger sees it, for operators and the health.
 *
 * @param now the database's clock when this was read
 * @param leader the replica holding the reporter's lease, or {@code null}
 * @param leaseUntil when that lease ends unless renewed, or {@code null}
 * @param lastReport when a leader last ran a report, or {@code null}
 * @param closedThrough the start of the last hour closed, or {@code null}
 * @param pendingHours the hours with reports still to be sent, oldest first
 * @param replicas each replica's last publish
 * @param deadLetters the number of open dead letters (not acknowledged nor replayed)
 * @param oldestDeadLetter when the oldest open dead letter was settled, or {@code null}
 * @param oldestDeadLetters the oldest open dead letters, oldest hour first, at most
 * {@value #DEAD_LETTERS_SHOWN}: their ids name them to the endpoint's acknowledge and
 * replay operations
 * @author metering-spring-boot
 */
public record FleetStatus(Instant now, String leader, Instant leaseUntil, Instant lastReport, Instant closedThrough,
		List<PendingHour> pendingHours, List<Replica> replicas, int deadLetters, Instant oldestDeadLetter,
		List<DeadLetter> oldestDeadLetters) {

	/** The most open dead letters the status lists. */
	public static final int DEAD_LETTERS_SHOWN = 100;

	/**
	 * The reports of one hour still to be sent.
	 *
	 * @param hour the start of the hour
	 * @param reports how many
	 * @param quantity their quantity
	 */
	public record PendingHour(Instant hour, int reports, long quantity) {

	}

	/**
	 * A replica's last publish.
	 *
	 * @param replicaId the replica's id
	 * @param reportingIdentity its reporting identity (host, task or pod)
	 * @param lastPublish when it last published, on the database's clock
	 * @param clockSkewMillis how far its clock was ahead of the database's then
	 */
	public record Replica(String replicaId, String reportingIdentity, Instant lastPublish, long clockSkewMillis) {

	}

	/**
	 * An open dead letter of the fleet: a report AWS refused for good, or one the fleet
	 * never sent (an account's legacy usage in an hour of license usage).
	 *
	 * @param id the report's id
	 * @param hour the start of its hour
	 * @param dimension the dimension
	 * @param customer the customer
	 * @param license the license ARN, or {@code null} for a legacy customer
	 * @param quantity its quantity
	 * @param reason why it is a dead letter
	 */
	public record DeadLetter(String id, Instant hour, String dimension, String customer, String license, long quantity,
			String reason) {

	}

}
