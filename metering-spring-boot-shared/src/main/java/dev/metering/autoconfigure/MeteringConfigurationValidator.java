package dev.metering.autoconfigure;

import java.util.List;

import dev.metering.core.MeteringRequestValidator;

import org.springframework.util.StringUtils;

/**
 * Checks the {@code aws.marketplace.metering.*} properties against the rules of the
 * Metering Service at startup.
 *
 * @author metering-spring-boot
 */
final class MeteringConfigurationValidator {

	static final String PRODUCT_CODE = "aws.marketplace.metering.product-code";

	static final String REGION = "aws.marketplace.metering.region";

	static final String DIMENSIONS = "aws.marketplace.metering.dimensions";

	private MeteringConfigurationValidator() {
	}

	static void validate(MeteringProperties properties) {
		String productCode = properties.getProductCode();
		if (!StringUtils.hasText(productCode)) {
			throw new InvalidMeteringConfigurationException(PRODUCT_CODE, PRODUCT_CODE + " is required");
		}
		failOn(PRODUCT_CODE, MeteringRequestValidator.productCodeViolations(PRODUCT_CODE, productCode));
		for (String dimension : properties.getDimensions()) {
			failOn(DIMENSIONS, MeteringRequestValidator.dimensionViolations(DIMENSIONS, dimension));
		}
	}

	private static void failOn(String property, List<String> violations) {
		if (!violations.isEmpty()) {
			throw new InvalidMeteringConfigurationException(property, String.join("; ", violations));
		}
	}

}
