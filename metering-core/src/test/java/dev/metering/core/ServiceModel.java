package dev.metering.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Read access to the botocore service model of the Metering Service
 * ({@code meteringmarketplace-service-2.json} on the test classpath).
 */
final class ServiceModel {

	private static final String RESOURCE = "/meteringmarketplace-service-2.json";

	private final JsonNode shapes;

	private ServiceModel(JsonNode shapes) {
		this.shapes = shapes;
	}

	static ServiceModel load() {
		try (InputStream in = ServiceModel.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " not found on the classpath");
			}
			return new ServiceModel(new ObjectMapper().readTree(in).required("shapes"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the {@code min} of a shape, or {@code null} when the model sets none.
	 */
	Long min(String shape) {
		return number(shape, "min");
	}

	/**
	 * Return the {@code max} of a shape, or {@code null} when the model sets none.
	 */
	Long max(String shape) {
		return number(shape, "max");
	}

	/**
	 * Return the {@code pattern} of a shape, or {@code null} when the model sets none.
	 */
	String pattern(String shape) {
		JsonNode pattern = shape(shape).get("pattern");
		return (pattern != null) ? pattern.asText() : null;
	}

	/**
	 * Return the names of the required members of a structure shape.
	 */
	List<String> required(String structure) {
		List<String> required = new ArrayList<>();
		shape(structure).path("required").forEach((member) -> required.add(member.asText()));
		return required;
	}

	/**
	 * Return the name of the shape a structure member targets.
	 */
	String memberShape(String structure, String member) {
		return shape(structure).required("members").required(member).required("shape").asText();
	}

	private Long number(String shape, String name) {
		JsonNode value = shape(shape).get(name);
		return (value != null) ? value.asLong() : null;
	}

	private JsonNode shape(String name) {
		return this.shapes.required(name);
	}

}
