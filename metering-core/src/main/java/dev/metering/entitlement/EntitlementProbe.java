package dev.metering.entitlement;

import dev.metering.core.MeteringException;

/**
 * One attempt at the Metering Service call that proves the entitlement.
 *
 * @author metering-spring-boot
 */
@FunctionalInterface
public interface EntitlementProbe {

	/**
	 * Make one attempt.
	 * @throws MeteringException if the call fails; a
	 * {@link dev.metering.core.MeteringOutcome#RETRYABLE retryable} failure is attempted
	 * again
	 * @throws EntitlementException if the answer proves no entitlement
	 */
	void attempt();

}
