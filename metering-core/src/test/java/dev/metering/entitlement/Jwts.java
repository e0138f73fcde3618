package dev.metering.entitlement;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;

/**
 * Signs compact JWTs the way AWS Marketplace signs RegisterUsage answers, for tests.
 */
final class Jwts {

	static final String PS256_HEADER = "{\"alg\":\"PS256\",\"typ\":\"JWT\"}";

	private Jwts() {
	}

	static KeyPair rsaKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	static String sign(String header, String payload, PrivateKey key) throws GeneralSecurityException {
		String signingInput = base64(header) + "." + base64(payload);
		Signature signer = Signature.getInstance("RSASSA-PSS");
		signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
		signer.initSign(key);
		signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
		return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
	}

	static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	static String pem(KeyPair keyPair) {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(keyPair.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

}
