package dev.metering.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants to and from {@code timestamptz} columns, through {@link OffsetDateTime} so
 * that no JVM time zone takes part.
 *
 * @author metering-spring-boot
 */
final class Timestamps {

	private Timestamps() {
	}

	static OffsetDateTime of(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	static Instant read(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
