package dev.metering.entitlement;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

import software.amazon.awssdk.protocols.jsoncore.JsonNode;

import org.springframework.util.Assert;

/**
 * Verifies the {@code Signature} answered by RegisterUsage: a compact JWT signed PS256
 * (RSASSA-PSS, SHA-256, MGF1 SHA-256, salt 32) with the public key AWS Marketplace gives
 * the seller, whose claims must hold the product code, public key version and nonce that
 * were sent. Claim names are accepted in both {@code ProductCode} and {@code productCode}
 * casing.
 *
 * @author metering-spring-boot
 */
public class RegisterUsageSignatureVerifier {

	private static final String ALGORITHM = "PS256";

	private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";

	private static final String PEM_END = "-----END PUBLIC KEY-----";

	private final PublicKey publicKey;

	/**
	 * Create a verifier.
	 * @param publicKey the RSA public key AWS Marketplace gave with the product code
	 */
	public RegisterUsageSignatureVerifier(PublicKey publicKey) {
		Assert.isInstanceOf(RSAPublicKey.class, publicKey, "'publicKey' must be an RSA public key");
		this.publicKey = publicKey;
	}

	/**
	 * Create a verifier from a PEM encoded X.509 SubjectPublicKeyInfo RSA key
	 * ({@code -----BEGIN PUBLIC KEY-----}).
	 * @param pem the PEM text
	 * @return the verifier
	 * @throws IllegalArgumentException if the text is not such a key
	 */
	public static RegisterUsageSignatureVerifier fromPem(String pem) {
		String text = pem.strip();
		if (!text.startsWith(PEM_BEGIN) || !text.endsWith(PEM_END)) {
			throw new IllegalArgumentException("a public key must be PEM text from " + PEM_BEGIN + " to " + PEM_END
					+ " (X.509 SubjectPublicKeyInfo)");
		}
		try {
			byte[] der = Base64.getMimeDecoder()
				.decode(text.substring(PEM_BEGIN.length(), text.length() - PEM_END.length()));
			return new RegisterUsageSignatureVerifier(
					KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der)));
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			throw new IllegalArgumentException("the PEM text is not an RSA public key: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Verify a RegisterUsage signature against the request that was sent.
	 * @param signature the {@code Signature} of the RegisterUsage response
	 * @param productCode the product code sent
	 * @param publicKeyVersion the public key version sent
	 * @param nonce the nonce sent
	 * @throws EntitlementException with {@link EntitlementReason#BAD_SIGNATURE} if the
	 * token is malformed, not PS256 or does not verify,
	 * {@link EntitlementReason#CLAIMS_MISMATCH} if it holds another product code or key
	 * version, {@link EntitlementReason#NONCE_MISMATCH} if it holds another nonce
	 */
	public void verify(String signature, String productCode, int publicKeyVersion, String nonce) {
		String[] parts = (signature != null) ? signature.split("\\.", -1) : new String[0];
		if (parts.length != 3) {
			throw badSignature("is not a compact JWT (header.payload.signature)");
		}
		String algorithm = claim(decode(parts[0], "header"), "alg");
		if (!ALGORITHM.equals(algorithm)) {
			throw badSignature("has header alg " + algorithm + ", but only " + ALGORITHM + " is accepted");
		}
		if (!verifies(parts[0] + "." + parts[1], base64(parts[2], "signature"))) {
			throw badSignature("does not verify with the configured public key (" + ALGORITHM + ")");
		}
		Map<String, JsonNode> claims = decode(parts[1], "payload");
		expect(EntitlementReason.CLAIMS_MISMATCH, "product code", claim(claims, "ProductCode", "productCode"),
				productCode);
		expect(EntitlementReason.CLAIMS_MISMATCH, "public key version",
				claim(claims, "PublicKeyVersion", "publicKeyVersion"), String.valueOf(publicKeyVersion));
		expect(EntitlementReason.NONCE_MISMATCH, "nonce", claim(claims, "Nonce", "nonce"), nonce);
	}

	private boolean verifies(String signingInput, byte[] signature) {
		try {
			Signature verifier = Signature.getInstance("RSASSA-PSS");
			verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
			verifier.initVerify(this.publicKey);
			verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			throw new EntitlementException(EntitlementReason.BAD_SIGNATURE, null,
					"The RegisterUsage signature could not be verified: " + ex.getMessage(), ex);
		}
	}

	private Map<String, JsonNode> decode(String part, String name) {
		byte[] json = base64(part, name);
		JsonNode node;
		try {
			node = JsonNode.parser().parse(json);
		}
		catch (RuntimeException ex) {
			throw badSignature("has a " + name + " that is not JSON");
		}
		if (!node.isObject()) {
			throw badSignature("has a " + name + " that is not a JSON object");
		}
		return node.asObject();
	}

	private byte[] base64(String part, String name) {
		try {
			return Base64.getUrlDecoder().decode(part);
		}
		catch (IllegalArgumentException ex) {
			throw badSignature("has a " + name + " that is not base64url");
		}
	}

	private static String claim(Map<String, JsonNode> claims, String... names) {
		for (String name : names) {
			JsonNode value = claims.get(name);
			if (value != null) {
				return value.isNumber() ? value.asNumber() : value.text();
			}
		}
		return null;
	}

	private static void expect(EntitlementReason reason, String claim, String actual, String expected) {
		if (!Objects.equals(actual, expected)) {
			String message = "The RegisterUsage signature holds " + claim + " " + quote(actual) + ", but "
					+ quote(expected) + " was sent";
			throw new EntitlementException(reason, (reason != EntitlementReason.NONCE_MISMATCH) ? message
					: message + ": the signature was replayed from another call");
		}
	}

	private static String quote(String value) {
		return (value != null) ? "\"" + value + "\"" : "none";
	}

	private static EntitlementException badSignature(String problem) {
		return new EntitlementException(EntitlementReason.BAD_SIGNATURE, "The RegisterUsage signature " + problem);
	}

}
