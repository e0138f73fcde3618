package dev.metering.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server that keeps every request body exactly as the SDK sent it and
 * answers like the Metering Service would accept it: each BatchMeterUsage record
 * {@code Success} with a record id, ResolveCustomer with a configured body.
 */
public final class CapturingMeteringServer implements AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpServer server;

	private final List<Captured> requests = new CopyOnWriteArrayList<>();

	private volatile String resolveCustomerAnswer = "{}";

	public CapturingMeteringServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	public void answerResolveCustomer(String body) {
		this.resolveCustomerAnswer = body;
	}

	public List<Captured> requests() {
		return List.copyOf(this.requests);
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] body;
		try (InputStream in = exchange.getRequestBody()) {
			body = in.readAllBytes();
		}
		String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		String text = new String(body, StandardCharsets.UTF_8);
		this.requests.add(new Captured(target, text));
		String answer = target.endsWith(".BatchMeterUsage") ? batchAnswer(text) : this.resolveCustomerAnswer;
		byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private String batchAnswer(String request) throws IOException {
		ObjectNode answer = JSON.createObjectNode();
		ArrayNode results = answer.putArray("Results");
		int index = this.requests.size() * 100;
		for (JsonNode record : JSON.readTree(request).path("UsageRecords")) {
			ObjectNode result = results.addObject();
			result.set("UsageRecord", record);
			result.put("MeteringRecordId", "record-" + (index++));
			result.put("Status", "Success");
		}
		answer.putArray("UnprocessedRecords");
		return JSON.writeValueAsString(answer);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * One request as received.
	 *
	 * @param target the {@code X-Amz-Target} header
	 * @param body the body, exactly as sent
	 */
	public record Captured(String target, String body) {

	}

}
