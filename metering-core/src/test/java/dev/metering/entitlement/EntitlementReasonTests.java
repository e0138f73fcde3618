package dev.metering.entitlement;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EntitlementReason#ofErrorCode(String)}.
 */
class EntitlementReasonTests {

	@ParameterizedTest
	@CsvSource(nullValues = "null", textBlock = """
			CustomerNotEntitledException, NOT_ENTITLED
			PlatformNotSupportedException, PLATFORM_NOT_SUPPORTED
			InvalidRegionException, INVALID_REGION
			InvalidEndpointRegionException, INVALID_REGION
			InvalidPublicKeyVersionException, INVALID_PUBLIC_KEY_VERSION
			InvalidProductCodeException, INVALID_PRODUCT_CODE
			DisabledApiException, DISABLED_API
			UnauthorizedException, UNAUTHORIZED
			AccessDeniedException, UNAUTHORIZED
			ValidationException, REFUSED
			null, REFUSED
			""")
	void mapsTheAwsErrorName(String errorCode, EntitlementReason reason) {
		assertThat(EntitlementReason.ofErrorCode(errorCode)).isEqualTo(reason);
	}

}
