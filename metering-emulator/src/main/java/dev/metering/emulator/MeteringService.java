package dev.metering.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Metering Service's behaviour: validation, deduplication, idempotency and the state
 * it keeps. Every state change happens under one lock.
 */
final class MeteringService {

	static final Pattern PRODUCT_CODE = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");

	static final Pattern TAG = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

	static final Pattern ACCOUNT_ID = Pattern.compile("^[0-9]+$");

	static final Pattern ANY = Pattern.compile("[\\s\\S]*");

	static final String METER_USAGE = "MeterUsage";

	static final String BATCH_METER_USAGE = "BatchMeterUsage";

	private static final LocalTime MONTH_END_CUT_OFF = LocalTime.of(6, 0);

	private final Settings settings;

	private final Object lock = new Object();

	private final Map<MeterKey, Stored> meterRecords = new HashMap<>();

	private final Map<BatchKey, Stored> batchRecords = new HashMap<>();

	private final Map<TokenKey, TokenEntry> clientTokens = new HashMap<>();

	private final List<AcceptedRecord> records = new ArrayList<>();

	private final Map<String, Long> rejected = new TreeMap<>();

	private long accepted;

	private long replays;

	private volatile boolean entitled;

	MeteringService(Settings settings) {
		this.settings = settings;
		this.entitled = settings.entitled();
	}

	boolean isEntitled() {
		return this.entitled;
	}

	void setEntitled(boolean entitled) {
		this.entitled = entitled;
	}

	List<AcceptedRecord> records() {
		synchronized (this.lock) {
			return List.copyOf(this.records);
		}
	}

	Counters counters() {
		synchronized (this.lock) {
			return new Counters(this.accepted, this.replays, Map.copyOf(this.rejected));
		}
	}

	void countRejection(String reason) {
		synchronized (this.lock) {
			this.rejected.merge(reason, 1L, Long::sum);
		}
	}

	void reset() {
		synchronized (this.lock) {
			this.meterRecords.clear();
			this.batchRecords.clear();
			this.clientTokens.clear();
			this.records.clear();
			this.rejected.clear();
			this.accepted = 0;
			this.replays = 0;
			this.entitled = this.settings.entitled();
		}
	}

	// MeterUsage

	ObjectNode meterUsage(Caller caller, JsonNode request) {
		if (this.settings.region() != null && !this.settings.region().equals(caller.region())) {
			throw new AwsException("InvalidEndpointRegionException", "The endpoint region " + caller.region()
					+ " does not match the region " + this.settings.region() + " of the workload");
		}
		String productCode = Json.string(request, "ProductCode", true, 0, 255, PRODUCT_CODE);
		Instant timestamp = Json.timestamp(request, "Timestamp");
		String dimension = Json.string(request, "UsageDimension", true, 1, 255, ANY);
		long quantity = quantity(request, "UsageQuantity");
		boolean dryRun = Json.bool(request, "DryRun");
		String clientToken = Json.string(request, "ClientToken", false, 1, 64, null);
		Map<Set<AcceptedRecord.Tag>, Long> allocations = allocations(request, quantity);
		MeterParams params = new MeterParams(productCode, timestamp, dimension, quantity, allocations);
		synchronized (this.lock) {
			TokenKey tokenKey = (clientToken != null && !dryRun) ? new TokenKey(caller.accessKeyId(), clientToken)
					: null;
			if (tokenKey != null) {
				TokenEntry previous = this.clientTokens.get(tokenKey);
				if (previous != null) {
					if (!previous.params().equals(params)) {
						throw new AwsException("IdempotencyConflictException",
								"ClientToken " + clientToken + " was already used with different parameters");
					}
					this.replays++;
					return meteringRecordId(previous.meteringRecordId());
				}
			}
			checkProduct(productCode);
			checkDimension(productCode, dimension);
			if (!this.entitled) {
				throw new AwsException("CustomerNotEntitledException",
						"The customer is not entitled to product " + productCode);
			}
			checkWindow(timestamp);
			if (dryRun) {
				if (this.settings.unauthorizedAccessKeys().contains(caller.accessKeyId())) {
					throw new AwsException("UnauthorizedException", 403,
							"The caller is not authorized to call MeterUsage");
				}
				throw new AwsException("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.");
			}
			Instant hour = timestamp.truncatedTo(ChronoUnit.HOURS);
			MeterKey key = new MeterKey(productCode, dimension, hour, caller.accessKeyId());
			Stored existing = this.meterRecords.get(key);
			String recordId;
			if (existing != null) {
				if (existing.quantity() != quantity || !Objects.equals(existing.allocations(), allocations)) {
					throw new AwsException("DuplicateRequestException", "A record for dimension " + dimension
							+ " and hour " + hour + " was already reported with a different quantity or allocations");
				}
				this.replays++;
				recordId = existing.meteringRecordId();
			}
			else {
				recordId = UUID.randomUUID().toString();
				this.meterRecords.put(key, new Stored(quantity, allocations, recordId));
				this.records.add(new AcceptedRecord(METER_USAGE, productCode, dimension, hour, quantity,
						toList(allocations), null, null, caller.accessKeyId(), recordId));
				this.accepted++;
			}
			if (tokenKey != null) {
				this.clientTokens.put(tokenKey, new TokenEntry(params, recordId));
			}
			return meteringRecordId(recordId);
		}
	}

	private static ObjectNode meteringRecordId(String id) {
		ObjectNode result = Json.MAPPER.createObjectNode();
		result.put("MeteringRecordId", id);
		return result;
	}

	// BatchMeterUsage

	ObjectNode batchMeterUsage(Caller caller, JsonNode request, Faults faults) {
		String requestProductCode = Json.string(request, "ProductCode", false, 0, 255, PRODUCT_CODE);
		JsonNode list = request.get("UsageRecords");
		if (list == null || list.isNull()) {
			throw AwsException.validation("1 validation error detected: Value null at 'usageRecords' "
					+ "failed to satisfy constraint: Member must not be null");
		}
		if (!list.isArray()) {
			throw AwsException.serialization("Member 'UsageRecords' must be a list");
		}
		if (list.size() > 25) {
			throw AwsException.validation("1 validation error detected: Value at 'usageRecords' failed to satisfy "
					+ "constraint: Member must have length less than or equal to 25 (got " + list.size() + ")");
		}
		if (requestProductCode != null) {
			checkProduct(requestProductCode);
		}
		List<BatchEntry> entries = new ArrayList<>();
		for (JsonNode record : list) {
			if (!record.isObject()) {
				throw AwsException.serialization("Each UsageRecord must be an object");
			}
			Instant timestamp = Json.timestamp(record, "Timestamp");
			String dimension = Json.string(record, "Dimension", true, 1, 255, ANY);
			long quantity = quantity(record, "Quantity");
			String customer = customer(record);
			String licenseArn = Json.string(record, "LicenseArn", false, 0, -1, null);
			String productCode = productCode(requestProductCode, customer, licenseArn);
			Map<Set<AcceptedRecord.Tag>, Long> allocations = allocations(record, quantity);
			checkDimension(productCode, dimension);
			entries.add(new BatchEntry(record, timestamp, dimension, quantity, customer, licenseArn, productCode,
					allocations));
		}
		for (BatchEntry entry : entries) {
			checkBatchWindow(entry.timestamp());
		}
		ObjectNode result = Json.MAPPER.createObjectNode();
		ArrayNode results = result.putArray("Results");
		ArrayNode unprocessed = result.putArray("UnprocessedRecords");
		synchronized (this.lock) {
			for (BatchEntry entry : entries) {
				if (faults.roll(faults.unprocessedRate())) {
					unprocessed.add(echo(entry));
					continue;
				}
				ObjectNode outcome = results.addObject();
				outcome.set("UsageRecord", echo(entry));
				if (!subscribed(entry)) {
					outcome.put("Status", "CustomerNotSubscribed");
					this.rejected.merge("CustomerNotSubscribed", 1L, Long::sum);
					continue;
				}
				Instant hour = entry.timestamp().truncatedTo(ChronoUnit.HOURS);
				BatchKey key = new BatchKey(entry.productCode(), entry.customer(), entry.licenseArn(),
						entry.dimension(), hour);
				Stored existing = this.batchRecords.get(key);
				if (existing != null) {
					if (existing.quantity() == entry.quantity()
							&& Objects.equals(existing.allocations(), entry.allocations())) {
						this.replays++;
						outcome.put("MeteringRecordId", existing.meteringRecordId());
						outcome.put("Status", "Success");
					}
					else {
						this.rejected.merge("DuplicateRecord", 1L, Long::sum);
						outcome.put("Status", "DuplicateRecord");
					}
					continue;
				}
				String recordId = UUID.randomUUID().toString();
				this.batchRecords.put(key, new Stored(entry.quantity(), entry.allocations(), recordId));
				this.records.add(new AcceptedRecord(BATCH_METER_USAGE, entry.productCode(), entry.dimension(), hour,
						entry.quantity(), toList(entry.allocations()), entry.customer().substring(2),
						entry.licenseArn(), caller.accessKeyId(), recordId));
				this.accepted++;
				outcome.put("MeteringRecordId", recordId);
				outcome.put("Status", "Success");
			}
		}
		return result;
	}

	/**
	 * Return the product of a record. A record with a {@code LicenseArn} is of the
	 * license's product (the request needs no product code); the license must be granted
	 * to the record's account. A record without one needs the request's product code, and
	 * a product of the license integration refuses a {@code CustomerIdentifier}.
	 */
	private String productCode(String requestProductCode, String customer, String licenseArn) {
		if (licenseArn != null) {
			Settings.License license = this.settings.licenses().get(licenseArn);
			if (license == null || !customer.equals("A:" + license.customerAwsAccountId())
					|| (requestProductCode != null && !requestProductCode.equals(license.productCode()))) {
				throw new AwsException("InvalidLicenseException", "License " + licenseArn
						+ " is not valid, does not match the customer or is not a license of the product");
			}
			return license.productCode();
		}
		if (requestProductCode == null) {
			throw AwsException.validation("ProductCode is required for a usage record without a LicenseArn");
		}
		if (customer.startsWith("C:") && this.settings.licenseProducts().contains(requestProductCode)) {
			throw new AwsException("InvalidCustomerIdentifierException", "Product " + requestProductCode
					+ " uses the license integration: send CustomerAWSAccountId and LicenseArn, not CustomerIdentifier");
		}
		return requestProductCode;
	}

	/**
	 * Return every customer and hour billed in both shapes: a record with a product code
	 * (legacy) and a record with a license ARN, for the same AWS account (a customer
	 * identifier is matched to its account through the registration tokens).
	 * @return the customer accounts and hours billed twice
	 */
	List<MixedShape> mixedShapes() {
		Map<String, String> accountOfIdentifier = new HashMap<>();
		this.settings.registrationTokens()
			.values()
			.stream()
			.filter((token) -> token.customerIdentifier() != null)
			.forEach((token) -> accountOfIdentifier.put(token.customerIdentifier(), token.customerAwsAccountId()));
		Map<MixedShape, boolean[]> shapes = new LinkedHashMap<>();
		for (AcceptedRecord record : records()) {
			if (!BATCH_METER_USAGE.equals(record.operation())) {
				continue;
			}
			String account = accountOfIdentifier.getOrDefault(record.customer(), record.customer());
			boolean[] seen = shapes.computeIfAbsent(new MixedShape(account, record.hour()), (key) -> new boolean[2]);
			seen[(record.licenseArn() != null) ? 1 : 0] = true;
		}
		return shapes.entrySet()
			.stream()
			.filter((entry) -> entry.getValue()[0] && entry.getValue()[1])
			.map(Map.Entry::getKey)
			.toList();
	}

	private String customer(JsonNode record) {
		boolean hasIdentifier = Json.present(record, "CustomerIdentifier");
		boolean hasAccount = Json.present(record, "CustomerAWSAccountId");
		if (hasIdentifier == hasAccount) {
			throw new AwsException("InvalidCustomerIdentifierException",
					"Exactly one of CustomerIdentifier and CustomerAWSAccountId must be given");
		}
		if (hasIdentifier) {
			return "C:" + Json.string(record, "CustomerIdentifier", true, 0, 255, ANY);
		}
		JsonNode account = record.get("CustomerAWSAccountId");
		String value = account.isTextual() ? account.asText() : account.toString();
		if (!account.isTextual() || value.isEmpty() || value.length() > 255 || !ACCOUNT_ID.matcher(value).matches()) {
			throw new AwsException("InvalidCustomerIdentifierException",
					"CustomerAWSAccountId '" + value + "' must be 1 to 255 digits");
		}
		return "A:" + value;
	}

	private boolean subscribed(BatchEntry entry) {
		Set<String> customers = this.settings.subscribedCustomers();
		return customers.isEmpty() || customers.contains(entry.customer().substring(2));
	}

	private static ObjectNode echo(BatchEntry entry) {
		ObjectNode copy = ((ObjectNode) entry.source()).deepCopy();
		copy.set("Timestamp", Json.epochSeconds(entry.timestamp()));
		return copy;
	}

	// RegisterUsage

	ObjectNode registerUsage(Caller caller, JsonNode request) {
		if (this.settings.region() != null && !this.settings.region().equals(caller.region())) {
			throw new AwsException("InvalidRegionException",
					"RegisterUsage must be called in region " + this.settings.region() + ", not " + caller.region());
		}
		String productCode = Json.string(request, "ProductCode", true, 0, 255, PRODUCT_CODE);
		long version = Json.integer(request, "PublicKeyVersion", true, 1, Json.MAX_INT);
		String nonce = Json.string(request, "Nonce", false, 0, 255, ANY);
		checkProduct(productCode);
		if (!this.settings.publicKeyVersions().contains((int) version)) {
			throw new AwsException("InvalidPublicKeyVersionException",
					"Public key version " + version + " is not valid for this product");
		}
		if (!this.settings.platformSupported()) {
			throw new AwsException("PlatformNotSupportedException",
					"RegisterUsage is supported only on Amazon ECS, Amazon EKS and AWS Fargate");
		}
		if (!this.entitled) {
			throw new AwsException("CustomerNotEntitledException",
					"The customer is not entitled to product " + productCode);
		}
		ObjectNode result = Json.MAPPER.createObjectNode();
		result.put("Signature", signature(productCode, (int) version, nonce));
		return result;
	}

	String signature(String productCode, int version, String nonce) {
		try {
			ObjectNode header = Json.MAPPER.createObjectNode();
			header.put("alg", "PS256");
			header.put("typ", "JWT");
			ObjectNode payload = Json.MAPPER.createObjectNode();
			payload.put("productCode", productCode);
			payload.put("publicKeyVersion", version);
			if (nonce != null) {
				payload.put("nonce", nonce);
			}
			payload.put("iat", this.settings.clock().instant().getEpochSecond());
			Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
			String signingInput = encoder.encodeToString(Json.MAPPER.writeValueAsBytes(header)) + "."
					+ encoder.encodeToString(Json.MAPPER.writeValueAsBytes(payload));
			Signature signer = Signature.getInstance("RSASSA-PSS");
			signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
			signer.initSign(this.settings.signingKey().getPrivate());
			signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + encoder.encodeToString(signer.sign());
		}
		catch (GeneralSecurityException | JsonProcessingException ex) {
			throw new AwsException("InternalServiceErrorException", 500, "Could not sign: " + ex.getMessage());
		}
	}

	// ResolveCustomer

	ObjectNode resolveCustomer(Caller caller, JsonNode request) {
		String token = Json.string(request, "RegistrationToken", true, 1, -1, null);
		if (this.settings.expiredRegistrationTokens().contains(token)) {
			throw new AwsException("ExpiredTokenException", "The registration token has expired");
		}
		Settings.RegistrationToken resolved = this.settings.registrationTokens().get(token);
		if (resolved == null) {
			throw new AwsException("InvalidTokenException", "The registration token is invalid");
		}
		ObjectNode result = Json.MAPPER.createObjectNode();
		if (resolved.customerIdentifier() != null) {
			result.put("CustomerIdentifier", resolved.customerIdentifier());
		}
		result.put("CustomerAWSAccountId", resolved.customerAwsAccountId());
		result.put("ProductCode", resolved.productCode());
		if (resolved.licenseArn() != null) {
			result.put("LicenseArn", resolved.licenseArn());
		}
		return result;
	}

	// shared rules

	private void checkProduct(String productCode) {
		Map<String, Set<String>> products = this.settings.products();
		if (productCode.isEmpty() || (!products.isEmpty() && !products.containsKey(productCode))) {
			throw new AwsException("InvalidProductCodeException", "Product code '" + productCode + "' is not valid");
		}
	}

	private void checkDimension(String productCode, String dimension) {
		Set<String> dimensions = this.settings.products().get(productCode);
		if (dimensions != null && !dimensions.isEmpty() && !dimensions.contains(dimension)) {
			throw new AwsException("InvalidUsageDimensionException",
					"Usage dimension '" + dimension + "' is not defined for product " + productCode);
		}
	}

	private void checkWindow(Instant timestamp) {
		Instant now = this.settings.clock().instant();
		Duration window = this.settings.acceptanceWindow();
		if (timestamp.isAfter(now) || timestamp.isBefore(now.minus(window))) {
			throw new AwsException("TimestampOutOfBoundsException", "Timestamp " + timestamp
					+ " is outside the accepted window [" + now.minus(window) + ", " + now + "]");
		}
	}

	/**
	 * BatchMeterUsage: the batch window back (24 hours), but an hour of the previous
	 * month only until 06:00 UTC on the 1st.
	 */
	private void checkBatchWindow(Instant timestamp) {
		Instant now = this.settings.clock().instant();
		Instant from = now.minus(this.settings.batchAcceptanceWindow());
		ZonedDateTime utc = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
		Instant monthStart = utc.with(TemporalAdjusters.firstDayOfMonth()).truncatedTo(ChronoUnit.DAYS).toInstant();
		if (!utc.toLocalTime().isBefore(MONTH_END_CUT_OFF) || utc.getDayOfMonth() > 1) {
			from = from.isBefore(monthStart) ? monthStart : from;
		}
		if (timestamp.isAfter(now) || timestamp.isBefore(from)) {
			throw new AwsException("TimestampOutOfBoundsException",
					"Timestamp " + timestamp + " is outside the accepted window [" + from + ", " + now + "]");
		}
	}

	private static long quantity(JsonNode node, String field) {
		Long quantity = Json.integer(node, field, false, 0, Json.MAX_INT);
		return (quantity != null) ? quantity : 0L;
	}

	/**
	 * Validate usage allocations and normalize them to a map from tag set to quantity, or
	 * {@code null} when absent.
	 */
	private static Map<Set<AcceptedRecord.Tag>, Long> allocations(JsonNode parent, long quantity) {
		JsonNode list = parent.get("UsageAllocations");
		if (list == null || list.isNull()) {
			return null;
		}
		if (!list.isArray()) {
			throw AwsException.serialization("Member 'UsageAllocations' must be a list");
		}
		if (list.size() < 1 || list.size() > 2500) {
			throw new AwsException("InvalidUsageAllocationsException",
					"UsageAllocations must hold 1 to 2500 allocations, got " + list.size());
		}
		Map<Set<AcceptedRecord.Tag>, Long> result = new LinkedHashMap<>();
		long sum = 0;
		for (JsonNode allocation : list) {
			if (!allocation.isObject()) {
				throw AwsException.serialization("Each UsageAllocation must be an object");
			}
			long allocated = Json.integer(allocation, "AllocatedUsageQuantity", true, 0, Json.MAX_INT);
			Set<AcceptedRecord.Tag> tags = tags(allocation);
			if (result.containsKey(tags)) {
				throw new AwsException("InvalidUsageAllocationsException",
						"Two usage allocations have the same tags " + tags);
			}
			result.put(tags, allocated);
			sum += allocated;
		}
		if (sum != quantity) {
			throw new AwsException("InvalidUsageAllocationsException",
					"The allocated quantities sum to " + sum + " but the usage quantity is " + quantity);
		}
		return result;
	}

	private static Set<AcceptedRecord.Tag> tags(JsonNode allocation) {
		JsonNode list = allocation.get("Tags");
		if (list == null || list.isNull()) {
			return Set.of();
		}
		if (!list.isArray()) {
			throw AwsException.serialization("Member 'Tags' must be a list");
		}
		if (list.size() < 1 || list.size() > 5) {
			throw new AwsException("InvalidTagException", "Tags must hold 1 to 5 tags, got " + list.size());
		}
		Set<AcceptedRecord.Tag> tags = new LinkedHashSet<>();
		for (JsonNode tag : list) {
			String key = tagPart(tag, "Key", 100);
			String value = tagPart(tag, "Value", 256);
			tags.add(new AcceptedRecord.Tag(key, value));
		}
		return Set.copyOf(tags);
	}

	private static String tagPart(JsonNode tag, String field, int max) {
		JsonNode node = (tag != null && tag.isObject()) ? tag.get(field) : null;
		if (node == null || !node.isTextual()) {
			throw new AwsException("InvalidTagException", "Tag " + field + " is required and must be a string");
		}
		String value = node.asText();
		if (value.isEmpty() || value.length() > max) {
			throw new AwsException("InvalidTagException",
					"Tag " + field + " '" + value + "' must have 1 to " + max + " characters");
		}
		if (!TAG.matcher(value).matches()) {
			throw new AwsException("InvalidTagException",
					"Tag " + field + " '" + value + "' must match " + TAG.pattern());
		}
		return value;
	}

	private static List<AcceptedRecord.Allocation> toList(Map<Set<AcceptedRecord.Tag>, Long> allocations) {
		if (allocations == null) {
			return List.of();
		}
		List<AcceptedRecord.Allocation> list = new ArrayList<>();
		allocations.forEach((tags, quantity) -> list.add(new AcceptedRecord.Allocation(quantity, List.copyOf(tags))));
		return List.copyOf(list);
	}

	private record MeterKey(String productCode, String dimension, Instant hour, String caller) {
	}

	private record BatchKey(String productCode, String customer, String licenseArn, String dimension, Instant hour) {
	}

	private record TokenKey(String caller, String token) {
	}

	private record TokenEntry(MeterParams params, String meteringRecordId) {
	}

	private record MeterParams(String productCode, Instant timestamp, String dimension, long quantity,
			Map<Set<AcceptedRecord.Tag>, Long> allocations) {
	}

	private record Stored(long quantity, Map<Set<AcceptedRecord.Tag>, Long> allocations, String meteringRecordId) {
	}

	private record BatchEntry(JsonNode source, Instant timestamp, String dimension, long quantity, String customer,
			String licenseArn, String productCode, Map<Set<AcceptedRecord.Tag>, Long> allocations) {
	}

}
