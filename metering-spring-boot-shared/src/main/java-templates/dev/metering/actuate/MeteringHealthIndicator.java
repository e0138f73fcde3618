package dev.metering.actuate;

import java.time.Clock;
import java.time.Duration;

import dev.metering.fleet.FleetMonitor;

import ${boot.health.package}.AbstractHealthIndicator;
import ${boot.health.package}.Health;
import org.springframework.lang.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * The {@code metering} health contributor: what {@link MeteringHealth} checks, as a
 * {@code Health}. Generated for each Spring Boot line from a template in
 * {@code metering-spring-boot-shared}, since the line's health API has its own package.
 *
 * @author metering-spring-boot
 */
public class MeteringHealthIndicator extends AbstractHealthIndicator {

	private final MeteringHealth health;

	/**
	 * Create a new indicator.
	 * @param state what metering holds locally
	 * @param clock the clock to measure the age of unreported usage
	 * @param expiryWarning how long before unreported usage leaves the acceptance window
	 * the health turns {@code DOWN}
	 * @param minFreeSpace the free space of the ledger directory below which the health
	 * turns {@code DOWN}
	 * @param fleet the fleet's monitor, or {@code null} outside fleet mode
	 */
	public MeteringHealthIndicator(MeteringSources state, Clock clock, Duration expiryWarning, DataSize minFreeSpace,
			@Nullable FleetMonitor fleet) {
		super("AWS Marketplace metering health check failed");
		this.health = new MeteringHealth(state, clock, expiryWarning, minFreeSpace, fleet);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		MeteringHealth.Check check = this.health.check();
		switch (check.status()) {
			case DOWN -> builder.down();
			case OUT_OF_SERVICE -> builder.outOfService();
			case UP -> builder.up();
		}
		builder.withDetails(check.details());
	}

}
