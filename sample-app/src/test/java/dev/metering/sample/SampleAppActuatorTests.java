package dev.metering.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's health, metrics and metering endpoint over HTTP on the management
 * port, as a developer watches billing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class SampleAppActuatorTests {

	@TempDir
	static Path ledgerDirectory;

	@DynamicPropertySource
	static void ledgerDirectory(DynamicPropertyRegistry properties) {
		properties.add("aws.marketplace.metering.ledger.directory", () -> ledgerDirectory.toString());
	}

	@Value("${local.management.port}")
	private int managementPort;

	@Value("${local.server.port}")
	private int port;

	private RestTemplate rest;

	@Autowired
	private MarketplaceMeteringEmulator emulator;

	@BeforeEach
	void client() {
		this.rest = SampleHttp.client(this.port);
	}

	@Test
	void healthShowsMeteringInNeitherReadinessNorLiveness() {
		ResponseEntity<Map> health = get("/actuator/health");
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		Map<String, Object> metering = component(body(health), "metering");
		assertThat(metering).containsEntry("status", "UP");
		assertThat(component(body(health), "components", "metering")).extractingByKey("details")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsKeys("pending", "deadLetters")
			.doesNotContainKey("entitlement");
		assertThat(body(get("/actuator/health/readiness"))).doesNotContainKey("components");
		assertThat(body(get("/actuator/health/liveness"))).doesNotContainKey("components");
	}

	@Test
	void billableCallsShowInMetricsAndAHandTriggeredReportShowsTheirRecordIds() {
		register();
		double scansBefore = measurement("/actuator/metrics/marketplace.metering.usage.recorded?tag=dimension:scans");
		assertThat(scan("x".repeat(1500)).getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(scan("short").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(measurement("/actuator/metrics/marketplace.metering.usage.recorded?tag=dimension:scans"))
			.isEqualTo(scansBefore + 2);
		assertThat(measurement("/actuator/metrics/marketplace.metering.usage.pending")).isGreaterThanOrEqualTo(2);
		assertThat(body(get("/actuator/metering"))).doesNotContainKey("usage");
		List<Map<String, Object>> pending = items(body(get("/actuator/metering?state=OPEN&size=500")));
		assertThat(pending).anySatisfy((usage) -> assertThat(usage).containsEntry("dimension", "scans")
			.containsEntry("customer", LocalMarketplaceConfiguration.DEMO_ACCOUNT)
			.containsEntry("license", LocalMarketplaceConfiguration.DEMO_LICENSE)
			.containsEntry("state", "OPEN"));

		ResponseEntity<Map> report = post("/actuator/metering", Map.of("includeCurrentHour", true));
		assertThat(report.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(body(report)).containsKeys("id", "state", "requested")
			.extractingByKey("note")
			.asString()
			.contains("usage recorded later in that hour moves to the next hour");
		String run = "/actuator/metering/" + body(report).get("id");
		Map<String, Object> done = await().atMost(Duration.ofSeconds(30))
			.until(() -> body(get(run)), (state) -> !"RUNNING".equals(state.get("state")));
		assertThat(done).containsEntry("state", "DONE").containsEntry("pending", 0);
		List<String> accepted = this.emulator.records().stream().map(AcceptedRecord::meteringRecordId).toList();

		Map<String, Object> metering = body(get("/actuator/metering?state=REPORTED&size=500"));
		assertThat(metering).containsEntry("productCode", "sample-doc-scanner").containsEntry("mode", "saas");
		assertThat(items(metering)).anySatisfy((usage) -> assertThat(usage).containsEntry("dimension", "scans")
			.extractingByKey("meteringRecordId")
			.isIn(accepted));
		assertThat(measurement("/actuator/metrics/marketplace.metering.reports?tag=outcome:reported"))
			.isGreaterThanOrEqualTo(accepted.size());
		assertThat(measurement("/actuator/metrics/marketplace.metering.calls")).as("COUNT").isPositive();
	}

	@Test
	void aPageOfMoreThan500IsABadRequest() {
		assertThat(get("/actuator/metering?size=501").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(get("/actuator/metering?size=500").getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void resilience4jMetersOfTheMarketplaceMeteringInstancesAreExposed() {
		assertThat(get("/actuator/metrics/resilience4j.retry.calls?tag=name:marketplaceMetering").getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/metrics/resilience4j.ratelimiter.available.permissions?tag=name:marketplaceMetering")
			.getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void aReportOfClosedHoursOnlyTakesAnEmptyJsonBody() {
		ResponseEntity<Map> report = post("/actuator/metering", Map.of());
		assertThat(report.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(body(report)).containsKeys("id", "state", "requested").doesNotContainKey("note");
	}

	private double measurement(String path) {
		ResponseEntity<Map> metric = get(path);
		assertThat(metric.getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
		return ((Number) list(body(metric), "measurements").get(0).get("value")).doubleValue();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(ResponseEntity<Map> response) {
		return response.getBody();
	}

	private static Map<String, Object> component(Map<String, Object> health, String name) {
		return component(health, "components", name);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> component(Map<String, Object> map, String name, String nested) {
		return (Map<String, Object>) ((Map<String, Object>) map.get(name)).get(nested);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> items(Map<String, Object> metering) {
		return list((Map<String, Object>) metering.get("usage"), "items");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> body, String name) {
		return (List<Map<String, Object>>) body.get(name);
	}

	private ResponseEntity<Map> get(String path) {
		return this.rest.getForEntity(management(path), Map.class);
	}

	private ResponseEntity<Map> post(String path, Object body) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.rest.postForEntity(management(path), new HttpEntity<>(body, headers), Map.class);
	}

	private String management(String path) {
		return "http://localhost:" + this.managementPort + path;
	}

	private void register() {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("x-amzn-marketplace-token", LocalMarketplaceConfiguration.DEMO_REGISTRATION_TOKEN);
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
		this.rest.postForEntity("/marketplace/register", new HttpEntity<>(form, headers), Map.class);
	}

	private ResponseEntity<Map> scan(String document) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_PLAIN);
		headers.set("X-Customer-Id", LocalMarketplaceConfiguration.DEMO_LICENSE);
		return this.rest.postForEntity("/scans", new HttpEntity<>(document, headers), Map.class);
	}

}
