package dev.metering.autoconfigure;

/**
 * Thrown at startup when an {@code aws.marketplace.metering.*} property is missing or
 * breaks a rule of the Metering Service.
 *
 * @author metering-spring-boot
 */
public class InvalidMeteringConfigurationException extends RuntimeException {

	private final String property;

	/**
	 * Create a new exception.
	 * @param property the full property name
	 * @param violation what is wrong, naming the property, the value and the rule
	 */
	public InvalidMeteringConfigurationException(String property, String violation) {
		this(property, violation, null);
	}

	/**
	 * Create a new exception.
	 * @param property the full property name
	 * @param violation what is wrong, naming the property, the value and the rule
	 * @param cause the cause, if any
	 */
	public InvalidMeteringConfigurationException(String property, String violation, Throwable cause) {
		super(violation, cause);
		this.property = property;
	}

	/**
	 * Return the full name of the offending property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

}
