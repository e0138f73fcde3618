package dev.metering.fleet;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database's clock: every replica closes hours and judges leases by this one clock,
 * whatever its own says. Each reading is one query.
 *
 * @author metering-spring-boot
 */
public class DatabaseClock extends Clock {

	private final JdbcClient jdbc;

	/**
	 * Create the clock of a database.
	 * @param dataSource the database
	 */
	public DatabaseClock(DataSource dataSource) {
		this.jdbc = JdbcClient.create(dataSource);
	}

	@Override
	public Instant instant() {
		return this.jdbc.sql("select clock_timestamp()").query(OffsetDateTime.class).single().toInstant();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("The database clock is UTC");
	}

}
