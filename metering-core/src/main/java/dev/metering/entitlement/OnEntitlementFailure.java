package dev.metering.entitlement;

/**
 * What the application does when the startup entitlement check fails.
 *
 * @author metering-spring-boot
 */
public enum OnEntitlementFailure {

	/**
	 * Fail startup with an {@link EntitlementException}: the application must not serve.
	 */
	FAIL,

	/**
	 * Start anyway, log a warning and keep the failure in the {@link EntitlementStatus}.
	 */
	DEGRADE

}
