package dev.metering.entitlement;

import java.util.Arrays;
import java.util.List;

import dev.metering.core.MeteringErrors;

/**
 * Why the startup entitlement check did not confirm the entitlement. The error names each
 * reason stands for are those of {@link MeteringErrors}.
 *
 * @author metering-spring-boot
 */
public enum EntitlementReason {

	/**
	 * The buyer is not entitled to the product ({@code CustomerNotEntitledException}).
	 */
	NOT_ENTITLED(MeteringErrors.CUSTOMER_NOT_ENTITLED),

	/**
	 * RegisterUsage was called from outside Amazon ECS, Amazon EKS or AWS Fargate
	 * ({@code PlatformNotSupportedException}).
	 */
	PLATFORM_NOT_SUPPORTED(MeteringErrors.PLATFORM_NOT_SUPPORTED),

	/**
	 * The call was made to a region other than the workload's
	 * ({@code InvalidRegionException}, {@code InvalidEndpointRegionException}).
	 */
	INVALID_REGION(MeteringErrors.INVALID_REGION, MeteringErrors.INVALID_ENDPOINT_REGION),

	/**
	 * AWS does not know the public key version for the product
	 * ({@code InvalidPublicKeyVersionException}).
	 */
	INVALID_PUBLIC_KEY_VERSION(MeteringErrors.INVALID_PUBLIC_KEY_VERSION),

	/**
	 * AWS does not know the product code ({@code InvalidProductCodeException}).
	 */
	INVALID_PRODUCT_CODE(MeteringErrors.INVALID_PRODUCT_CODE),

	/**
	 * The Metering API is disabled for the caller ({@code DisabledApiException}).
	 */
	DISABLED_API(MeteringErrors.DISABLED_API),

	/**
	 * The caller's role may not call the operation ({@code UnauthorizedException},
	 * {@code AccessDeniedException}).
	 */
	UNAUTHORIZED(MeteringErrors.UNAUTHORIZED, MeteringErrors.ACCESS_DENIED),

	/**
	 * The RegisterUsage signature is malformed, not PS256, or does not verify with the
	 * configured public key.
	 */
	BAD_SIGNATURE,

	/**
	 * The signed nonce is not the one sent: the signature was replayed.
	 */
	NONCE_MISMATCH,

	/**
	 * The signed product code or public key version is not the one sent.
	 */
	CLAIMS_MISMATCH,

	/**
	 * The service kept throttling or failing transiently until the startup timeout (the
	 * application starts with the entitlement not checked), or the wait was interrupted.
	 */
	TIMEOUT,

	/**
	 * Any other refusal of the service.
	 */
	REFUSED;

	private final List<String> errorCodes;

	EntitlementReason(String... errorCodes) {
		this.errorCodes = List.of(errorCodes);
	}

	/**
	 * Return the reason for a final (not retryable) error of the service.
	 * @param errorCode the AWS error name, or {@code null}
	 * @return the reason, {@link #REFUSED} for an error without a dedicated reason
	 */
	public static EntitlementReason ofErrorCode(String errorCode) {
		if (errorCode == null) {
			return REFUSED;
		}
		return Arrays.stream(values())
			.filter((reason) -> reason.errorCodes.contains(errorCode))
			.findFirst()
			.orElse(REFUSED);
	}

}
