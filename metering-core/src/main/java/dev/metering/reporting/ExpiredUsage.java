package dev.metering.reporting;

/**
 * What to do with usage whose hour AWS no longer accepts.
 *
 * @author metering-spring-boot
 */
public enum ExpiredUsage {

	/** Move the quantity into the next open hour, as AWS allows after an outage. */
	CARRY_FORWARD,

	/** Keep the report as a dead letter, for someone to look at. */
	DEAD_LETTER

}
