package dev.metering.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * The reporter's lease: a row in the shared ledger naming the one replica that reports
 * the fleet's customers' usage, and until when, on the database's clock. The leader
 * renews it; when the leader stops renewing (it died, or lost the database), any replica
 * takes it over once it expired. A row, not an advisory lock, so that it survives pooled
 * connections and is judged by one clock.
 *
 * @author metering-spring-boot
 */
public class FleetLease {

	private final JdbcClient jdbc;

	private final String table;

	private final Clock databaseClock;

	private final String replicaId;

	private final Duration duration;

	/**
	 * Create the lease of one replica.
	 * @param dataSource the shared ledger's database
	 * @param schema its tables
	 * @param databaseClock the database's clock ({@link DatabaseClock})
	 * @param replicaId the replica that wants to lead
	 * @param duration how long a lease lasts without renewal: the longest a dead leader
	 * keeps the others from reporting
	 */
	public FleetLease(DataSource dataSource, FleetSchema schema, Clock databaseClock, String replicaId,
			Duration duration) {
		Assert.isTrue(duration != null && !duration.isNegative() && !duration.isZero(),
				() -> "'duration' must be positive, was " + duration);
		this.jdbc = JdbcClient.create(dataSource);
		this.table = schema.table("fleet");
		this.databaseClock = databaseClock;
		this.replicaId = replicaId;
		this.duration = duration;
	}

	/**
	 * Take or renew the lease: it succeeds when this replica holds it, nobody does, or
	 * the holder's lease expired.
	 * @return whether this replica leads until the lease's new end
	 */
	public boolean acquire() {
		Instant now = this.databaseClock.instant();
		return this.jdbc
			.sql("update " + this.table + " set leader = :me, lease_until = :until where id = 1 and (leader is null "
					+ "or leader = :me or lease_until <= :now)")
			.param("me", this.replicaId)
			.param("until", Timestamps.of(now.plus(this.duration)))
			.param("now", Timestamps.of(now))
			.update() == 1;
	}

	/**
	 * Note that the leader ran a report, for the health.
	 */
	public void reported() {
		this.jdbc.sql("update " + this.table + " set last_report = :now where id = 1 and leader = :me")
			.param("now", Timestamps.of(this.databaseClock.instant()))
			.param("me", this.replicaId)
			.update();
	}

	/**
	 * Give the lease up, if this replica holds it, so another takes over at once.
	 */
	public void release() {
		this.jdbc.sql("update " + this.table + " set leader = null, lease_until = null where id = 1 and leader = :me")
			.param("me", this.replicaId)
			.update();
	}

	/**
	 * Return how long a lease lasts without renewal.
	 * @return the duration
	 */
	public Duration getDuration() {
		return this.duration;
	}

	/**
	 * Return the replica this lease belongs to.
	 * @return the replica id
	 */
	public String getReplicaId() {
		return this.replicaId;
	}

}
