package dev.metering.entitlement;

import java.time.Instant;

/**
 * The result of the startup entitlement check.
 *
 * @param state whether the entitlement was confirmed
 * @param reason why it was not confirmed, {@code null} when it was or was not checked
 * @param errorCode the AWS error name of the refusal, or {@code null}
 * @param message what happened, or {@code null} when entitled
 * @param checkedAt when the check ended, or {@code null} when not checked
 * @param productCode the product code checked
 * @param publicKeyVersion the public key version of a RegisterUsage check, or
 * {@code null}
 * @param uncheckedSince when the application started without an entitlement answer (the
 * check goes on in the background), or {@code null}
 * @author metering-spring-boot
 */
public record EntitlementStatus(State state, EntitlementReason reason, String errorCode, String message,
		Instant checkedAt, String productCode, Integer publicKeyVersion, Instant uncheckedSince) {

	/**
	 * Return the status of a check that has not run yet.
	 * @param productCode the product code
	 * @param publicKeyVersion the public key version, or {@code null}
	 * @return the status
	 */
	public static EntitlementStatus notChecked(String productCode, Integer publicKeyVersion) {
		return new EntitlementStatus(State.NOT_CHECKED, null, null, null, null, productCode, publicKeyVersion, null);
	}

	/**
	 * Return the status of a check that confirmed the entitlement.
	 * @param checkedAt when the check ended
	 * @param productCode the product code
	 * @param publicKeyVersion the public key version, or {@code null}
	 * @return the status
	 */
	public static EntitlementStatus entitled(Instant checkedAt, String productCode, Integer publicKeyVersion) {
		return new EntitlementStatus(State.ENTITLED, null, null, null, checkedAt, productCode, publicKeyVersion, null);
	}

	/**
	 * Return the status of a startup check that got no answer before its timeout: the
	 * entitlement is {@link State#NOT_CHECKED unknown} since the check started.
	 * @param failure the last failure
	 * @param checkedAt when the check ended
	 * @param uncheckedSince when the check started
	 * @param productCode the product code
	 * @param publicKeyVersion the public key version, or {@code null}
	 * @return the status
	 */
	public static EntitlementStatus unanswered(EntitlementException failure, Instant checkedAt, Instant uncheckedSince,
			String productCode, Integer publicKeyVersion) {
		return new EntitlementStatus(State.NOT_CHECKED, failure.getReason(), failure.getErrorCode(),
				failure.getMessage(), checkedAt, productCode, publicKeyVersion, uncheckedSince);
	}

	/**
	 * Return the status of a check that failed. A {@link EntitlementReason#TIMEOUT}
	 * leaves the entitlement {@link State#NOT_CHECKED unknown}; every other reason means
	 * {@link State#NOT_ENTITLED}.
	 * @param failure the failure
	 * @param checkedAt when the check ended
	 * @param productCode the product code
	 * @param publicKeyVersion the public key version, or {@code null}
	 * @return the status
	 */
	public static EntitlementStatus failed(EntitlementException failure, Instant checkedAt, String productCode,
			Integer publicKeyVersion) {
		State state = (failure.getReason() != EntitlementReason.TIMEOUT) ? State.NOT_ENTITLED : State.NOT_CHECKED;
		return new EntitlementStatus(state, failure.getReason(), failure.getErrorCode(), failure.getMessage(),
				checkedAt, productCode, publicKeyVersion, null);
	}

	/**
	 * Return whether the entitlement was confirmed.
	 * @return whether entitled
	 */
	public boolean isEntitled() {
		return this.state == State.ENTITLED;
	}

	/**
	 * Whether the entitlement was confirmed.
	 */
	public enum State {

		/**
		 * The check confirmed the entitlement.
		 */
		ENTITLED,

		/**
		 * The service refused, or its answer did not verify.
		 */
		NOT_ENTITLED,

		/**
		 * The check has not run, or could not get an answer before the startup timeout
		 * and goes on in the background.
		 */
		NOT_CHECKED

	}

}
