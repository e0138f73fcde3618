package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.metering.ledger.ReportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a progress line for a long report run (throttling over thousands of customers) at
 * least every {@link #INTERVAL}, measured with the reporter's clock: how many reports AWS
 * confirmed so far and the error codes it answered with. Runs never overlap, so it is
 * used by one thread at a time.
 *
 * @author metering-spring-boot
 */
final class RunProgress {

	/** The longest time a run goes without a log line. */
	static final Duration INTERVAL = Duration.ofMinutes(5);

	private static final Logger logger = LoggerFactory.getLogger(UsageReporter.class);

	private final Clock clock;

	private final ReportingStatistics statistics;

	private final RunErrors errors;

	private Instant started;

	private Instant nextLine;

	private int reports;

	private long reportedBefore;

	RunProgress(Clock clock, ReportingStatistics statistics, RunErrors errors) {
		this.clock = clock;
		this.statistics = statistics;
		this.errors = errors;
	}

	void started(Instant at, int reports) {
		this.started = at;
		this.nextLine = at.plus(INTERVAL);
		this.reports = reports;
		this.reportedBefore = this.statistics.count(ReportState.REPORTED);
	}

	/**
	 * Log a progress line if the last one (or the start) is {@link #INTERVAL} ago.
	 */
	void tick() {
		if (this.started == null) {
			return;
		}
		Instant now = this.clock.instant();
		if (now.isBefore(this.nextLine)) {
			return;
		}
		while (!this.nextLine.isAfter(now)) {
			this.nextLine = this.nextLine.plus(INTERVAL);
		}
		long confirmed = this.statistics.count(ReportState.REPORTED) - this.reportedBefore;
		String errorCodes = this.errors.summary();
		logger.atInfo()
			.addKeyValue("reportsConfirmed", confirmed)
			.addKeyValue("reports", this.reports)
			.addKeyValue(ReportLogFields.ERROR_CODES, errorCodes)
			.log("The report run started at {} is still running after {}: {} of {} usage reports confirmed so far "
					+ "(AWS Marketplace error codes so far: {})", this.started,
					Duration.between(this.started, now).withNanos(0), confirmed, this.reports, errorCodes);
	}

	void ended() {
		this.started = null;
	}

}
