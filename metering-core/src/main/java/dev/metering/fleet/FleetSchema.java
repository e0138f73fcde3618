package dev.metering.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.DatabasePopulatorUtils;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.util.StreamUtils;

/**
 * The tables of the shared ledger: their names (a configurable prefix, {@code metering_}
 * by default) and the schema that ships as plain SQL in
 * {@code dev/metering/fleet/schema-postgresql.sql}.
 *
 * @author metering-spring-boot
 */
public final class FleetSchema {

	/** The default prefix of the table names. */
	public static final String DEFAULT_PREFIX = "metering_";

	/** Where the schema ships, written with the default prefix. */
	public static final String LOCATION = "dev/metering/fleet/schema-postgresql.sql";

	private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

	private static final List<String> TABLES = List.of("contribution", "report", "replica", "fleet");

	private final String prefix;

	/**
	 * Create the schema of a table prefix.
	 * @param prefix the prefix of the table names
	 * @throws IllegalArgumentException if the prefix is not 1 to 40 lower-case letters,
	 * digits or underscores, starting with a letter or an underscore
	 */
	public FleetSchema(String prefix) {
		if (prefix == null || !PREFIX.matcher(prefix).matches()) {
			throw new IllegalArgumentException("'tablePrefix' is \"" + prefix + "\", but must be 1 to 40 lower-case "
					+ "letters, digits or underscores, starting with a letter or an underscore");
		}
		this.prefix = prefix;
	}

	/**
	 * Return the prefix of the table names.
	 * @return the prefix
	 */
	public String prefix() {
		return this.prefix;
	}

	String table(String name) {
		return this.prefix + name;
	}

	/**
	 * Return the schema script with this prefix.
	 * @return the SQL script
	 */
	public String script() {
		try {
			String script = StreamUtils.copyToString(new ClassPathResource(LOCATION).getInputStream(),
					StandardCharsets.UTF_8);
			return script.replace(DEFAULT_PREFIX, this.prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + LOCATION, ex);
		}
	}

	/**
	 * Create the tables that do not exist yet.
	 * @param dataSource the database
	 */
	public void create(DataSource dataSource) {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ByteArrayResource(script().getBytes(StandardCharsets.UTF_8)));
		DatabasePopulatorUtils.execute(populator, dataSource);
	}

	/**
	 * Return the tables of this schema that the database lacks.
	 * @param dataSource the database
	 * @return the names of the missing tables, empty when the schema is in place
	 */
	public List<String> missingTables(DataSource dataSource) {
		JdbcClient jdbc = JdbcClient.create(dataSource);
		return TABLES.stream()
			.map(this::table)
			.filter((table) -> jdbc.sql("select to_regclass(?) is null").param(table).query(Boolean.class).single())
			.toList();
	}

}
