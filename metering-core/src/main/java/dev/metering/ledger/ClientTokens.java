package dev.metering.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Derives the ClientToken of a report from what identifies it. It is derived once, when
 * the hour is sealed, and stored with the report, so that a retry, a resend after a crash
 * and a replay all use the same token. Two reporting identities never share one, and
 * neither do two ledger instances of one identity: a ledger that lost its directory or
 * restarted empty sends its own quantity under a token of its own, so that AWS answers
 * {@code DuplicateRequestException} for the hour its predecessor reported (usage that
 * then moves forward), never {@code IdempotencyConflictException} (a defect).
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
	 * @param ledgerInstance the ledger instance that sealed the hour
	 * @param dimension the dimension
	 * @param customer the customer, or {@code null}
	 * @param license the customer's license ARN, or {@code null}
	 * @param hour the start of the hour
	 * @return the token
	 */
	static String of(String productCode, String reportingIdentity, String ledgerInstance, String dimension,
			String customer, String license, Instant hour) {
		StringBuilder name = new StringBuilder();
		for (String part : new String[] { productCode, reportingIdentity, ledgerInstance, dimension, customer,
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
