package dev.metering.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the build generates, as an IDE reads it.
 */
class ConfigurationMetadataTests {

	private static final String PREFIX = "aws.marketplace.metering.";

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

	@Test
	void everyPropertyHasADescriptionAndItsDefault() throws IOException {
		Map<String, Map<String, Object>> properties = properties();
		assertThat(properties.keySet()).filteredOn((name) -> name.startsWith(PREFIX)).hasSizeGreaterThan(30);
		properties.forEach((name, property) -> {
			assertThat(property.get("description")).as("description of %s", name).asString().isNotBlank().endsWith(".");
			if (!property.containsKey("defaultValue")) {
				assertThat(property.get("description"))
					.as("%s has no default in the metadata: its description says " + "what applies when it is not set",
							name)
					.asString()
					.containsAnyOf("Defaults to ", "Required");
			}
		});
	}

	@Test
	void theDefaultsInTheMetadataAreTheDefaultsThatBind() throws IOException {
		BeanWrapper defaults = new BeanWrapperImpl(new MeteringProperties());
		properties().forEach((name, property) -> {
			if (!name.startsWith(PREFIX) || !property.containsKey("defaultValue")) {
				return;
			}
			Object documented = property.get("defaultValue");
			String value = (documented instanceof List<?> list)
					? list.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(documented);
			MeteringProperties bound = new Binder(new MapConfigurationPropertySource(Map.of(name, value)))
				.bindOrCreate(PREFIX.substring(0, PREFIX.length() - 1), MeteringProperties.class);
			String path = beanPath(name.substring(PREFIX.length()));
			assertThat(new BeanWrapperImpl(bound).getPropertyValue(path)).as("default of %s", name)
				.isEqualTo(defaults.getPropertyValue(path));
		});
	}

	private static String beanPath(String name) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : name.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
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
