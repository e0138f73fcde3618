package dev.metering.core;

/**
 * What a caller must do with a refused or failed Metering Service call. Every error the
 * service can answer maps to exactly one outcome for each operation (see
 * {@link MeteringErrors#outcomeOf(String, String, int)}).
 *
 * @author metering-spring-boot
 */
public enum MeteringOutcome {

	/**
	 * Transient: throttling, a service error, an I/O failure or a timeout. Send the same
	 * request again, with backoff, while it is still inside the acceptance window.
	 */
	RETRYABLE,

	/**
	 * The timestamp is outside the service's acceptance window. The quantity must be
	 * carried forward into an open hour or dead-lettered; the request can never succeed.
	 */
	EXPIRED,

	/**
	 * The service already holds a different record for the same key, or the client token
	 * was used with other parameters. Never sent again as is: the reporter moves the
	 * quantity of the first case into the next open hour, and dead-letters the second.
	 */
	DUPLICATE,

	/**
	 * The request was refused for what it says (product code, dimension, tag, allocation,
	 * region, key version, token, disabled API). Terminal; retrying cannot help.
	 */
	REJECTED,

	/**
	 * The caller's credentials or permissions were refused (credentials expired or
	 * rotating, a missing IAM permission, an unauthorized DryRun). Not a verdict on the
	 * usage: keep it and try again later, once the cause is fixed.
	 */
	UNAUTHORIZED,

	/**
	 * The buyer is not entitled to the product or the customer is not subscribed.
	 * Terminal; retrying cannot help until the buyer's subscription changes.
	 */
	NOT_ENTITLED

}
