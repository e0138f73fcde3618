package dev.metering.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.reporting.UsageReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
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

/**
 * The meters as Prometheus scrapes them from {@code /actuator/prometheus}: each name, its
 * unit (in the name, as Prometheus wants it), its type and its labels, as the README
 * documents them; and the README's alert rules use only names a scrape has.
 */
// Spring Boot 3.5 exports no metrics in tests unless asked
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "spring.test.observability.auto-configure=true",
				"management.endpoints.web.exposure.include=health,metrics,metering,prometheus" })
class SampleAppPrometheusTests {

	/** Every meter of the starter, as Prometheus names it: its type and label names. */
	private static final Map<String, Family> METERS = Map.ofEntries(
			meter("marketplace_metering_usage_recorded_total", "counter", "dimension"),
			meter("marketplace_metering_usage_pending", "gauge", "dimension"),
			meter("marketplace_metering_usage_held", "gauge"),
			meter("marketplace_metering_usage_lost_total", "counter"),
			meter("marketplace_metering_usage_carried_forward", "gauge"),
			meter("marketplace_metering_dead_letters", "gauge"),
			meter("marketplace_metering_oldest_unreported_hour_timestamp_seconds", "gauge"),
			meter("marketplace_metering_acceptance_window_remaining_seconds", "gauge"),
			meter("marketplace_metering_capture_failures_total", "counter", "source"),
			meter("marketplace_metering_reports_total", "counter", "outcome"),
			meter("marketplace_metering_last_success_timestamp_seconds", "gauge"),
			meter("marketplace_metering_calls_seconds", "summary", "operation", "outcome", "error"),
			meter("marketplace_metering_entitlement", "gauge", "state"));

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+.*$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

	private static final Pattern METRIC_NAME = Pattern.compile("marketplace_metering_[a-z_]+");

	private static final Path README = Path.of("../README.md");

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

	@Autowired
	private UsageReporter reporter;

	@Test
	void aScrapeHasEveryDocumentedMeterWithItsUnitTypeAndLabels() throws IOException {
		scanAndReport();
		Map<String, Family> scraped = scrape();
		METERS.forEach((name, expected) -> assertThat(scraped).as(name).containsEntry(name, expected));
		assertThat(scraped.keySet()).filteredOn((name) -> name.startsWith("marketplace_metering_"))
			.as("no meter the README does not document")
			.containsExactlyInAnyOrderElementsOf(METERS.keySet())
			.noneMatch((name) -> name.matches(".*_(records|units)(_total)?"));
		assertThat(documentedMeters()).as("the README's meters table").isEqualTo(METERS.keySet());
	}

	@Test
	void theReadmesAlertRulesUseOnlyScrapedMeters() throws IOException {
		scanAndReport();
		Set<String> samples = sampleNames();
		List<String> rules = alertRules();
		assertThat(rules).as("alert rules in the README").hasSizeGreaterThanOrEqualTo(6);
		for (String rule : rules) {
			Matcher names = METRIC_NAME.matcher(rule);
			assertThat(names.find()).as(rule).isTrue();
			do {
				assertThat(samples).as(rule).contains(names.group());
			}
			while (names.find());
		}
	}

	private void scanAndReport() {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("x-amzn-marketplace-token", LocalMarketplaceConfiguration.DEMO_REGISTRATION_TOKEN);
		HttpHeaders formHeaders = new HttpHeaders();
		formHeaders.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
		assertThat(SampleHttp.client(this.port)
			.postForEntity("/marketplace/register", new HttpEntity<>(form, formHeaders), Map.class)
			.getStatusCode()).isEqualTo(HttpStatus.OK);
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_PLAIN);
		headers.set("X-Customer-Id", LocalMarketplaceConfiguration.DEMO_LICENSE);
		assertThat(SampleHttp.client(this.port)
			.postForEntity("/scans", new HttpEntity<>("a scan", headers), Map.class)
			.getStatusCode()).isEqualTo(HttpStatus.OK);
		this.reporter.report(true);
	}

	/** Families by name, from the TYPE lines and the samples' label names. */
	private Map<String, Family> scrape() {
		Map<String, String> types = new HashMap<>();
		Map<String, Set<String>> labels = new HashMap<>();
		for (String line : prometheusText().split("\n")) {
			if (line.startsWith("# TYPE ")) {
				String[] words = line.split(" ");
				types.put(words[2], words[3]);
				continue;
			}
			Matcher sample = SAMPLE.matcher(line);
			if (!line.startsWith("#") && sample.matches()) {
				Set<String> keys = labels.computeIfAbsent(family(sample.group(1), types), (name) -> new TreeSet<>());
				if (sample.group(2) != null) {
					Matcher label = LABEL.matcher(sample.group(2));
					while (label.find()) {
						keys.add(label.group(1));
					}
				}
			}
		}
		Map<String, Family> families = new HashMap<>();
		labels.forEach((name, keys) -> families.put(name, new Family(types.get(name), keys)));
		return families;
	}

	/**
	 * The family of a sample: a summary's {@code _count} and {@code _sum} belong to it.
	 */
	private static String family(String sample, Map<String, String> types) {
		for (String suffix : List.of("_count", "_sum")) {
			String name = sample.substring(0, Math.max(0, sample.length() - suffix.length()));
			if (sample.endsWith(suffix) && "summary".equals(types.get(name))) {
				return name;
			}
		}
		return sample;
	}

	private Set<String> sampleNames() {
		Set<String> names = new TreeSet<>();
		for (String line : prometheusText().split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (!line.startsWith("#") && sample.matches()) {
				names.add(sample.group(1));
			}
		}
		return names;
	}

	private String prometheusText() {
		ResponseEntity<String> scrape = new RestTemplate()
			.getForEntity("http://localhost:" + this.managementPort + "/actuator/prometheus", String.class);
		assertThat(scrape.getStatusCode()).isEqualTo(HttpStatus.OK);
		return scrape.getBody();
	}

	/** The first column of the README's table of Prometheus names. */
	private static Set<String> documentedMeters() throws IOException {
		Set<String> names = new TreeSet<>();
		Pattern row = Pattern.compile("^\\| `(marketplace_metering_[a-z_]+)`.*");
		for (String line : Files.readAllLines(README)) {
			Matcher matcher = row.matcher(line);
			if (matcher.matches()) {
				names.add(matcher.group(1));
			}
		}
		return names;
	}

	/** The {@code expr} of each rule in the README's Prometheus rule files. */
	private static List<String> alertRules() throws IOException {
		String readme = Files.readString(README);
		Matcher blocks = Pattern.compile("```yaml\\n(groups:.*?)```", Pattern.DOTALL).matcher(readme);
		List<String> expressions = new ArrayList<>();
		while (blocks.find()) {
			Matcher expr = Pattern.compile("^\\s*expr:\\s*(.+)$", Pattern.MULTILINE).matcher(blocks.group(1));
			while (expr.find()) {
				expressions.add(expr.group(1));
			}
		}
		return expressions;
	}

	private static Map.Entry<String, Family> meter(String name, String type, String... labels) {
		return Map.entry(name, new Family(type, new TreeSet<>(Set.of(labels))));
	}

	private record Family(String type, Set<String> labels) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Entitled {

		/**
		 * An entitlement check as a container product has one (the sample is SaaS), so
		 * that its meter is scraped too.
		 * @return the check
		 */
		@Bean
		EntitlementCheck entitlementCheck() {
			return () -> EntitlementStatus.entitled(Instant.now(), "sample-doc-scanner", 1);
		}

	}

}
