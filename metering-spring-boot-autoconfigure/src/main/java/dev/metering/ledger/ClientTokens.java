package dev.metering.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Derives the deterministic ClientToken of a report from what identifies it, so that a
 * retry, a resend after a crash and a replay all use the same token, and two reporting
 * identities never share one.
 *
 * @author metering-spring-boot
 */
final class ClientTokens {

	private ClientTokens() {
	}

	/**
	 * Return the token of a report: a name-based UUID (36 characters).
	 * @param productCode the product code
	 * @param reportingIdentity the identity reporting (instance, task, pod or seller)
	 * @param dimension the dimension
	 * @param customer the customer, or {@code null}
	 * @param license the customer's license ARN, or {@code null} (then the token is the
	 * one a report without a license always had)
	 * @param hour the start of the hour
	 * @return the token
	 */
	static String of(String productCode, String reportingIdentity, String dimension, String customer, String license,
			Instant hour) {
		StringBuilder name = new StringBuilder();
		for (String part : new String[] { productCode, reportingIdentity, dimension, customer,
				String.valueOf(hour.getEpochSecond()) }) {
			// length-prefixed, so that no two different inputs give the same name
			name.append((part != null) ? part.length() + ":" + part : "-").append(';');
		}
		if (license != null) {
			name.append("license=").append(license.length()).append(':').append(license).append(';');
		}
		return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
	}

}
