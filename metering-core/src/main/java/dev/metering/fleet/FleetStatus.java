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
 * @param deadLetters the number of dead letters
 * @param oldestDeadLetter when the oldest dead letter was settled, or {@code null}
 * @author metering-spring-boot
 */
public record FleetStatus(Instant now, String leader, Instant leaseUntil, Instant lastReport, Instant closedThrough,
		List<PendingHour> pendingHours, List<Replica> replicas, int deadLetters, Instant oldestDeadLetter) {

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

}
