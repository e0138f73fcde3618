package dev.metering.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.metering.ledger.Allocation;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportSettler;
import dev.metering.reporting.UsageReporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Publishes a replica's customers' usage from its local ledger to the shared ledger:
 * every flush interval, and once more when it stops.
 * <p>
 * Each flush writes the replica's cumulative total per key and hour, open hours and hours
 * the local ledger sealed alike, never a delta: a replayed flush counts once. A sealed
 * local report of a customer is settled locally only once its totals are committed in the
 * shared ledger; until then it stays in the local ledger, so a replica restarted on its
 * own directory publishes what it had not. While the database is down, usage stays in the
 * local ledger and the next flush publishes it.
 *
 * @author metering-spring-boot
 */
public class FleetPublisher implements SmartLifecycle {

	/**
	 * Stops after the local {@link UsageReporter}, which may seal the current hour at
	 * shutdown, so that the last flush publishes it.
	 */
	public static final int PHASE = UsageReporter.PHASE - 1;

	private static final Log logger = LogFactory.getLog(FleetPublisher.class);

	private final UsageLedger ledger;

	private final ReportSettler settler;

	private final Contributions contributions;

	private final String replicaId;

	private final String reportingIdentity;

	private final Clock clock;

	private final Duration flushInterval;

	private final Map<Contribution, Long> published = new HashMap<>();

	private volatile ScheduledExecutorService scheduler;

	private volatile Instant lastPublish;

	private volatile Duration clockSkew = Duration.ZERO;

	private int failedFlushes;

	/**
	 * Create a publisher.
	 * @param ledger the replica's local ledger
	 * @param outbox the local ledger's outbox, where the published reports are settled
	 * @param dataSource the shared ledger's database
	 * @param schema the shared ledger's tables
	 * @param replicaId the replica's id, stable across restarts (see {@link ReplicaIds})
	 * @param reportingIdentity the replica's reporting identity, for operators
	 * @param clock the replica's clock
	 * @param flushInterval how often to publish
	 */
	public FleetPublisher(UsageLedger ledger, ReportOutbox outbox, DataSource dataSource, FleetSchema schema,
			String replicaId, String reportingIdentity, Clock clock, Duration flushInterval) {
		this.ledger = ledger;
		this.settler = ReportSettler.detached(outbox);
		this.contributions = new Contributions(dataSource, schema);
		this.replicaId = replicaId;
		this.reportingIdentity = reportingIdentity;
		this.clock = clock;
		this.flushInterval = flushInterval;
	}

	/**
	 * Publish the customers' usage of the local ledger now: the totals that changed since
	 * the last flush, then settle the local reports they cover.
	 * @return the number of totals written
	 * @throws DataAccessException if the shared ledger cannot be written: nothing was
	 * settled locally, and the next flush writes it all again
	 */
	public synchronized int flush() {
		LedgerView view = pendingView();
		Map<Contribution, Long> totals = new HashMap<>();
		for (LedgerView.OpenUsage open : view.openUsage()) {
			if (open.key().customer() != null) {
				totals.merge(new Contribution(open.key(), open.hour()), open.quantity(), Long::sum);
			}
		}
		List<UsageReport> sealed = new ArrayList<>();
		for (UsageReport report : view.reports()) {
			if (report.customer() != null && report.state().isPending()) {
				sealed.add(report);
				for (Allocation allocation : report.allocations()) {
					UsageKey key = new UsageKey(report.dimension(), report.customer(), report.license(),
							allocation.tags());
					totals.merge(new Contribution(key, report.hour()), allocation.quantity(), Long::sum);
				}
			}
		}
		Map<Contribution, Long> changed = new HashMap<>();
		totals.forEach((contribution, quantity) -> {
			if (!Objects.equals(this.published.get(contribution), quantity)) {
				changed.put(contribution, quantity);
			}
		});
		this.clockSkew = this.contributions.publish(this.replicaId, this.reportingIdentity, changed,
				this.clock.instant());
		this.lastPublish = this.clock.instant();
		this.published.keySet().retainAll(totals.keySet());
		this.published.putAll(changed);
		for (UsageReport report : sealed) {
			this.settler.handedOver(report, "fleet:" + this.replicaId);
		}
		return changed.size();
	}

	/**
	 * Read only what a flush publishes: the open usage and the pending reports, never the
	 * settled history that {@link UsageLedger#view()} copies.
	 */
	private LedgerView pendingView() {
		return (this.ledger instanceof MeteringLedger local) ? local.pendingView() : this.ledger.view();
	}

	/**
	 * Return the replica's id in the shared ledger.
	 * @return the id
	 */
	public String getReplicaId() {
		return this.replicaId;
	}

	/**
	 * Return when this replica last published, on its own clock.
	 * @return the instant, or {@code null} before the first publish
	 */
	public Instant getLastPublish() {
		return this.lastPublish;
	}

	/**
	 * Return how far this replica's clock was ahead of the database's at the last publish
	 * (negative: behind), measured within one round trip.
	 * @return the skew
	 */
	public Duration getClockSkew() {
		return this.clockSkew;
	}

	private synchronized void scheduledFlush() {
		try {
			flush();
			if (this.failedFlushes > 0) {
				logger.warn("Publishing usage to the shared ledger works again after " + this.failedFlushes
						+ " failed flushes");
			}
			this.failedFlushes = 0;
		}
		catch (RuntimeException ex) {
			if (Long.bitCount(++this.failedFlushes) == 1) {
				logger.warn("Publishing usage to the shared ledger failed (" + this.failedFlushes
						+ " flushes in a row); the usage stays in the local ledger and the next flush publishes it",
						ex);
			}
		}
	}

	@Override
	public void start() {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "marketplace-metering-fleet-publisher");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		long interval = this.flushInterval.toMillis();
		scheduler.scheduleWithFixedDelay(this::scheduledFlush, interval, interval, TimeUnit.MILLISECONDS);
		this.scheduler = scheduler;
	}

	/**
	 * Stop after the flush in progress, then publish once more. No thread is interrupted.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		this.scheduler = null;
		scheduler.shutdown();
		scheduledFlush();
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
