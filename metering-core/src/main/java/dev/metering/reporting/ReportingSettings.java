package dev.metering.reporting;

import java.time.Duration;

/**
 * How the {@link UsageReporter} runs.
 *
 * @param offset how long after each hour boundary the closed hour is reported
 * @param retryInterval how often to try again while reports are pending; a run retries no
 * report past the start of the next one
 * @param reportOnShutdown whether a graceful shutdown also seals and reports the current
 * partial hour
 * @param expiredUsage what to do with usage AWS no longer accepts
 * @param acceptanceWindow how far in the past MeterUsage accepts an hour; BatchMeterUsage
 * follows {@link AcceptanceWindow#batchMeterUsageClosesAt}
 * @param lastSendMargin how long before the end of the acceptance window a first attempt
 * is no longer started
 * @param shutdownTimeout how long the stop of the reporter may take, retries and waits
 * included (a call in flight when it runs out adds at most one API call timeout)
 * @param startSpread the range of the random delay each process adds to the offset, so
 * that the replicas of a fleet start their hourly runs spread over it, not all in the
 * same second; zero for none
 * @author metering-spring-boot
 */
public record ReportingSettings(Duration offset, Duration retryInterval, boolean reportOnShutdown,
		ExpiredUsage expiredUsage, Duration acceptanceWindow, Duration lastSendMargin, Duration shutdownTimeout,
		Duration startSpread) {

	/**
	 * How far in the past MeterUsage accepts usage: six hours (see
	 * {@link AcceptanceWindow}).
	 */
	public static final Duration AWS_ACCEPTANCE_WINDOW = Duration.ofHours(6);

	/**
	 * Return the defaults: report one minute after the hour without spread, retry every
	 * minute, report on shutdown, carry expired usage forward.
	 * @return the default settings
	 */
	public static ReportingSettings defaults() {
		return new ReportingSettings(Duration.ofMinutes(1), Duration.ofMinutes(1), true, ExpiredUsage.CARRY_FORWARD,
				AWS_ACCEPTANCE_WINDOW, Duration.ofMinutes(15), Duration.ofSeconds(30), Duration.ZERO);
	}

}
