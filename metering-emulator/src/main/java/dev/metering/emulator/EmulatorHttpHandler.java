package dev.metering.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Serves the AWS JSON 1.1 protocol on {@code POST /} and the inspection endpoints under
 * {@code /emulator/}.
 */
final class EmulatorHttpHandler implements HttpHandler {

	static final String TARGET_PREFIX = "AWSMPMeteringService.";

	static final Set<String> OPERATIONS = Set.of("MeterUsage", "BatchMeterUsage", "RegisterUsage", "ResolveCustomer");

	private static final int MAX_BODY = 1024 * 1024;

	private static final String AMZ_JSON = "application/x-amz-json-1.1";

	private final MarketplaceMeteringEmulator emulator;

	private final MeteringService service;

	EmulatorHttpHandler(MarketplaceMeteringEmulator emulator, MeteringService service) {
		this.emulator = emulator;
		this.service = service;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try {
			String path = exchange.getRequestURI().getPath();
			if (path.equals("/emulator") || path.startsWith("/emulator/")) {
				inspect(exchange, path);
			}
			else {
				aws(exchange, path);
			}
		}
		catch (RuntimeException ex) {
			sendJson(exchange, 500, errorBody("InternalServiceErrorException", String.valueOf(ex)),
					"InternalServiceErrorException");
		}
		finally {
			exchange.close();
		}
	}

	private void aws(HttpExchange exchange, String path) throws IOException {
		byte[] body = readBody(exchange.getRequestBody());
		if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(path)) {
			sendJson(exchange, 404, errorBody("UnknownOperationException", "Only POST / is served"),
					"UnknownOperationException");
			return;
		}
		Caller caller = Caller.fromAuthorization(exchange.getRequestHeaders().getFirst("Authorization"));
		if (caller == null) {
			answerError(exchange, new AwsException("MissingAuthenticationTokenException", 403,
					"Missing Authentication Token: a SigV4 Authorization header is required"));
			return;
		}
		String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		String operation = (target != null && target.startsWith(TARGET_PREFIX))
				? target.substring(TARGET_PREFIX.length()) : null;
		if (operation == null || !OPERATIONS.contains(operation)) {
			answerError(exchange, new AwsException("UnknownOperationException", "Unknown operation " + target));
			return;
		}
		Faults faults = this.emulator.faults();
		pause(faults.latency());
		if (faults.roll(faults.throttleRate())) {
			answerError(exchange, new AwsException("ThrottlingException", "Rate exceeded (injected)"));
			return;
		}
		if (faults.roll(faults.expiredCredentialsRate())) {
			answerError(exchange, new AwsException("ExpiredTokenException",
					"The security token included in the request is expired (injected)"));
			return;
		}
		if (faults.roll(faults.serverErrorRate())) {
			answerError(exchange,
					new AwsException("InternalServiceErrorException", 500, "Internal service error (injected)"));
			return;
		}
		if (faults.roll(faults.dropConnectionRate())) {
			// Closing before sendResponseHeaders closes the TCP connection.
			exchange.close();
			return;
		}
		ObjectNode result = null;
		AwsException error = null;
		try {
			if (body.length > MAX_BODY) {
				throw AwsException.validation("The request body exceeds 1 MB");
			}
			JsonNode request = parse(body);
			result = switch (operation) {
				case "MeterUsage" -> this.service.meterUsage(caller, request);
				case "BatchMeterUsage" -> this.service.batchMeterUsage(caller, request, faults);
				case "RegisterUsage" -> this.service.registerUsage(caller, request);
				default -> this.service.resolveCustomer(caller, request);
			};
		}
		catch (AwsException ex) {
			error = ex;
		}
		if (faults.roll(faults.lostResponseRate())) {
			if (error != null) {
				this.service.countRejection(error.errorName());
			}
			// Committed, but the answer never reaches the caller.
			exchange.close();
			return;
		}
		if (error != null) {
			answerError(exchange, error);
		}
		else {
			sendJson(exchange, 200, Json.MAPPER.writeValueAsBytes(result), null);
		}
	}

	private static JsonNode parse(byte[] body) {
		if (body.length == 0) {
			return Json.MAPPER.createObjectNode();
		}
		try {
			JsonNode node = Json.MAPPER.readTree(body);
			if (node == null || node.isMissingNode()) {
				return Json.MAPPER.createObjectNode();
			}
			if (!node.isObject()) {
				throw AwsException.serialization("The request body must be a JSON object");
			}
			return node;
		}
		catch (JsonProcessingException ex) {
			throw AwsException.serialization("The request body is not valid JSON: " + ex.getOriginalMessage());
		}
		catch (IOException ex) {
			throw AwsException.serialization("The request body could not be read: " + ex.getMessage());
		}
	}

	private void answerError(HttpExchange exchange, AwsException error) throws IOException {
		this.service.countRejection(error.errorName());
		sendJson(exchange, error.status(), errorBody(error.errorName(), error.getMessage()), error.errorName());
	}

	private static byte[] errorBody(String name, String message) throws JsonProcessingException {
		ObjectNode body = Json.MAPPER.createObjectNode();
		body.put("__type", name);
		body.put("message", message);
		return Json.MAPPER.writeValueAsBytes(body);
	}

	private static void pause(Duration latency) {
		if (latency.isZero()) {
			return;
		}
		try {
			Thread.sleep(latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static byte[] readBody(InputStream in) throws IOException {
		return in.readNBytes(MAX_BODY + 1);
	}

	// inspection

	private void inspect(HttpExchange exchange, String path) throws IOException {
		byte[] body = readBody(exchange.getRequestBody());
		String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
		String route = method + " " + path;
		try {
			switch (route) {
				case "GET /emulator/records" -> sendInspection(exchange, 200, recordsJson(), null);
				case "GET /emulator/counters" -> sendInspection(exchange, 200, countersJson(), null);
				case "GET /emulator/mixed-shapes" -> sendInspection(exchange, 200, mixedShapesJson(), null);
				case "GET /emulator/public-key" -> send(exchange, 200, "application/x-pem-file",
						this.emulator.publicKeyPem().getBytes(StandardCharsets.US_ASCII), null);
				case "GET /emulator/faults" -> sendInspection(exchange, 200, faultsJson(), null);
				case "POST /emulator/faults" -> {
					updateFaults(parse(body));
					sendInspection(exchange, 200, faultsJson(), null);
				}
				case "GET /emulator/entitlement" -> sendInspection(exchange, 200, entitlementJson(), null);
				case "POST /emulator/entitlement" -> {
					JsonNode request = parse(body);
					JsonNode entitled = request.get("entitled");
					if (entitled == null || !entitled.isBoolean()) {
						throw new IllegalArgumentException("Expected {\"entitled\": true|false}");
					}
					this.emulator.setEntitled(entitled.booleanValue());
					sendInspection(exchange, 200, entitlementJson(), null);
				}
				case "POST /emulator/reset" -> {
					this.emulator.reset();
					sendInspection(exchange, 200, Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode()), null);
				}
				default ->
					sendInspection(exchange, 404, errorBody("NotFound", "No inspection endpoint " + route), null);
			}
		}
		catch (IllegalArgumentException | AwsException ex) {
			sendInspection(exchange, 400, errorBody("BadRequest", ex.getMessage()), null);
		}
	}

	private void updateFaults(JsonNode request) {
		Faults faults = this.emulator.faults();
		if (request.has("throttleRate")) {
			faults.throttleRate(rate(request, "throttleRate"));
		}
		if (request.has("serverErrorRate")) {
			faults.serverErrorRate(rate(request, "serverErrorRate"));
		}
		if (request.has("dropConnectionRate")) {
			faults.dropConnectionRate(rate(request, "dropConnectionRate"));
		}
		if (request.has("lostResponseRate")) {
			faults.lostResponseRate(rate(request, "lostResponseRate"));
		}
		if (request.has("unprocessedRate")) {
			faults.unprocessedRate(rate(request, "unprocessedRate"));
		}
		if (request.has("latencyMs")) {
			JsonNode latency = request.get("latencyMs");
			if (!latency.canConvertToLong()) {
				throw new IllegalArgumentException("latencyMs must be a whole number of milliseconds");
			}
			faults.latency(Duration.ofMillis(latency.asLong()));
		}
		if (request.has("seed")) {
			JsonNode seed = request.get("seed");
			if (!seed.canConvertToLong()) {
				throw new IllegalArgumentException("seed must be an integer");
			}
			faults.seed(seed.asLong());
		}
	}

	private static double rate(JsonNode request, String field) {
		JsonNode node = request.get(field);
		if (!node.isNumber()) {
			throw new IllegalArgumentException(field + " must be a number between 0 and 1");
		}
		return node.doubleValue();
	}

	private byte[] faultsJson() throws JsonProcessingException {
		Faults faults = this.emulator.faults();
		ObjectNode node = Json.MAPPER.createObjectNode();
		node.put("throttleRate", faults.throttleRate());
		node.put("serverErrorRate", faults.serverErrorRate());
		node.put("dropConnectionRate", faults.dropConnectionRate());
		node.put("lostResponseRate", faults.lostResponseRate());
		node.put("unprocessedRate", faults.unprocessedRate());
		node.put("latencyMs", faults.latency().toMillis());
		Long seed = faults.seed();
		if (seed != null) {
			node.put("seed", seed);
		}
		else {
			node.putNull("seed");
		}
		return Json.MAPPER.writeValueAsBytes(node);
	}

	private byte[] entitlementJson() throws JsonProcessingException {
		ObjectNode node = Json.MAPPER.createObjectNode();
		node.put("entitled", this.emulator.isEntitled());
		return Json.MAPPER.writeValueAsBytes(node);
	}

	private byte[] countersJson() throws JsonProcessingException {
		Counters counters = this.service.counters();
		ObjectNode node = Json.MAPPER.createObjectNode();
		node.put("accepted", counters.accepted());
		node.put("replays", counters.replays());
		ObjectNode rejected = node.putObject("rejected");
		counters.rejected()
			.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.forEach((entry) -> rejected.put(entry.getKey(), entry.getValue()));
		return Json.MAPPER.writeValueAsBytes(node);
	}

	private byte[] mixedShapesJson() throws JsonProcessingException {
		ArrayNode array = Json.MAPPER.createArrayNode();
		for (MixedShape mixed : this.emulator.mixedShapes()) {
			array.addObject()
				.put("customerAwsAccountId", mixed.customerAwsAccountId())
				.put("hour", mixed.hour().toString());
		}
		return Json.MAPPER.writeValueAsBytes(array);
	}

	private byte[] recordsJson() throws JsonProcessingException {
		ArrayNode array = Json.MAPPER.createArrayNode();
		for (AcceptedRecord record : this.service.records()) {
			ObjectNode node = array.addObject();
			node.put("operation", record.operation());
			node.put("productCode", record.productCode());
			node.put("dimension", record.dimension());
			node.put("hour", record.hour().toString());
			node.put("quantity", record.quantity());
			ArrayNode allocations = node.putArray("allocations");
			for (AcceptedRecord.Allocation allocation : record.allocations()) {
				ObjectNode a = allocations.addObject();
				a.put("quantity", allocation.quantity());
				ArrayNode tags = a.putArray("tags");
				allocation.tags().forEach((tag) -> tags.addObject().put("key", tag.key()).put("value", tag.value()));
			}
			node.put("customer", record.customer());
			node.put("licenseArn", record.licenseArn());
			node.put("callerIdentity", record.callerIdentity());
			node.put("meteringRecordId", record.meteringRecordId());
		}
		return Json.MAPPER.writeValueAsBytes(array);
	}

	private static void sendJson(HttpExchange exchange, int status, byte[] body, String errorType) throws IOException {
		send(exchange, status, AMZ_JSON, body, errorType);
	}

	private static void sendInspection(HttpExchange exchange, int status, byte[] body, String errorType)
			throws IOException {
		send(exchange, status, "application/json", body, errorType);
	}

	private static void send(HttpExchange exchange, int status, String contentType, byte[] body, String errorType)
			throws IOException {
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
		if (errorType != null) {
			exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
		}
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
