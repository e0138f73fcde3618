package dev.metering.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Container of repeated {@link MeteredUsage} annotations: one method billing several
 * dimensions.
 *
 * @author metering-spring-boot
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MeteredUsages {

	/**
	 * The repeated annotations.
	 * @return the annotations
	 */
	MeteredUsage[] value();

}
