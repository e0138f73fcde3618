package dev.metering.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.metering.limits.MeteringLimits;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Validates Metering Service requests against the limits, patterns and required members
 * of the service model (meteringmarketplace 2016-01-14) and the documented rules the
 * model cannot express (allocation sums, unique tag sets, the 1 MB batch size), so that a
 * bad request is refused before it is sent, with a message naming the field, the value
 * and the rule.
 * <p>
 * Each {@code validate} method collects every violation of the request and throws one
 * {@link InvalidMeteringRequestException}.
 */
public final class MeteringRequestValidator {

	static final Pattern PRODUCT_CODE_PATTERN = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");

	/**
	 * As written in the model: {@code " -="} is a range (U+0020 to U+003D).
	 */
	static final Pattern TAG_KEY_PATTERN = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

	static final Pattern TAG_VALUE_PATTERN = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

	static final Pattern CUSTOMER_AWS_ACCOUNT_ID_PATTERN = Pattern.compile("^[0-9]+$");

	static final Pattern LICENSE_ARN_PATTERN = Pattern.compile("^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:"
			+ "[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$");

	private static final int DISPLAYED_VALUE_MAX = 40;

	private MeteringRequestValidator() {
	}

	/**
	 * Validate a MeterUsage request.
	 * @param request the request
	 * @throws InvalidMeteringRequestException if the request breaks any rule
	 */
	public static void validate(MeterUsageRequest request) {
		Objects.requireNonNull(request, "request");
		List<String> violations = new ArrayList<>(productCodeViolations("productCode", request.productCode()));
		required(violations, "timestamp", request.timestamp());
		violations.addAll(dimensionViolations("usageDimension", request.usageDimension()));
		optionalQuantity(violations, "usageQuantity", request.usageQuantity());
		if (request.clientToken() != null) {
			length(violations, "clientToken", request.clientToken(), MeteringLimits.CLIENT_TOKEN_MIN,
					MeteringLimits.CLIENT_TOKEN_MAX);
		}
		if (request.hasUsageAllocations()) {
			allocations(violations, "usageAllocations", request.usageAllocations(), "usageQuantity",
					request.usageQuantity());
		}
		throwIfAny("MeterUsage", violations);
	}

	/**
	 * Validate a BatchMeterUsage request, including the size of its serialized body.
	 * @param request the request
	 * @throws InvalidMeteringRequestException if the request breaks any rule
	 */
	public static void validate(BatchMeterUsageRequest request) {
		Objects.requireNonNull(request, "request");
		List<String> licenses = LicenseArns.of(request);
		boolean licensed = licenses.stream().anyMatch(Objects::nonNull);
		List<String> violations = new ArrayList<>();
		if (!licensed) {
			violations.addAll(productCodeViolations("productCode", request.productCode()));
		}
		else if (request.productCode() != null) {
			violations.add("productCode " + display(request.productCode())
					+ " must not be set: records with a licenseArn (license integration) are sent without it");
		}
		if (!request.hasUsageRecords()) {
			violations.add("usageRecords is required");
		}
		else {
			List<UsageRecord> records = request.usageRecords();
			count(violations, "usageRecords", records.size(), MeteringLimits.USAGE_RECORDS_MIN,
					MeteringLimits.USAGE_RECORDS_MAX);
			for (int i = 0; i < records.size(); i++) {
				usageRecord(violations, "usageRecords[" + i + "]", records.get(i));
				if (licensed) {
					licenseRecord(violations, "usageRecords[" + i + "]", records.get(i), licenses.get(i));
				}
			}
		}
		long bodySize = batchMeterUsageBodySize(request);
		if (bodySize >= MeteringLimits.BATCH_METER_USAGE_BODY_LIMIT) {
			violations.add("request body " + bodySize + " bytes must be less than "
					+ MeteringLimits.BATCH_METER_USAGE_BODY_LIMIT + " bytes (1 MB)");
		}
		throwIfAny("BatchMeterUsage", violations);
	}

	/**
	 * Validate a RegisterUsage request.
	 * @param request the request
	 * @throws InvalidMeteringRequestException if the request breaks any rule
	 */
	public static void validate(RegisterUsageRequest request) {
		Objects.requireNonNull(request, "request");
		List<String> violations = new ArrayList<>(productCodeViolations("productCode", request.productCode()));
		Integer publicKeyVersion = request.publicKeyVersion();
		if (required(violations, "publicKeyVersion", publicKeyVersion)
				&& publicKeyVersion < MeteringLimits.PUBLIC_KEY_VERSION_MIN) {
			violations.add("publicKeyVersion " + publicKeyVersion + " must be at least "
					+ MeteringLimits.PUBLIC_KEY_VERSION_MIN);
		}
		if (request.nonce() != null) {
			length(violations, "nonce", request.nonce(), 0, MeteringLimits.NONCE_MAX);
		}
		throwIfAny("RegisterUsage", violations);
	}

	/**
	 * Validate a ResolveCustomer request.
	 * @param request the request
	 * @throws InvalidMeteringRequestException if the request breaks any rule
	 */
	public static void validate(ResolveCustomerRequest request) {
		Objects.requireNonNull(request, "request");
		List<String> violations = new ArrayList<>();
		String token = request.registrationToken();
		if (required(violations, "registrationToken", token) && token.isEmpty()) {
			violations.add("registrationToken \"\" must not be empty");
		}
		throwIfAny("ResolveCustomer", violations);
	}

	/**
	 * Return the violations of a product code: required, 1..255 characters of
	 * {@code [-a-zA-Z0-9/=:_.@]}.
	 * @param field the field path to name in violations
	 * @param value the product code
	 * @return the violations, empty when valid
	 */
	public static List<String> productCodeViolations(String field, String value) {
		List<String> violations = new ArrayList<>();
		if (required(violations, field, value)) {
			length(violations, field, value, MeteringLimits.PRODUCT_CODE_MIN, MeteringLimits.PRODUCT_CODE_MAX);
			pattern(violations, field, value, PRODUCT_CODE_PATTERN);
		}
		return violations;
	}

	/**
	 * Return the violations of a usage dimension name: required, 1..255 characters.
	 * @param field the field path to name in violations
	 * @param value the dimension name
	 * @return the violations, empty when valid
	 */
	public static List<String> dimensionViolations(String field, String value) {
		List<String> violations = new ArrayList<>();
		if (required(violations, field, value)) {
			length(violations, field, value, MeteringLimits.USAGE_DIMENSION_MIN, MeteringLimits.USAGE_DIMENSION_MAX);
		}
		return violations;
	}

	/**
	 * Return the violations of a customer's AWS account id: required, 1..255 digits.
	 * @param field the field path to name in violations
	 * @param value the account id
	 * @return the violations, empty when valid
	 */
	public static List<String> customerAccountIdViolations(String field, String value) {
		List<String> violations = new ArrayList<>();
		if (required(violations, field, value)) {
			length(violations, field, value, MeteringLimits.CUSTOMER_AWS_ACCOUNT_ID_MIN,
					MeteringLimits.CUSTOMER_AWS_ACCOUNT_ID_MAX);
			pattern(violations, field, value, CUSTOMER_AWS_ACCOUNT_ID_PATTERN);
		}
		return violations;
	}

	/**
	 * Return the violations of a license ARN: required, matching the model's
	 * {@code LicenseArn} pattern.
	 * @param field the field path to name in violations
	 * @param value the license ARN
	 * @return the violations, empty when valid
	 */
	public static List<String> licenseArnViolations(String field, String value) {
		List<String> violations = new ArrayList<>();
		if (required(violations, field, value)) {
			pattern(violations, field, value, LICENSE_ARN_PATTERN);
		}
		return violations;
	}

	/**
	 * Return the violations of an allocation tag: key (1..100 characters) and value
	 * (1..256 characters) both required and matching the model's tag pattern.
	 * @param field the field path of the tag, {@code .key} and {@code .value} are
	 * appended
	 * @param key the tag key
	 * @param value the tag value
	 * @return the violations, empty when valid
	 */
	public static List<String> tagViolations(String field, String key, String value) {
		List<String> violations = new ArrayList<>();
		if (required(violations, field + ".key", key)) {
			length(violations, field + ".key", key, MeteringLimits.TAG_KEY_MIN, MeteringLimits.TAG_KEY_MAX);
			pattern(violations, field + ".key", key, TAG_KEY_PATTERN);
		}
		if (required(violations, field + ".value", value)) {
			length(violations, field + ".value", value, MeteringLimits.TAG_VALUE_MIN, MeteringLimits.TAG_VALUE_MAX);
			pattern(violations, field + ".value", value, TAG_VALUE_PATTERN);
		}
		return violations;
	}

	/**
	 * Return the size in bytes of the AWS JSON 1.1 body the SDK writes for a
	 * BatchMeterUsage request: UTF-8, with JSON escaping, absent members omitted.
	 * @param request the request
	 * @return the body size in bytes
	 */
	public static long batchMeterUsageBodySize(BatchMeterUsageRequest request) {
		JsonObjectSize body = new JsonObjectSize();
		if (request.hasUsageRecords()) {
			List<String> licenses = LicenseArns.of(request);
			body.member("UsageRecords", arraySize(request.usageRecords(), MeteringRequestValidator::usageRecordSize));
			// LicenseArn when the SDK model has no field for it: what
			// LicenseArnInterceptor adds
			if (!LicenseArns.sdkHasField()) {
				for (String license : licenses) {
					body.size += (license != null) ? 1 + jsonStringSize("LicenseArn") + 1 + jsonStringSize(license) : 0;
				}
			}
		}
		return body.string("ProductCode", request.productCode()).size();
	}

	private static void usageRecord(List<String> violations, String field, UsageRecord record) {
		if (!required(violations, field, record)) {
			return;
		}
		required(violations, field + ".timestamp", record.timestamp());
		violations.addAll(dimensionViolations(field + ".dimension", record.dimension()));
		optionalQuantity(violations, field + ".quantity", record.quantity());
		String customerIdentifier = record.customerIdentifier();
		String customerAccountId = record.customerAWSAccountId();
		if (customerIdentifier == null && customerAccountId == null) {
			violations.add(field + ".customerIdentifier or " + field + ".customerAWSAccountId is required");
		}
		else if (customerIdentifier != null && customerAccountId != null) {
			violations.add(field + ".customerIdentifier " + display(customerIdentifier) + " and " + field
					+ ".customerAWSAccountId " + display(customerAccountId) + " must not both be set");
		}
		if (customerIdentifier != null) {
			length(violations, field + ".customerIdentifier", customerIdentifier,
					MeteringLimits.CUSTOMER_IDENTIFIER_MIN, MeteringLimits.CUSTOMER_IDENTIFIER_MAX);
		}
		if (customerAccountId != null) {
			length(violations, field + ".customerAWSAccountId", customerAccountId,
					MeteringLimits.CUSTOMER_AWS_ACCOUNT_ID_MIN, MeteringLimits.CUSTOMER_AWS_ACCOUNT_ID_MAX);
			pattern(violations, field + ".customerAWSAccountId", customerAccountId, CUSTOMER_AWS_ACCOUNT_ID_PATTERN);
		}
		if (record.hasUsageAllocations()) {
			allocations(violations, field + ".usageAllocations", record.usageAllocations(), field + ".quantity",
					record.quantity());
		}
	}

	private static void licenseRecord(List<String> violations, String field, UsageRecord record, String license) {
		if (record == null) {
			return;
		}
		if (license == null) {
			violations.add(field + ".licenseArn is required: a request must not mix records with and without a "
					+ "licenseArn (that bills a customer's hour twice)");
			return;
		}
		violations.addAll(licenseArnViolations(field + ".licenseArn", license));
		if (record.customerIdentifier() != null) {
			violations.add(field + ".customerIdentifier " + display(record.customerIdentifier())
					+ " must not be set with a licenseArn: use customerAWSAccountId");
		}
		else if (record.customerAWSAccountId() == null) {
			violations.add(field + ".customerAWSAccountId is required with a licenseArn");
		}
	}

	private static void allocations(List<String> violations, String field, List<UsageAllocation> allocations,
			String quantityField, Integer quantity) {
		count(violations, field, allocations.size(), MeteringLimits.USAGE_ALLOCATIONS_MIN,
				MeteringLimits.USAGE_ALLOCATIONS_MAX);
		Map<Set<List<String>>, Integer> tagSets = new HashMap<>();
		long sum = 0;
		boolean allQuantitiesPresent = true;
		for (int i = 0; i < allocations.size(); i++) {
			String path = field + "[" + i + "]";
			UsageAllocation allocation = allocations.get(i);
			if (!required(violations, path, allocation)) {
				allQuantitiesPresent = false;
				continue;
			}
			Integer allocated = allocation.allocatedUsageQuantity();
			if (required(violations, path + ".allocatedUsageQuantity", allocated)) {
				range(violations, path + ".allocatedUsageQuantity", allocated,
						MeteringLimits.ALLOCATED_USAGE_QUANTITY_MIN, MeteringLimits.ALLOCATED_USAGE_QUANTITY_MAX);
				sum += allocated;
			}
			else {
				allQuantitiesPresent = false;
			}
			Set<List<String>> tagSet = tags(violations, path, allocation);
			Integer first = tagSets.putIfAbsent(tagSet, i);
			if (first != null) {
				violations.add(path + ".tags " + describeTags(allocation)
						+ " must be unique across allocations, same as " + field + "[" + first + "]");
			}
		}
		long expected = (quantity != null) ? quantity : 0;
		if (allQuantitiesPresent && sum != expected) {
			violations
				.add(field + " sum of allocatedUsageQuantity " + sum + " must equal " + quantityField + " " + expected);
		}
	}

	private static Set<List<String>> tags(List<String> violations, String allocationPath, UsageAllocation allocation) {
		Set<List<String>> tagSet = new HashSet<>();
		if (!allocation.hasTags()) {
			return tagSet;
		}
		List<Tag> tags = allocation.tags();
		count(violations, allocationPath + ".tags", tags.size(), MeteringLimits.TAGS_MIN, MeteringLimits.TAGS_MAX);
		Set<String> keys = new HashSet<>();
		for (int j = 0; j < tags.size(); j++) {
			String path = allocationPath + ".tags[" + j + "]";
			Tag tag = tags.get(j);
			if (!required(violations, path, tag)) {
				continue;
			}
			violations.addAll(tagViolations(path, tag.key(), tag.value()));
			if (tag.key() != null && !keys.add(tag.key())) {
				violations.add(path + ".key " + display(tag.key()) + " must be unique within the allocation");
			}
			tagSet.add(Arrays.asList(tag.key(), tag.value()));
		}
		return tagSet;
	}

	private static String describeTags(UsageAllocation allocation) {
		if (!allocation.hasTags() || allocation.tags().isEmpty()) {
			return "(none)";
		}
		return allocation.tags()
			.stream()
			.map((tag) -> (tag != null) ? tag.key() + "=" + tag.value() : "null")
			.collect(Collectors.joining(", ", "[", "]"));
	}

	private static boolean required(List<String> violations, String field, Object value) {
		if (value == null) {
			violations.add(field + " is required");
			return false;
		}
		return true;
	}

	private static void length(List<String> violations, String field, String value, int min, int max) {
		int length = value.codePointCount(0, value.length());
		if (length < min || length > max) {
			violations.add(field + " " + display(value) + " must be " + min + ".." + max + " characters");
		}
	}

	private static void pattern(List<String> violations, String field, String value, Pattern pattern) {
		if (!pattern.matcher(value).matches()) {
			violations.add(field + " " + display(value) + " must match " + pattern.pattern());
		}
	}

	private static void optionalQuantity(List<String> violations, String field, Integer value) {
		if (value != null) {
			range(violations, field, value, MeteringLimits.USAGE_QUANTITY_MIN, MeteringLimits.USAGE_QUANTITY_MAX);
		}
	}

	private static void range(List<String> violations, String field, int value, int min, int max) {
		// the upper bound is Integer.MAX_VALUE, which an int cannot exceed
		if (value < min) {
			violations.add(field + " " + value + " must be between " + min + " and " + max);
		}
	}

	private static void count(List<String> violations, String field, int count, int min, int max) {
		if (count < min || count > max) {
			violations.add(field + " (" + count + " entries) must have " + min + ".." + max + " entries");
		}
	}

	private static void throwIfAny(String operation, List<String> violations) {
		if (!violations.isEmpty()) {
			throw new InvalidMeteringRequestException(operation, violations);
		}
	}

	/**
	 * Quote a value for a message: one line, abbreviated with its full length when long.
	 */
	private static String display(String value) {
		int length = value.codePointCount(0, value.length());
		String shown = (length > DISPLAYED_VALUE_MAX)
				? value.substring(0, value.offsetByCodePoints(0, DISPLAYED_VALUE_MAX - 3)) + "..." : value;
		StringBuilder quoted = new StringBuilder("\"");
		shown.codePoints().forEach((codePoint) -> {
			if (Character.isISOControl(codePoint)) {
				quoted.append(String.format("\\u%04x", codePoint));
			}
			else {
				quoted.appendCodePoint(codePoint);
			}
		});
		quoted.append('"');
		return (length > DISPLAYED_VALUE_MAX) ? quoted + " (" + length + " characters)" : quoted.toString();
	}

	private static long usageRecordSize(UsageRecord record) {
		JsonObjectSize object = new JsonObjectSize().timestamp("Timestamp", record.timestamp())
			.string("CustomerIdentifier", record.customerIdentifier())
			.string("Dimension", record.dimension())
			.number("Quantity", record.quantity());
		if (record.hasUsageAllocations()) {
			object.member("UsageAllocations",
					arraySize(record.usageAllocations(), MeteringRequestValidator::usageAllocationSize));
		}
		object.string("CustomerAWSAccountId", record.customerAWSAccountId());
		return object.string("LicenseArn", LicenseArns.fieldOf(record)).size();
	}

	private static long usageAllocationSize(UsageAllocation allocation) {
		JsonObjectSize object = new JsonObjectSize().number("AllocatedUsageQuantity",
				allocation.allocatedUsageQuantity());
		if (allocation.hasTags()) {
			object.member("Tags", arraySize(allocation.tags(), MeteringRequestValidator::tagSize));
		}
		return object.size();
	}

	private static long tagSize(Tag tag) {
		return new JsonObjectSize().string("Key", tag.key()).string("Value", tag.value()).size();
	}

	private static <T> long arraySize(List<T> items, ToLongFunction<T> itemSize) {
		long size = 2 + Math.max(0, items.size() - 1);
		for (T item : items) {
			size += (item != null) ? itemSize.applyAsLong(item) : "null".length();
		}
		return size;
	}

	/**
	 * Size in bytes of a JSON string as the SDK's (Jackson) generator writes it: UTF-8,
	 * quotes and backslashes escaped, control characters as two-byte or six-byte unicode
	 * escapes, and every surrogate char (even of a valid pair) as a six-byte unicode
	 * escape.
	 */
	private static long jsonStringSize(String value) {
		long size = 2;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
				size += 2;
			}
			else if (c < 0x20 || Character.isSurrogate(c)) {
				size += 6;
			}
			else if (c < 0x80) {
				size += 1;
			}
			else if (c < 0x800) {
				size += 2;
			}
			else {
				size += 3;
			}
		}
		return size;
	}

	/**
	 * Accumulates the size of a JSON object, skipping absent members as the SDK does.
	 */
	private static final class JsonObjectSize {

		private long size = 2;

		private boolean empty = true;

		JsonObjectSize member(String name, long valueSize) {
			this.size += (this.empty ? 0 : 1) + jsonStringSize(name) + 1 + valueSize;
			this.empty = false;
			return this;
		}

		JsonObjectSize string(String name, String value) {
			return (value != null) ? member(name, jsonStringSize(value)) : this;
		}

		JsonObjectSize number(String name, Integer value) {
			return (value != null) ? member(name, Integer.toString(value).length()) : this;
		}

		JsonObjectSize timestamp(String name, Instant value) {
			// the SDK writes epoch seconds with millisecond decimals, e.g. 1767323045.123
			return (value != null)
					? member(name,
							BigDecimal.valueOf(value.toEpochMilli()).scaleByPowerOfTen(-3).toPlainString().length())
					: this;
		}

		long size() {
			return this.size;
		}

	}

}
