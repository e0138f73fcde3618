package dev.metering.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the build generates, as an IDE reads it.
 */
class ConfigurationMetadataTests {

	@Test
	void describesTheMeteringHealthSwitchAndTheNewProperties() throws IOException {
		Map<String, Map<String, Object>> properties = properties();
		assertThat(properties.get("management.health.metering.enabled")).containsEntry("type", "java.lang.Boolean")
			.containsEntry("defaultValue", true)
			.containsKey("description");
		assertThat(properties.get("aws.marketplace.metering.entitlement.public-key")).containsEntry("type",
				"java.lang.String");
		assertThat(properties).containsKeys("aws.marketplace.metering.entitlement.recheck-max-interval",
				"aws.marketplace.metering.reporting.start-spread",
				"aws.marketplace.metering.ledger.audit.max-file-size",
				"aws.marketplace.metering.ledger.audit.max-file-age",
				"aws.marketplace.metering.ledger.audit.max-history");
		assertThat(properties.get("aws.marketplace.metering.ledger.audit.max-history")).containsEntry("defaultValue",
				90);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> properties() throws IOException {
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			Map<String, Object> metadata = new ObjectMapper().readValue(in, Map.class);
			Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
			for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
				byName.put((String) property.get("name"), property);
			}
			return byName;
		}
	}

}
