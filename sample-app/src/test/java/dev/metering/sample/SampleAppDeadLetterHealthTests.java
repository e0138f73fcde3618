package dev.metering.sample;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.MeteringOperations;
import dev.metering.reporting.UsageReporter;
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
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead letter (AWS refused a customer's usage for good) is a billing problem to alert
 * on and act upon: it shows in the {@code metering} health's details, with its count and
 * age, and changes neither that status nor the readiness or liveness the platform routes
 * and restarts by.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class SampleAppDeadLetterHealthTests {

	private static final MarketplaceCustomer UNKNOWN_LICENSE = MarketplaceCustomer.license("444455556666",
			"arn:aws:license-manager::123456789012:license:l-0unknown0license001");

	@TempDir
	static Path ledgerDirectory;

	@DynamicPropertySource
	static void ledgerDirectory(DynamicPropertyRegistry properties) {
		properties.add("aws.marketplace.metering.ledger.directory", () -> ledgerDirectory.toString());
	}

	@Value("${local.management.port}")
	private int managementPort;

	@Autowired
	private MeteringOperations metering;

	@Autowired
	private UsageReporter reporter;

	private final RestTemplate rest = SampleHttp.client(0);

	@Test
	@SuppressWarnings("unchecked")
	void aDeadLetterIsADetailOfMeteringNeverChangesReadinessOrLivenessAndIsAcknowledgedOverHttp() {
		assertThat(status("/actuator/health/readiness")).isEqualTo(HttpStatus.OK);
		this.metering.record("scans", 3, Map.of(), UNKNOWN_LICENSE);
		this.reporter.report(true);

		ResponseEntity<Map> metering = get("/actuator/health/metering");
		assertThat(metering.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(metering.getBody()).containsEntry("status", "UP");
		Map<String, Object> deadLetters = nested(metering.getBody(), "details", "deadLetters");
		assertThat(deadLetters).containsKeys("oldest", "age", "lastReasons");
		assertThat((Integer) deadLetters.get("count")).as("open dead letters").isPositive();
		assertThat(get("/actuator/health/readiness").getBody()).containsEntry("status", "UP");
		assertThat(status("/actuator/health/readiness")).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/health/liveness").getBody()).containsEntry("status", "UP");
		assertThat(status("/actuator/health/liveness")).isEqualTo(HttpStatus.OK);

		// an operator acknowledges it over HTTP: it leaves the open dead letters
		Map<String, Object> listed = get("/actuator/metering?state=DEAD_LETTER&size=500").getBody();
		List<Map<String, Object>> items = (List<Map<String, Object>>) ((Map<String, Object>) listed.get("usage"))
			.get("items");
		int open = items.size();
		assertThat(nested(get("/actuator/health/metering").getBody(), "details", "deadLetters")).containsEntry("count",
				open);

		ResponseEntity<Map> decision = post("/actuator/metering/" + items.get(0).get("id") + "/acknowledge");
		assertThat(decision.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(decision.getBody()).containsEntry("actor", "anonymous");
		assertThat(nested(get("/actuator/health/metering").getBody(), "details", "deadLetters")).containsEntry("count",
				open - 1);
		assertThat(post("/actuator/metering/" + items.get(0).get("id") + "/acknowledge").getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> nested(Map<String, Object> body, String name, String nested) {
		return (Map<String, Object>) ((Map<String, Object>) body.get(name)).get(nested);
	}

	private HttpStatus status(String path) {
		return HttpStatus.valueOf(get(path).getStatusCode().value());
	}

	private ResponseEntity<Map> post(String path) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.rest.postForEntity("http://localhost:" + this.managementPort + path,
				new HttpEntity<>(Map.of(), headers), Map.class);
	}

	private ResponseEntity<Map> get(String path) {
		return this.rest.getForEntity("http://localhost:" + this.managementPort + path, Map.class);
	}

}
