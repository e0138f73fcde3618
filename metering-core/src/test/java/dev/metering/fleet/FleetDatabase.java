package dev.metering.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL that the test starts itself (about 2.5 s), one per test class. Each
 * test takes a schema of its own: fresh tables under a prefix of their own, in the same
 * database.
 */
final class FleetDatabase implements AutoCloseable {

	private static final AtomicInteger schemas = new AtomicInteger();

	private final EmbeddedPostgres postgres;

	private FleetDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	static FleetDatabase start() {
		try {
			return new FleetDatabase(EmbeddedPostgres.builder().start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	DataSource dataSource() {
		return this.postgres.getPostgresDatabase();
	}

	String jdbcUrl() {
		return this.postgres.getJdbcUrl("postgres", "postgres");
	}

	/**
	 * Create the tables of a new prefix.
	 * @return the schema
	 */
	FleetSchema newSchema() {
		FleetSchema schema = new FleetSchema("t" + schemas.incrementAndGet() + "_metering_");
		schema.create(dataSource());
		return schema;
	}

	@Override
	public void close() throws IOException {
		this.postgres.close();
	}

}
