package dev.metering.autoconfigure;

import java.util.List;

import dev.metering.core.MeteringRequestValidator;

import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

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

	static final String HOLD_LIMIT = "aws.marketplace.metering.capture.hold-limit";

	static final String MIN_FREE_SPACE = "aws.marketplace.metering.ledger.min-free-space";

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
		int holdLimit = properties.getCapture().getHoldLimit();
		if (holdLimit < 0) {
			throw new InvalidMeteringConfigurationException(HOLD_LIMIT,
					HOLD_LIMIT + " is " + holdLimit + "; it must be at least 0 (keys of usage held in memory)");
		}
		DataSize minFreeSpace = properties.getLedger().getMinFreeSpace();
		if (minFreeSpace == null || minFreeSpace.isNegative()) {
			throw new InvalidMeteringConfigurationException(MIN_FREE_SPACE,
					MIN_FREE_SPACE + " is " + minFreeSpace + "; it must be at least 0B");
		}
	}

	private static void failOn(String property, List<String> violations) {
		if (!violations.isEmpty()) {
			throw new InvalidMeteringConfigurationException(property, String.join("; ", violations));
		}
	}

}
