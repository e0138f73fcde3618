package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportingStatistics.Cycle;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Reports the usage in the ledger to AWS, hour by hour, through the ledger's
 * {@link ReportOutbox} and the {@link MeteringGateway}.
 * <p>
 * It owns one named scheduler thread. Shortly after each hour boundary (the
 * {@link ReportingSettings#offset() offset}) it seals the hours that ended and sends
 * their reports, oldest first; while anything is pending (throttling, an outage) it runs
 * again every {@link ReportingSettings#retryInterval() retry interval}. Runs never
 * overlap, and a run never throws. Own usage goes out with MeterUsage, customers' usage
 * with BatchMeterUsage, each call through the {@code marketplaceMetering} Resilience4j
 * {@link RateLimiter} and {@link Retry}.
 * <p>
 * Each run has a budget: it starts no attempt and waits for no backoff or permit past the
 * time the next run is due, nor past a report's acceptance window. What is left waits for
 * the next run, which so starts on time whatever AWS does.
 * <p>
 * It stops after the web server (a late phase), so that the usage of requests still in
 * flight is recorded; on stop it reports what is pending and, when
 * {@link ReportingSettings#reportOnShutdown()}, seals and reports the current partial
 * hour as well. Usage recorded after that moves on to the next hour. The stop takes at
 * most {@link ReportingSettings#shutdownTimeout()} plus the call in flight (one API call
 * timeout); what AWS has not confirmed by then stays pending in the ledger, as after a
 * crash, and goes out after the next start. No thread is ever interrupted: an interrupt
 * must never break the ledger's file I/O.
 *
 * @author metering-spring-boot
 */
public class UsageReporter implements SmartLifecycle {

	/** Stops after the web server's graceful shutdown, before the ledger closes. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(UsageReporter.class);

	private final ReportOutbox outbox;

	private final Clock clock;

	private final ReportingSettings settings;

	private final Pause pause;

	private final ReportingStatistics statistics = new ReportingStatistics();

	private final RunErrors errors = new RunErrors();

	private final ReportSettler settler;

	private final MeterUsageSender meterUsage;

	private final BatchMeterUsageSender batchMeterUsage;

	private final ReentrantLock running = new ReentrantLock();

	private volatile CountDownLatch stopping = new CountDownLatch(1);

	private volatile ScheduledExecutorService scheduler;

	private final Duration startDelay;

	/**
	 * Create a new reporter.
	 * @param outbox the ledger's outbox to report from
	 * @param metering the gateway to the Metering Service
	 * @param retry the retry of each call
	 * @param rateLimiter the rate limit of all calls
	 * @param clock the clock that decides which hours have ended
	 * @param settings how to run
	 */
	public UsageReporter(ReportOutbox outbox, MeteringGateway metering, Retry retry, RateLimiter rateLimiter,
			Clock clock, ReportingSettings settings) {
		this(outbox, metering, retry, rateLimiter, clock, settings, Pause.REAL_TIME, new Random());
	}

	UsageReporter(ReportOutbox outbox, MeteringGateway metering, Retry retry, RateLimiter rateLimiter, Clock clock,
			ReportingSettings settings, Pause pause, RandomGenerator random) {
		this.outbox = outbox;
		this.clock = clock;
		this.settings = settings;
		this.pause = pause;
		long spread = settings.startSpread().toMillis();
		this.startDelay = Duration.ofMillis((spread > 0) ? random.nextLong(spread) : 0);
		ResilientCall calls = new ResilientCall(retry, rateLimiter, this.statistics, this.errors);
		this.settler = new ReportSettler(outbox, settings, clock, this.statistics, this.errors);
		this.meterUsage = new MeterUsageSender(outbox, metering, calls, this.settler);
		this.batchMeterUsage = new BatchMeterUsageSender(outbox, metering, calls, this.settler);
	}

	/**
	 * Report every hour that has ended now and, optionally, the current hour, which is
	 * then sealed: usage recorded later in it moves on to the next hour. Waits for a
	 * report already running. Like a scheduled run, it retries no report past the time
	 * the next run is due.
	 * @param includeCurrentHour whether to seal and report the current partial hour
	 * @return what this report did
	 */
	public Cycle report(boolean includeCurrentHour) {
		return run(includeCurrentHour, runDeadline(this.clock.instant()), false);
	}

	private Cycle run(boolean includeCurrentHour, Deadline deadline, boolean shutdown) {
		this.running.lock();
		try {
			this.errors.clear();
			Instant started = this.clock.instant();
			long reportedBefore = this.statistics.count(ReportState.REPORTED);
			this.outbox.seal(includeCurrentHour ? started : started.truncatedTo(ChronoUnit.HOURS));
			List<UsageReport> pending = this.outbox.pending()
				.stream()
				.sorted(Comparator.comparing(UsageReport::hour))
				.toList();
			this.meterUsage.send(pending.stream().filter((report) -> report.customer() == null).toList(), deadline);
			this.batchMeterUsage.send(pending.stream().filter((report) -> report.customer() != null).toList(),
					deadline);
			int reported = (int) (this.statistics.count(ReportState.REPORTED) - reportedBefore);
			Cycle cycle = new Cycle(started, this.clock.instant(), reported, this.outbox.pending().size(), null);
			this.statistics.cycleEnded(cycle);
			warnAbout(cycle.pending(), shutdown);
			return cycle;
		}
		finally {
			this.settler.runEnded();
			this.running.unlock();
		}
	}

	/**
	 * Log the warnings of a run that ended, naming the error codes AWS answered with: one
	 * for a refusal of the process's credentials or permissions, and one for the reports
	 * left pending. Expected conditions (throttling, a deadline) log no stack trace.
	 */
	private void warnAbout(int pending, boolean shutdown) {
		if (!this.errors.unauthorized().isEmpty()) {
			logger.warn("AWS Marketplace refused the credentials or permissions of this process ("
					+ String.join(", ", this.errors.unauthorized()) + "): check the IAM role or credentials the "
					+ "process runs with. It needs aws-marketplace:MeterUsage (own usage) or "
					+ "aws-marketplace:BatchMeterUsage (customers' usage), and temporary credentials must be "
					+ "refreshed before they expire. The usage stays pending in the ledger and is sent once the "
					+ "cause is fixed");
		}
		if (pending <= 0) {
			return;
		}
		String cause = "AWS Marketplace error codes: " + this.errors.summary();
		if (shutdown) {
			logger.warn(pending + " usage reports are left pending in the ledger at shutdown (not confirmed within "
					+ "the shutdown timeout of " + this.settings.shutdownTimeout() + "; " + cause
					+ "); they go out after the next start");
		}
		else {
			logger.warn(pending + " usage reports are still pending after this run (" + cause
					+ "; or the run's time was up); they are sent again at the next run");
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
	 * Return the settler, through which an operator acknowledges or replays a dead
	 * letter.
	 * @return the settler
	 */
	public ReportSettler getSettler() {
		return this.settler;
	}

	/**
	 * Return how long to wait before the next scheduled run.
	 * @param now the current time
	 * @param pending whether reports are still pending
	 * @return the delay
	 */
	Duration nextRunDelay(Instant now, boolean pending) {
		Instant nextHourRun = now.truncatedTo(ChronoUnit.HOURS).plus(this.settings.offset()).plus(this.startDelay);
		if (!nextHourRun.isAfter(now)) {
			nextHourRun = nextHourRun.plus(Duration.ofHours(1));
		}
		Duration untilNextHour = Duration.between(now, nextHourRun);
		return (pending && this.settings.retryInterval().compareTo(untilNextHour) < 0) ? this.settings.retryInterval()
				: untilNextHour;
	}

	/**
	 * Run as scheduled: report the hours that ended, until the next run is due.
	 * @return when the next run is due: a retry interval after this one started while
	 * reports are pending, else shortly after the next hour
	 */
	Instant scheduledRun() {
		Instant started = this.clock.instant();
		Deadline deadline = runDeadline(started);
		boolean pending = true;
		this.running.lock();
		try {
			if (deadline.isCut()) {
				// stopped while this run waited to start: the stop reported what was
				// pending,
				// and the ledger may be closed
				return deadline.at();
			}
			pending = run(false, deadline, false).pending() > 0;
		}
		catch (RuntimeException ex) {
			logger.error("Reporting usage to AWS Marketplace failed; trying again at the next run", ex);
			this.statistics.cycleEnded(new Cycle(started, this.clock.instant(), 0, -1, ex.toString()));
		}
		finally {
			this.running.unlock();
		}
		Instant now = this.clock.instant();
		return pending ? deadline.at() : now.plus(nextRunDelay(now, false));
	}

	/**
	 * Return the deadline of a run starting now: the time the next run is due while
	 * reports are pending. It is cut short when the reporter stops.
	 */
	private Deadline runDeadline(Instant now) {
		return new Deadline(this.clock, now.plus(nextRunDelay(now, true)), this.stopping, this.pause);
	}

	@Override
	public void start() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "marketplace-metering-reporter");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.stopping = new CountDownLatch(1);
		this.scheduler = scheduler;
		logger.info("Reporting usage to AWS Marketplace " + this.settings.offset().plus(this.startDelay)
				+ " after each hour (offset " + this.settings.offset() + " plus a random " + this.startDelay
				+ " within the start spread of " + this.settings.startSpread() + ")");
		scheduler.execute(this::runAndReschedule);
	}

	private void runAndReschedule() {
		Instant next = scheduledRun();
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			long delay = Math.max(0, Duration.between(this.clock.instant(), next).toMillis());
			try {
				scheduler.schedule(this::runAndReschedule, delay, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Stopping: the stop reports what is pending.
			}
		}
	}

	/**
	 * Stop within the shutdown timeout plus the call in flight: the scheduled run ends at
	 * its next attempt boundary, then the pending reports and, when configured, the
	 * current hour are reported until the shutdown timeout runs out. No thread is
	 * interrupted; what is not confirmed stays pending in the ledger for the next start.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		this.scheduler = null;
		Duration timeout = this.settings.shutdownTimeout();
		Deadline deadline = new Deadline(this.clock, this.clock.instant().plus(timeout), new CountDownLatch(1),
				this.pause);
		this.stopping.countDown();
		scheduler.shutdown();
		try {
			if (this.running.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
				try {
					run(this.settings.reportOnShutdown(), deadline, true);
				}
				finally {
					this.running.unlock();
				}
			}
			else {
				int pending = this.outbox.pending().size();
				if (pending > 0) {
					logger.warn(pending + " usage reports are left pending in the ledger at shutdown (the run in "
							+ "flight did not end within the shutdown timeout of " + timeout
							+ "); they go out after the next start");
				}
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
