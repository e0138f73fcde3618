package dev.metering.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a replica's cumulative totals into the shared ledger. Each total replaces the
 * replica's previous value for its key and hour (an upsert), so a flush replayed after a
 * crash or a lost commit counts once.
 *
 * @author metering-spring-boot
 */
final class Contributions {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final TransactionTemplate transaction;

	private final String upsert;

	private final String replicaPublished;

	Contributions(DataSource dataSource, FleetSchema schema) {
		this.jdbc = JdbcClient.create(dataSource);
		this.batch = new NamedParameterJdbcTemplate(dataSource);
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.upsert = "insert into " + schema.table("contribution")
				+ " (replica_id, hour, dimension, customer, license, tags, quantity)"
				+ " values (:replica, :hour, :dimension, :customer, :license, :tags, :quantity)"
				+ " on conflict (replica_id, hour, dimension, customer, license, tags)"
				+ " do update set quantity = excluded.quantity";
		this.replicaPublished = "insert into " + schema.table("replica")
				+ " (replica_id, reporting_identity, last_publish, clock_skew_millis)"
				+ " values (:replica, :identity, now(), :skew) on conflict (replica_id) do update"
				+ " set reporting_identity = excluded.reporting_identity, last_publish = excluded.last_publish,"
				+ " clock_skew_millis = excluded.clock_skew_millis";
	}

	/**
	 * Write totals and note the replica's publish, in one transaction.
	 * @param replicaId the replica
	 * @param reportingIdentity the replica's reporting identity, for operators
	 * @param totals the cumulative totals that changed
	 * @param localNow the replica's clock, compared with the database's
	 * @return how far the replica's clock is ahead of the database's (negative: behind)
	 */
	Duration publish(String replicaId, String reportingIdentity, Map<Contribution, Long> totals, Instant localNow) {
		return this.transaction.execute((status) -> {
			Instant databaseNow = this.jdbc.sql("select clock_timestamp()")
				.query(OffsetDateTime.class)
				.single()
				.toInstant();
			Duration skew = Duration.between(databaseNow, localNow);
			if (!totals.isEmpty()) {
				SqlParameterSource[] rows = totals.entrySet()
					.stream()
					.map((total) -> row(replicaId, total.getKey(), total.getValue()))
					.toArray(SqlParameterSource[]::new);
				this.batch.batchUpdate(this.upsert, rows);
			}
			this.jdbc.sql(this.replicaPublished)
				.param("replica", replicaId)
				.param("identity", reportingIdentity)
				.param("skew", skew.toMillis())
				.update();
			return skew;
		});
	}

	static MapSqlParameterSource row(String replicaId, Contribution contribution, long quantity) {
		return new MapSqlParameterSource().addValue("replica", replicaId)
			.addValue("hour", Timestamps.of(contribution.hour()))
			.addValue("dimension", contribution.key().dimension())
			.addValue("customer", contribution.key().customer())
			.addValue("license", (contribution.key().license() != null) ? contribution.key().license() : "")
			.addValue("tags", FleetCodec.tags(contribution.key().tags()))
			.addValue("quantity", quantity);
	}

}
