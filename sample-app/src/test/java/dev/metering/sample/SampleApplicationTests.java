package dev.metering.sample;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.ledger.LedgerView.OpenUsage;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.UsageReporter;
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
import static org.assertj.core.api.Assertions.tuple;

/**
 * The sample app over HTTP on the embedded emulator, as a user runs it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class SampleApplicationTests {

	@TempDir
	static Path ledgerDirectory;

	@DynamicPropertySource
	static void ledgerDirectory(DynamicPropertyRegistry properties) {
		properties.add("aws.marketplace.metering.ledger.directory", () -> ledgerDirectory.toString());
	}

	@Autowired
	private UsageReporter reporter;

	@Autowired
	private UsageLedger ledger;

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
	void aBuyerRegistersThroughMarketplaceThenScans() {
		ResponseEntity<Map> registration = register(LocalMarketplaceConfiguration.DEMO_REGISTRATION_TOKEN);
		assertThat(registration.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(registration.getBody()).containsEntry("customerId", LocalMarketplaceConfiguration.DEMO_LICENSE)
			.containsEntry("customerAwsAccountId", "111122223333")
			.containsEntry("licenseArn", LocalMarketplaceConfiguration.DEMO_LICENSE)
			.containsEntry("productCode", "sample-doc-scanner");
		ResponseEntity<Map> scan = scan(LocalMarketplaceConfiguration.DEMO_LICENSE,
				"Contact ops@example.com, key AKIAABCDEFGHIJKLMNOP");
		assertThat(scan.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(scan.getBody()).containsEntry("words", 4);
		assertThat((Iterable<?>) scan.getBody().get("findings")).hasSize(2);
	}

	@Test
	void scansAreBilledToTheCustomerThroughTheReporter() {
		register(LocalMarketplaceConfiguration.DEMO_REGISTRATION_TOKEN);
		Map<String, Long> before = openUsage(LocalMarketplaceConfiguration.DEMO_LICENSE);
		scan(LocalMarketplaceConfiguration.DEMO_LICENSE, "x".repeat(1500));
		scan(LocalMarketplaceConfiguration.DEMO_LICENSE, "short");
		Map<String, Long> after = openUsage(LocalMarketplaceConfiguration.DEMO_LICENSE);
		assertThat(after.get("scans") - before.getOrDefault("scans", 0L)).isEqualTo(2);
		assertThat(after.get("kilobytes") - before.getOrDefault("kilobytes", 0L)).isEqualTo(3);
		this.reporter.report(true);
		assertThat(this.emulator.records())
			.filteredOn((record) -> LocalMarketplaceConfiguration.DEMO_LICENSE.equals(record.licenseArn()))
			.extracting(AcceptedRecord::dimension, AcceptedRecord::quantity)
			.containsExactlyInAnyOrder(tuple("scans", after.get("scans")), tuple("kilobytes", after.get("kilobytes")));
		assertThat(this.emulator.mixedShapes()).isEmpty();
	}

	private Map<String, Long> openUsage(String license) {
		return this.ledger.view()
			.openUsage()
			.stream()
			.filter((open) -> license.equals(open.key().license()))
			.collect(Collectors.groupingBy((open) -> open.key().dimension(),
					Collectors.summingLong(OpenUsage::quantity)));
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
