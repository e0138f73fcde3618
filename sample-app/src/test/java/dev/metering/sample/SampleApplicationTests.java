package dev.metering.sample;

import java.util.Map;

import dev.metering.emulator.MarketplaceMeteringEmulator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app over HTTP on the embedded emulator, as a user runs it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@Autowired
	private TestRestTemplate rest;

	@Autowired
	private MarketplaceMeteringEmulator emulator;

	@Test
	void aBuyerRegistersThroughMarketplaceThenScans() {
		ResponseEntity<Map> registration = register(LocalMarketplaceConfiguration.DEMO_REGISTRATION_TOKEN);
		assertThat(registration.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(registration.getBody()).containsEntry("customerIdentifier", "demo-customer")
			.containsEntry("customerAwsAccountId", "111122223333")
			.containsEntry("productCode", "sample-doc-scanner");
		ResponseEntity<Map> scan = scan("demo-customer", "Contact ops@example.com, key AKIAABCDEFGHIJKLMNOP");
		assertThat(scan.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(scan.getBody()).containsEntry("words", 4);
		assertThat((Iterable<?>) scan.getBody().get("findings")).hasSize(2);
	}

	@Test
	void anUnknownRegistrationTokenIsRefusedWithTheReason() {
		ResponseEntity<Map> registration = register("forged-token");
		assertThat(registration.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(registration.getBody().get("detail")).asString().contains("InvalidTokenException");
		assertThat(this.emulator.counters().rejected("InvalidTokenException")).isPositive();
	}

	@Test
	void anUnregisteredCustomerCannotScan() {
		assertThat(scan("someone-else", "text").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	private ResponseEntity<Map> register(String token) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("x-amzn-marketplace-token", token);
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
		return this.rest.postForEntity("/marketplace/register", new HttpEntity<>(form, headers), Map.class);
	}

	private ResponseEntity<Map> scan(String customer, String document) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_PLAIN);
		headers.set("X-Customer-Id", customer);
		return this.rest.postForEntity("/scans", new HttpEntity<>(document, headers), Map.class);
	}

}
