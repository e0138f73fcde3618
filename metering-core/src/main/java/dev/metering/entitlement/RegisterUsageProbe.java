package dev.metering.entitlement;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

import dev.metering.core.MeteringGateway;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;

/**
 * The entitlement check of a paid container product: RegisterUsage with a fresh random
 * nonce, then verification of the signed answer.
 *
 * @author metering-spring-boot
 */
public class RegisterUsageProbe implements EntitlementProbe {

	private final MeteringGateway metering;

	private final RegisterUsageSignatureVerifier verifier;

	private final String productCode;

	private final int publicKeyVersion;

	private final Supplier<String> nonces;

	/**
	 * Create a probe that sends a random 32 hex digit nonce with every attempt.
	 * @param metering the gateway to the Metering Service
	 * @param verifier the verifier of the signed answer
	 * @param productCode the product code
	 * @param publicKeyVersion the public key version
	 */
	public RegisterUsageProbe(MeteringGateway metering, RegisterUsageSignatureVerifier verifier, String productCode,
			int publicKeyVersion) {
		this(metering, verifier, productCode, publicKeyVersion, randomNonces(new SecureRandom()));
	}

	/**
	 * Create a probe.
	 * @param metering the gateway to the Metering Service
	 * @param verifier the verifier of the signed answer
	 * @param productCode the product code
	 * @param publicKeyVersion the public key version
	 * @param nonces supplies the nonce of each attempt
	 */
	public RegisterUsageProbe(MeteringGateway metering, RegisterUsageSignatureVerifier verifier, String productCode,
			int publicKeyVersion, Supplier<String> nonces) {
		this.metering = metering;
		this.verifier = verifier;
		this.productCode = productCode;
		this.publicKeyVersion = publicKeyVersion;
		this.nonces = nonces;
	}

	@Override
	public void attempt() {
		String nonce = this.nonces.get();
		String signature = this.metering
			.registerUsage(RegisterUsageRequest.builder()
				.productCode(this.productCode)
				.publicKeyVersion(this.publicKeyVersion)
				.nonce(nonce)
				.build())
			.signature();
		this.verifier.verify(signature, this.productCode, this.publicKeyVersion, nonce);
	}

	private static Supplier<String> randomNonces(SecureRandom random) {
		return () -> {
			byte[] bytes = new byte[16];
			random.nextBytes(bytes);
			return HexFormat.of().formatHex(bytes);
		};
	}

}
