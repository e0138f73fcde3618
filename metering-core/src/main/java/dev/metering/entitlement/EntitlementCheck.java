package dev.metering.entitlement;

/**
 * The entitlement check made once at startup, and its result.
 *
 * @author metering-spring-boot
 */
@FunctionalInterface
public interface EntitlementCheck {

	/**
	 * Return the result of the check; {@link EntitlementStatus.State#NOT_CHECKED} until
	 * it has run.
	 * @return the status
	 */
	EntitlementStatus getStatus();

}
