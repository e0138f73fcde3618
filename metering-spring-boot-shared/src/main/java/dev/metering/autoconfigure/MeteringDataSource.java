package dev.metering.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifier of the {@code DataSource} of the fleet's shared ledger
 * ({@code aws.marketplace.metering.ledger.type=jdbc}), when metering keeps its own
 * database; without one, the application's {@code DataSource} is used.
 *
 * @author metering-spring-boot
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface MeteringDataSource {

}
