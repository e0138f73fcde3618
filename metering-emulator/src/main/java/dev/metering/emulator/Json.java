package dev.metering.emulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.DecimalNode;

/**
 * Reading request members with the service model's rules; violations are answered as the
 * service would ({@code ValidationException}, or {@code SerializationException} for a
 * member of the wrong JSON type).
 */
final class Json {

	static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

	static final long MAX_INT = 2147483647L;

	private Json() {
	}

	static boolean present(JsonNode parent, String field) {
		JsonNode node = parent.get(field);
		return node != null && !node.isNull();
	}

	/**
	 * Return a member, or {@code null} when it is absent and optional.
	 */
	private static JsonNode member(JsonNode parent, String field, boolean required) {
		JsonNode node = parent.get(field);
		if (node != null && !node.isNull()) {
			return node;
		}
		if (required) {
			throw AwsException.validation("1 validation error detected: Value null at '" + field
					+ "' failed to satisfy constraint: Member must not be null");
		}
		return null;
	}

	static String string(JsonNode parent, String field, boolean required, int min, int max, Pattern pattern) {
		JsonNode node = member(parent, field, required);
		if (node == null) {
			return null;
		}
		if (!node.isTextual()) {
			throw AwsException.serialization("Member '" + field + "' must be a string, got " + node.getNodeType());
		}
		String value = node.asText();
		int length = value.codePointCount(0, value.length());
		if (length < min) {
			throw AwsException.validation("1 validation error detected: Value '" + value + "' at '" + field
					+ "' failed to satisfy constraint: Member must have length greater than or equal to " + min);
		}
		if (max >= 0 && length > max) {
			throw AwsException.validation("1 validation error detected: Value '" + value + "' at '" + field
					+ "' failed to satisfy constraint: Member must have length less than or equal to " + max);
		}
		if (pattern != null && !pattern.matcher(value).matches()) {
			throw AwsException.validation("1 validation error detected: Value '" + value + "' at '" + field
					+ "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
					+ pattern.pattern());
		}
		return value;
	}

	static Long integer(JsonNode parent, String field, boolean required, long min, long max) {
		JsonNode node = member(parent, field, required);
		if (node == null) {
			return null;
		}
		if (!node.isNumber()) {
			throw AwsException.serialization("Member '" + field + "' must be a number, got " + node.getNodeType());
		}
		BigInteger value;
		try {
			value = node.decimalValue().toBigIntegerExact();
		}
		catch (ArithmeticException ex) {
			throw AwsException.serialization("Member '" + field + "' must be an integer, got " + node.asText());
		}
		if (value.compareTo(BigInteger.valueOf(min)) < 0) {
			throw AwsException.validation("1 validation error detected: Value '" + value + "' at '" + field
					+ "' failed to satisfy constraint: Member must have value greater than or equal to " + min);
		}
		if (value.compareTo(BigInteger.valueOf(max)) > 0) {
			throw AwsException.validation("1 validation error detected: Value '" + value + "' at '" + field
					+ "' failed to satisfy constraint: Member must have value less than or equal to " + max);
		}
		return value.longValueExact();
	}

	static boolean bool(JsonNode parent, String field) {
		JsonNode node = parent.get(field);
		if (node == null || node.isNull()) {
			return false;
		}
		if (!node.isBoolean()) {
			throw AwsException.serialization("Member '" + field + "' must be a boolean, got " + node.getNodeType());
		}
		return node.booleanValue();
	}

	/**
	 * Read a timestamp sent as epoch seconds (a JSON number, possibly with decimals), or
	 * defensively as a numeric or ISO-8601 string.
	 */
	static Instant timestamp(JsonNode parent, String field) {
		JsonNode node = parent.get(field);
		if (node == null || node.isNull()) {
			throw AwsException.validation("1 validation error detected: Value null at '" + field
					+ "' failed to satisfy constraint: Member must not be null");
		}
		if (node.isNumber()) {
			return fromEpochSeconds(node.decimalValue(), field);
		}
		if (node.isTextual()) {
			String text = node.asText().trim();
			try {
				return fromEpochSeconds(new BigDecimal(text), field);
			}
			catch (NumberFormatException ex) {
				try {
					return Instant.parse(text);
				}
				catch (DateTimeParseException ex2) {
					throw AwsException.serialization("Member '" + field + "' is not a timestamp: " + text);
				}
			}
		}
		throw AwsException.serialization("Member '" + field + "' must be a timestamp, got " + node.getNodeType());
	}

	private static Instant fromEpochSeconds(BigDecimal seconds, String field) {
		try {
			BigDecimal nanos = seconds.movePointRight(9);
			BigInteger[] parts = nanos.toBigInteger().divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
			long secs = parts[0].longValueExact();
			long rest = parts[1].longValueExact();
			return Instant.ofEpochSecond(secs, rest);
		}
		catch (ArithmeticException | DateTimeException ex) {
			throw AwsException.serialization("Member '" + field + "' is out of range: " + seconds);
		}
	}

	/**
	 * The wire form of a timestamp: epoch seconds with millisecond decimals.
	 */
	static DecimalNode epochSeconds(Instant instant) {
		return new DecimalNode(BigDecimal.valueOf(instant.toEpochMilli(), 3));
	}

}
