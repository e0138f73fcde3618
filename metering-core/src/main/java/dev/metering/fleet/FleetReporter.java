package dev.metering.fleet;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Makes the one replica that holds the {@link FleetLease} report the fleet's customers'
 * usage. Every interval each replica tries to take or renew the lease; the holder runs a
 * report. While a report runs, the lease is renewed every third of its duration, so a
 * long run (a throttled catch-up) keeps it. A leader that dies stops renewing: another
 * replica leads at most one lease duration plus one interval later, and resends the
 * reports left sending identically (their requests are stored in the shared ledger).
 *
 * @author metering-spring-boot
 */
public class FleetReporter implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(FleetReporter.class);

	private final FleetLease lease;

	private final Runnable report;

	private final Duration interval;

	private final AtomicBoolean leading = new AtomicBoolean();

	private volatile ScheduledExecutorService scheduler;

	/**
	 * Create the fleet's reporter of one replica.
	 * @param lease the replica's lease
	 * @param report reports the shared ledger's closed hours once
	 * @param interval how often to try to lead and report
	 */
	public FleetReporter(FleetLease lease, Runnable report, Duration interval) {
		this.lease = lease;
		this.report = report;
		this.interval = interval;
	}

	/**
	 * Take or renew the lease and, when held, report once.
	 * @return whether this replica led
	 */
	public boolean runOnce() {
		boolean leads;
		try {
			leads = this.lease.acquire();
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot take or renew the fleet's reporter lease; trying again in " + this.interval, ex);
			leads = false;
		}
		if (this.leading.getAndSet(leads) != leads) {
			logger.info("This replica (" + this.lease.getReplicaId() + ") "
					+ (leads ? "leads the fleet's reporting now" : "no longer leads the fleet's reporting"));
		}
		if (leads) {
			this.report.run();
			this.lease.reported();
		}
		return leads;
	}

	/**
	 * Return whether this replica held the lease at its last try.
	 * @return whether it leads
	 */
	public boolean isLeading() {
		return this.leading.get();
	}

	private void scheduledRun() {
		try {
			runOnce();
		}
		catch (RuntimeException ex) {
			logger.error("Reporting the fleet's usage failed; trying again in " + this.interval, ex);
		}
	}

	private void renew() {
		if (this.leading.get()) {
			try {
				this.leading.set(this.lease.acquire());
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot renew the fleet's reporter lease", ex);
			}
		}
	}

	@Override
	public void start() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, (runnable) -> {
			Thread thread = new Thread(runnable, "marketplace-metering-fleet-reporter");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		scheduler.scheduleWithFixedDelay(this::scheduledRun, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		long renewal = Math.max(1, this.lease.getDuration().toMillis() / 3);
		scheduler.scheduleAtFixedRate(this::renew, renewal, renewal, TimeUnit.MILLISECONDS);
		this.scheduler = scheduler;
	}

	/**
	 * Stop scheduling and give the lease up, so another replica leads at once. A report
	 * in flight ends on its own (no thread is interrupted); its reports stay pending in
	 * the shared ledger for the next leader.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		this.scheduler = null;
		scheduler.shutdown();
		try {
			this.lease.release();
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot give the fleet's reporter lease up; another replica takes it over when it expires", ex);
		}
		this.leading.set(false);
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
