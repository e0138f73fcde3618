package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.metering.core.MeteringOperations;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportingStatistics.Cycle;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Reports the usage in the {@link UsageLedger} to AWS, hour by hour.
 * <p>
 * It owns one named scheduler thread. Shortly after each hour boundary (the
 * {@link ReportingSettings#offset() offset}) it seals the hours that ended and sends
 * their reports; while anything is pending (throttling, an outage) it runs again every
 * {@link ReportingSettings#retryInterval() retry interval}. Runs never overlap, and a run
 * never throws. Own usage goes out with MeterUsage, customers' usage with
 * BatchMeterUsage, each call through the {@code marketplaceMetering} Resilience4j
 * {@link RateLimiter} and {@link Retry}.
 * <p>
 * It stops after the web server (a late phase), so that the usage of requests still in
 * flight is recorded; on stop it reports what is pending and, when
 * {@link ReportingSettings#reportOnShutdown()}, seals and reports the current partial
 * hour as well. Usage recorded after that moves on to the next hour.
 *
 * @author metering-spring-boot
 */
public class UsageReporter implements SmartLifecycle {

	/** Stops after the web server's graceful shutdown, before the ledger closes. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(UsageReporter.class);

	private final UsageLedger ledger;

	private final Clock clock;

	private final ReportingSettings settings;

	private final ReportingStatistics statistics = new ReportingStatistics();

	private final MeterUsageSender meterUsage;

	private final BatchMeterUsageSender batchMeterUsage;

	private final ReentrantLock running = new ReentrantLock();

	private volatile ScheduledExecutorService scheduler;

	/**
	 * Create a new reporter.
	 * @param ledger the ledger to report from
	 * @param metering the gateway to the Metering Service
	 * @param retry the retry of each call
	 * @param rateLimiter the rate limit of all calls
	 * @param clock the clock that decides which hours have ended
	 * @param settings how to run
	 */
	public UsageReporter(UsageLedger ledger, MeteringOperations metering, Retry retry, RateLimiter rateLimiter,
			Clock clock, ReportingSettings settings) {
		this.ledger = ledger;
		this.clock = clock;
		this.settings = settings;
		ResilientCall calls = new ResilientCall(retry, rateLimiter, this.statistics);
		ReportOutcomes outcomes = new ReportOutcomes(ledger, settings, clock, this.statistics);
		this.meterUsage = new MeterUsageSender(ledger, metering, calls, outcomes);
		this.batchMeterUsage = new BatchMeterUsageSender(ledger, metering, calls, outcomes);
	}

	/**
	 * Report every hour that has ended now and, optionally, the current hour, which is
	 * then sealed: usage recorded later in it moves on to the next hour. Waits for a
	 * report already running.
	 * @param includeCurrentHour whether to seal and report the current partial hour
	 * @return what this report did
	 */
	public Cycle report(boolean includeCurrentHour) {
		this.running.lock();
		try {
			Instant started = this.clock.instant();
			long reportedBefore = this.statistics.count(ReportOutcome.REPORTED);
			this.settings.zeroUsageDimensions().forEach((dimension) -> this.ledger.record(UsageKey.of(dimension), 0));
			this.ledger.seal(includeCurrentHour ? started : started.truncatedTo(ChronoUnit.HOURS));
			List<UsageReport> pending = this.ledger.pendingReports();
			this.meterUsage.send(pending.stream().filter((report) -> report.customer() == null).toList());
			this.batchMeterUsage.send(pending.stream().filter((report) -> report.customer() != null).toList());
			int reported = (int) (this.statistics.count(ReportOutcome.REPORTED) - reportedBefore);
			int stillPending = this.ledger.pendingReports().size();
			if (stillPending > 0) {
				logger.warn(stillPending + " usage reports are still pending after this run (throttled or no answer "
						+ "from AWS Marketplace); they are sent again at the next run");
			}
			Cycle cycle = new Cycle(started, this.clock.instant(), reported, stillPending, null);
			this.statistics.cycleEnded(cycle);
			return cycle;
		}
		finally {
			this.running.unlock();
		}
	}

	/**
	 * Return what the reporter has done so far.
	 * @return the statistics
	 */
	public ReportingStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * Return how long to wait before the next scheduled run.
	 * @param now the current time
	 * @param pending whether reports are still pending
	 * @return the delay
	 */
	Duration nextRunDelay(Instant now, boolean pending) {
		Instant nextHourRun = now.truncatedTo(ChronoUnit.HOURS).plus(this.settings.offset());
		if (!nextHourRun.isAfter(now)) {
			nextHourRun = nextHourRun.plus(Duration.ofHours(1));
		}
		Duration untilNextHour = Duration.between(now, nextHourRun);
		return (pending && this.settings.retryInterval().compareTo(untilNextHour) < 0) ? this.settings.retryInterval()
				: untilNextHour;
	}

	@Override
	public void start() {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "marketplace-metering-reporter");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = scheduler;
		scheduler.execute(this::scheduledRun);
	}

	private void scheduledRun() {
		boolean pending = true;
		try {
			pending = report(false).pending() > 0;
		}
		catch (RuntimeException ex) {
			logger.error("Reporting usage to AWS Marketplace failed; trying again at the next run", ex);
			this.statistics.cycleEnded(new Cycle(this.clock.instant(), this.clock.instant(), 0, -1, ex.toString()));
		}
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null && !scheduler.isShutdown()) {
			long delay = nextRunDelay(this.clock.instant(), pending).toMillis();
			scheduler.schedule(this::scheduledRun, delay, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		this.scheduler = null;
		scheduler.shutdownNow();
		try {
			scheduler.awaitTermination(this.settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
			Cycle last = report(this.settings.reportOnShutdown());
			if (last.pending() > 0) {
				logger.warn(last.pending() + " usage reports could not be sent before shutdown; they stay in the "
						+ "ledger and are sent after the next start");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.error("Reporting usage at shutdown failed; it stays in the ledger for the next start", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
