package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/**
 * How long AWS accepts an hour, per operation: MeterUsage up to 6 hours back;
 * BatchMeterUsage up to 24 hours back, except that an hour of the previous month is
 * refused after 06:00 UTC on the 1st. Carry-forward, the last-minutes rule for a first
 * attempt and the health's expiry all follow the window of the report's own operation.
 *
 * @author metering-spring-boot
 */
public final class AcceptanceWindow {

	/** How far back MeterUsage accepts an hour. */
	public static final Duration METER_USAGE = Duration.ofHours(6);

	/** How far back BatchMeterUsage accepts an hour within one month. */
	public static final Duration BATCH_METER_USAGE = Duration.ofHours(24);

	/** When, on the 1st (UTC), BatchMeterUsage stops accepting the previous month. */
	public static final LocalTime MONTH_END_CUT_OFF = LocalTime.of(6, 0);

	private AcceptanceWindow() {
	}

	/**
	 * Return when AWS stops accepting an hour of customers' usage (BatchMeterUsage).
	 * @param hour the start of the hour
	 * @return the end of its window: 24 hours after it, or 06:00 UTC on the 1st of the
	 * next month if that is earlier
	 */
	public static Instant batchMeterUsageClosesAt(Instant hour) {
		Instant cutOff = ZonedDateTime.ofInstant(hour, ZoneOffset.UTC)
			.with(TemporalAdjusters.firstDayOfNextMonth())
			.with(MONTH_END_CUT_OFF)
			.toInstant();
		Instant end = hour.plus(BATCH_METER_USAGE);
		return end.isBefore(cutOff) ? end : cutOff;
	}

	/**
	 * Return when AWS stops accepting an hour.
	 * @param hour the start of the hour
	 * @param customerUsage whether it is customers' usage (BatchMeterUsage) rather than
	 * the product's own (MeterUsage)
	 * @param meterUsageWindow the window of MeterUsage (6 hours)
	 * @return the end of its window
	 */
	public static Instant closesAt(Instant hour, boolean customerUsage, Duration meterUsageWindow) {
		return customerUsage ? batchMeterUsageClosesAt(hour) : hour.plus(meterUsageWindow);
	}

}
