package dev.metering.entitlement;

import java.security.GeneralSecurityException;
import java.security.KeyPair;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link RegisterUsageSignatureVerifier} with tokens signed in the test.
 */
class RegisterUsageSignatureVerifierTests {

	private static final String PAYLOAD = "{\"productCode\":\"prod-1\",\"publicKeyVersion\":1,\"nonce\":\"n-1\",\"iat\":1767323045}";

	private static KeyPair awsKey;

	private static KeyPair otherKey;

	private final RegisterUsageSignatureVerifier verifier = new RegisterUsageSignatureVerifier(awsKey.getPublic());

	@BeforeAll
	static void generateKeys() throws GeneralSecurityException {
		awsKey = Jwts.rsaKeyPair();
		otherKey = Jwts.rsaKeyPair();
	}

	@Test
	void acceptsATokenSignedPs256ForTheRequestSent() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, awsKey.getPrivate());
		assertThatNoException().isThrownBy(() -> this.verifier.verify(token, "prod-1", 1, "n-1"));
	}

	@Test
	void acceptsPascalCaseClaims() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER,
				"{\"ProductCode\":\"prod-1\",\"PublicKeyVersion\":1,\"Nonce\":\"n-1\",\"iat\":1767323045}",
				awsKey.getPrivate());
		assertThatNoException().isThrownBy(() -> this.verifier.verify(token, "prod-1", 1, "n-1"));
	}

	@Test
	void refusesATokenSignedWithAnotherKey() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, otherKey.getPrivate());
		assertRefused(token, "n-1", EntitlementReason.BAD_SIGNATURE, "does not verify with the configured public key");
	}

	@Test
	void refusesATamperedPayload() throws GeneralSecurityException {
		String[] parts = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, awsKey.getPrivate()).split("\\.");
		String tampered = parts[0] + "." + Jwts.base64(PAYLOAD.replace("prod-1", "prod-2")) + "." + parts[2];
		assertRefused(tampered, "n-1", EntitlementReason.BAD_SIGNATURE,
				"does not verify with the configured public key");
	}

	@Test
	void refusesAReplayedNonce() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, awsKey.getPrivate());
		assertRefused(token, "n-2", EntitlementReason.NONCE_MISMATCH,
				"holds nonce \"n-1\", but \"n-2\" was sent: the signature was replayed");
	}

	@Test
	void refusesAMissingNonce() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, "{\"productCode\":\"prod-1\",\"publicKeyVersion\":1}",
				awsKey.getPrivate());
		assertRefused(token, "n-1", EntitlementReason.NONCE_MISMATCH, "holds nonce none, but \"n-1\" was sent");
	}

	@Test
	void refusesAnotherProductCode() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, awsKey.getPrivate());
		assertThatExceptionOfType(EntitlementException.class)
			.isThrownBy(() -> this.verifier.verify(token, "prod-9", 1, "n-1"))
			.satisfies((ex) -> assertReason(ex, EntitlementReason.CLAIMS_MISMATCH))
			.withMessageContaining("holds product code \"prod-1\", but \"prod-9\" was sent");
	}

	@Test
	void refusesAnotherPublicKeyVersion() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, awsKey.getPrivate());
		assertThatExceptionOfType(EntitlementException.class)
			.isThrownBy(() -> this.verifier.verify(token, "prod-1", 2, "n-1"))
			.satisfies((ex) -> assertReason(ex, EntitlementReason.CLAIMS_MISMATCH))
			.withMessageContaining("holds public key version \"1\", but \"2\" was sent");
	}

	@Test
	void refusesAnAlgorithmOtherThanPs256() throws GeneralSecurityException {
		String token = Jwts.sign("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", PAYLOAD, awsKey.getPrivate());
		assertRefused(token, "n-1", EntitlementReason.BAD_SIGNATURE, "has header alg RS256, but only PS256");
		String unsigned = Jwts.base64("{\"alg\":\"none\"}") + "." + Jwts.base64(PAYLOAD) + ".";
		assertRefused(unsigned, "n-1", EntitlementReason.BAD_SIGNATURE, "has header alg none, but only PS256");
	}

	@Test
	void refusesMalformedTokens() {
		assertRefused(null, "n-1", EntitlementReason.BAD_SIGNATURE, "is not a compact JWT");
		assertRefused("a.b", "n-1", EntitlementReason.BAD_SIGNATURE, "is not a compact JWT");
		assertRefused("%%%.b.c", "n-1", EntitlementReason.BAD_SIGNATURE, "has a header that is not base64url");
		assertRefused(Jwts.base64("not json") + ".b.c", "n-1", EntitlementReason.BAD_SIGNATURE,
				"has a header that is not JSON");
		assertRefused(Jwts.base64("[1]") + ".b.c", "n-1", EntitlementReason.BAD_SIGNATURE,
				"has a header that is not a JSON object");
	}

	@Test
	void readsAPemPublicKey() throws GeneralSecurityException {
		String token = Jwts.sign(Jwts.PS256_HEADER, PAYLOAD, awsKey.getPrivate());
		RegisterUsageSignatureVerifier fromPem = RegisterUsageSignatureVerifier.fromPem(Jwts.pem(awsKey));
		assertThatNoException().isThrownBy(() -> fromPem.verify(token, "prod-1", 1, "n-1"));
	}

	@Test
	void refusesTextThatIsNotAPemPublicKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> RegisterUsageSignatureVerifier.fromPem("MIIB..."))
			.withMessageContaining("must be PEM text from -----BEGIN PUBLIC KEY-----");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RegisterUsageSignatureVerifier
				.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
			.withMessageContaining("is not an RSA public key");
	}

	private void assertRefused(String token, String nonce, EntitlementReason reason, String message) {
		assertThatExceptionOfType(EntitlementException.class)
			.isThrownBy(() -> this.verifier.verify(token, "prod-1", 1, nonce))
			.satisfies((ex) -> assertReason(ex, reason))
			.withMessageContaining(message);
	}

	private static void assertReason(EntitlementException ex, EntitlementReason reason) {
		assertThat(ex.getReason()).isEqualTo(reason);
		assertThat(ex.getErrorCode()).isNull();
	}

}
