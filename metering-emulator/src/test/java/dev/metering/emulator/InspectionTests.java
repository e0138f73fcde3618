package dev.metering.emulator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Java inspection API, the {@code /emulator/*} HTTP endpoints and the raw wire
 * protocol.
 */
class InspectionTests {

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123Z");

	private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDRAW/20260102/us-east-1/aws-marketplace/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

	private final HttpClient http = HttpClient.newHttpClient();

	private MarketplaceMeteringEmulator emulator;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(new MutableClock(NOW))
			.product("prod-a", Set.of("scans"))
			.build()
			.start();
	}

	@AfterEach
	void stop() {
		this.emulator.close();
	}

	@Test
	void endpointIsLoopbackWithTheBoundPort() {
		assertThat(this.emulator.port()).isPositive();
		assertThat(this.emulator.endpoint()).isEqualTo(URI.create("http://127.0.0.1:" + this.emulator.port()));
		assertThat(this.emulator.bindAddress().isLoopbackAddress()).isTrue();
	}

	@Test
	void answersAreNotHeldBackByNaglesAlgorithm() {
		assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
	}

	@Test
	void notStartedEmulatorHasNoPort() {
		MarketplaceMeteringEmulator notStarted = MarketplaceMeteringEmulator.builder().build();
		assertThatIllegalStateException().isThrownBy(notStarted::port);
	}

	@Test
	void startDefaultServesAnyProduct() {
		try (MarketplaceMeteringEmulator defaults = MarketplaceMeteringEmulator.startDefault();
				MarketplaceMeteringClient client = SdkClients.client(defaults.endpoint())) {
			client.meterUsage((r) -> r.productCode("x").usageDimension("y").timestamp(Instant.now()));
			assertThat(defaults.records()).hasSize(1);
		}
	}

	@Test
	void builderRefusesBadSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> MarketplaceMeteringEmulator.builder().port(70000))
			.withMessageContaining("port");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MarketplaceMeteringEmulator.builder().product("bad code!", Set.of()))
			.withMessageContaining("productCode");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MarketplaceMeteringEmulator.builder().acceptanceWindow(Duration.ZERO))
			.withMessageContaining("acceptanceWindow");
		assertThatIllegalArgumentException().isThrownBy(() -> MarketplaceMeteringEmulator.builder().publicKeyVersion(0))
			.withMessageContaining("publicKeyVersion");
	}

	@Test
	void publicKeyPemDecodesToThePublicKey() throws Exception {
		String pem = this.emulator.publicKeyPem();
		assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
		String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "")
			.replace("-----END PUBLIC KEY-----", "")
			.replaceAll("\\s", "");
		PublicKey decoded = KeyFactory.getInstance("RSA")
			.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
		assertThat(decoded).isEqualTo(this.emulator.publicKey());
		HttpResponse<String> response = get("/emulator/public-key");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(pem);
	}

	@Test
	void recordsAndCountersOverHttp() throws Exception {
		HttpResponse<String> accepted = aws("MeterUsage",
				"{\"ProductCode\":\"prod-a\",\"UsageDimension\":\"scans\",\"UsageQuantity\":4,\"Timestamp\":"
						+ NOW.getEpochSecond() + ".000,\"UsageAllocations\":[{\"AllocatedUsageQuantity\":4,"
						+ "\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]}]}");
		assertThat(accepted.statusCode()).isEqualTo(200);
		assertThat(accepted.headers().firstValue("x-amzn-RequestId")).isPresent();
		String id = Json.MAPPER.readTree(accepted.body()).get("MeteringRecordId").asText();
		aws("MeterUsage", "{\"ProductCode\":\"prod-a\",\"UsageDimension\":\"scans\",\"UsageQuantity\":5,\"Timestamp\":"
				+ NOW.getEpochSecond() + "}");
		JsonNode records = Json.MAPPER.readTree(get("/emulator/records").body());
		assertThat(records).hasSize(1);
		assertThat(records.get(0).get("meteringRecordId").asText()).isEqualTo(id);
		assertThat(records.get(0).get("hour").asText()).isEqualTo("2026-01-02T03:00:00Z");
		assertThat(records.get(0).get("quantity").asLong()).isEqualTo(4);
		assertThat(records.get(0).get("callerIdentity").asText()).isEqualTo("AKIDRAW");
		assertThat(records.get(0).at("/allocations/0/tags/0/key").asText()).isEqualTo("team");
		JsonNode counters = Json.MAPPER.readTree(get("/emulator/counters").body());
		assertThat(counters.get("accepted").asLong()).isEqualTo(1);
		assertThat(counters.get("replays").asLong()).isZero();
		assertThat(counters.at("/rejected/DuplicateRequestException").asLong()).isEqualTo(1);
		assertThat(this.emulator.counters().rejected()).containsEntry("DuplicateRequestException", 1L);
	}

	@Test
	void isoTimestampStringsAreAcceptedDefensively() throws Exception {
		HttpResponse<String> response = aws("MeterUsage",
				"{\"ProductCode\":\"prod-a\",\"UsageDimension\":\"scans\",\"Timestamp\":\"2026-01-02T02:30:00Z\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.emulator.records().get(0).hour()).isEqualTo(Instant.parse("2026-01-02T02:00:00Z"));
	}

	@Test
	void errorsCarryTheErrorTypeHeaderAndType() throws Exception {
		HttpResponse<String> response = aws("MeterUsage",
				"{\"ProductCode\":\"nope\",\"UsageDimension\":\"scans\",\"Timestamp\":" + NOW.getEpochSecond() + "}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidProductCodeException");
		JsonNode body = Json.MAPPER.readTree(response.body());
		assertThat(body.get("__type").asText()).isEqualTo("InvalidProductCodeException");
		assertThat(body.get("message").asText()).contains("nope");
	}

	@Test
	void unknownTargetIsUnknownOperation() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(this.emulator.endpoint().resolve("/"))
			.header("X-Amz-Target", "AWSMPMeteringService.DeleteEverything")
			.header("Authorization", AUTHORIZATION)
			.POST(HttpRequest.BodyPublishers.ofString("{}")));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
	}

	@Test
	void missingAuthorizationIsMissingAuthenticationToken() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(this.emulator.endpoint().resolve("/"))
			.header("X-Amz-Target", "AWSMPMeteringService.MeterUsage")
			.POST(HttpRequest.BodyPublishers.ofString("{}")));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
	}

	@Test
	void malformedJsonIsSerializationException() throws Exception {
		HttpResponse<String> response = aws("MeterUsage", "{not json");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("SerializationException");
		response = aws("MeterUsage", "{\"ProductCode\":\"prod-a\",\"UsageDimension\":\"scans\",\"UsageQuantity\":\"4\","
				+ "\"Timestamp\":" + NOW.getEpochSecond() + "}");
		assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("SerializationException");
	}

	@Test
	void faultsCanBeReadAndChangedOverHttpAndNeverApplyToInspection() throws Exception {
		HttpResponse<String> changed = post("/emulator/faults",
				"{\"throttleRate\":1.0,\"serverErrorRate\":0.25,\"latencyMs\":0,\"seed\":3,\"unprocessedRate\":0.5}");
		assertThat(changed.statusCode()).isEqualTo(200);
		assertThat(this.emulator.faults().throttleRate()).isEqualTo(1.0);
		assertThat(this.emulator.faults().serverErrorRate()).isEqualTo(0.25);
		assertThat(this.emulator.faults().unprocessedRate()).isEqualTo(0.5);
		assertThat(this.emulator.faults().seed()).isEqualTo(3L);
		JsonNode faults = Json.MAPPER.readTree(get("/emulator/faults").body());
		assertThat(faults.get("throttleRate").asDouble()).isEqualTo(1.0);
		assertThat(faults.get("dropConnectionRate").asDouble()).isZero();
		assertThat(get("/emulator/records").statusCode()).isEqualTo(200);
		assertThat(aws("ResolveCustomer", "{\"RegistrationToken\":\"t\"}").headers().firstValue("x-amzn-ErrorType"))
			.hasValue("ThrottlingException");
		assertThat(post("/emulator/faults", "{\"throttleRate\":2}").statusCode()).isEqualTo(400);
		assertThat(this.emulator.faults().throttleRate()).isEqualTo(1.0);
	}

	@Test
	void droppedConnectionClosesWithoutAnAnswer() {
		this.emulator.faults().dropConnectionRate(1);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> aws("ResolveCustomer", "{}"));
	}

	@Test
	void entitlementOverHttpAndJava() throws Exception {
		assertThat(post("/emulator/entitlement", "{\"entitled\":false}").statusCode()).isEqualTo(200);
		assertThat(this.emulator.isEntitled()).isFalse();
		assertThat(Json.MAPPER.readTree(get("/emulator/entitlement").body()).get("entitled").asBoolean()).isFalse();
		try (MarketplaceMeteringClient client = SdkClients.client(this.emulator.endpoint())) {
			assertThatExceptionOfType(CustomerNotEntitledException.class).isThrownBy(
					() -> client.meterUsage((r) -> r.productCode("prod-a").usageDimension("scans").timestamp(NOW)));
		}
		assertThat(post("/emulator/entitlement", "{\"entitled\":\"maybe\"}").statusCode()).isEqualTo(400);
		this.emulator.setEntitled(true);
		assertThat(this.emulator.isEntitled()).isTrue();
	}

	@Test
	void resetForgetsStateAndRestoresBuiltSettings() throws Exception {
		try (MarketplaceMeteringEmulator faulty = MarketplaceMeteringEmulator.builder()
			.clock(new MutableClock(NOW))
			.entitled(true)
			.faults(Faults.none().serverErrorRate(0.5))
			.start(); MarketplaceMeteringClient client = SdkClients.client(faulty.endpoint())) {
			faulty.faults().serverErrorRate(0);
			client.meterUsage((r) -> r.productCode("p").usageDimension("d").timestamp(NOW).clientToken("tok"));
			faulty.setEntitled(false);
			faulty.faults().throttleRate(1);
			HttpResponse<String> reset = this.http
				.send(HttpRequest.newBuilder(faulty.endpoint().resolve("/emulator/reset"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(reset.statusCode()).isEqualTo(200);
			assertThat(faulty.records()).isEmpty();
			assertThat(faulty.counters()).isEqualTo(new Counters(0, 0, Map.of()));
			assertThat(faulty.isEntitled()).isTrue();
			assertThat(faulty.faults().throttleRate()).isZero();
			assertThat(faulty.faults().serverErrorRate()).isEqualTo(0.5);
		}
	}

	@Test
	void unknownInspectionPathIs404() throws Exception {
		assertThat(get("/emulator/nothing").statusCode()).isEqualTo(404);
	}

	@Test
	void bindsToAGivenAddress() throws Exception {
		try (MarketplaceMeteringEmulator any = MarketplaceMeteringEmulator.builder()
			.bindAddress(InetAddress.getByName("0.0.0.0"))
			.start()) {
			assertThat(any.endpoint().getHost()).isEqualTo("127.0.0.1");
			assertThat(this.http
				.send(HttpRequest.newBuilder(any.endpoint().resolve("/emulator/counters")).build(),
						HttpResponse.BodyHandlers.ofString())
				.statusCode()).isEqualTo(200);
		}
	}

	@Test
	void closeReleasesThePort() throws Exception {
		MarketplaceMeteringEmulator closing = MarketplaceMeteringEmulator.startDefault();
		URI endpoint = closing.endpoint();
		closing.close();
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.http.send(HttpRequest.newBuilder(endpoint.resolve("/emulator/counters")).build(),
					HttpResponse.BodyHandlers.ofString()));
	}

	private HttpResponse<String> aws(String operation, String body) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(this.emulator.endpoint().resolve("/"))
			.header("X-Amz-Target", "AWSMPMeteringService." + operation)
			.header("Content-Type", "application/x-amz-json-1.1")
			.header("Authorization", AUTHORIZATION)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(this.emulator.endpoint().resolve(path)).GET());
	}

	private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(this.emulator.endpoint().resolve(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
