package dev.metering.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.metering.reporting.ReportingStatistics;
import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;

import org.springframework.lang.Nullable;

/**
 * The report runs asked for through the endpoint: each runs on a thread of its own, so
 * that a request waits for it at most a bounded time, however long AWS makes it last
 * (throttling, an outage). One runs at a time; a request while one runs answers that run.
 * The last {@value #KEPT} are kept, to read their progress and result.
 * <p>
 * Closing stops taking runs and lets a run in flight finish: its thread is never
 * interrupted (the reporter's stop cuts it short).
 *
 * @author metering-spring-boot
 */
final class ReportRuns implements AutoCloseable {

	/** How many runs are kept to be read. */
	static final int KEPT = 10;

	private final UsageReporter reporter;

	private final Clock clock;

	private final Duration wait;

	private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(), (runnable) -> {
				Thread thread = new Thread(runnable, "marketplace-metering-endpoint");
				thread.setDaemon(true);
				return thread;
			});

	private final Deque<Run> kept = new ArrayDeque<>();

	/**
	 * Create the runs of an endpoint.
	 * @param reporter the reporter that runs them
	 * @param clock the clock of the request times
	 * @param wait how long a request waits for its run before it answers
	 */
	ReportRuns(UsageReporter reporter, Clock clock, Duration wait) {
		this.reporter = reporter;
		this.clock = clock;
		this.wait = wait;
	}

	/**
	 * Start a run, unless one is running, and wait for it at most the bounded wait.
	 * @param includeCurrentHour whether to seal and report the current hour too
	 * @return the run started, or the one running
	 */
	MeteringEndpoint.ReportRun start(boolean includeCurrentHour) {
		Run run;
		synchronized (this.kept) {
			Run last = this.kept.peekLast();
			if (last != null && !last.isDone()) {
				return last.describe();
			}
			run = new Run(UUID.randomUUID().toString(), includeCurrentHour, this.clock.instant(),
					this.reporter.getStatistics());
			this.kept.addLast(run);
			if (this.kept.size() > KEPT) {
				this.kept.removeFirst();
			}
		}
		try {
			this.executor.execute(() -> run.execute(this.reporter));
		}
		catch (RejectedExecutionException ex) {
			run.failed("the application is stopping");
		}
		run.await(this.wait);
		return run.describe();
	}

	/**
	 * Return a run kept.
	 * @param id the run's id
	 * @return the run, or {@code null} if no run with this id is kept
	 */
	@Nullable
	MeteringEndpoint.ReportRun find(String id) {
		synchronized (this.kept) {
			return this.kept.stream().filter((run) -> run.id.equals(id)).findFirst().map(Run::describe).orElse(null);
		}
	}

	/**
	 * Return the runs kept, the newest first.
	 * @return the runs
	 */
	List<MeteringEndpoint.ReportRun> recent() {
		synchronized (this.kept) {
			List<MeteringEndpoint.ReportRun> runs = new ArrayList<>(this.kept.size());
			this.kept.descendingIterator().forEachRemaining((run) -> runs.add(run.describe()));
			return runs;
		}
	}

	@Override
	public void close() {
		this.executor.shutdown();
	}

	/**
	 * One run: its outcomes are counted from the reporter's statistics since it was asked
	 * for, live while it runs.
	 */
	private static final class Run {

		private final String id;

		private final boolean includeCurrentHour;

		private final Instant requested;

		private final ReportingStatistics statistics;

		private final Map<String, Long> countsBefore;

		private final CountDownLatch done = new CountDownLatch(1);

		private volatile Cycle cycle;

		private volatile String failure;

		private volatile Map<String, Long> outcomes;

		Run(String id, boolean includeCurrentHour, Instant requested, ReportingStatistics statistics) {
			this.id = id;
			this.includeCurrentHour = includeCurrentHour;
			this.requested = requested;
			this.statistics = statistics;
			this.countsBefore = MeteringEndpoint.outcomes(statistics);
		}

		void execute(UsageReporter reporter) {
			try {
				this.cycle = reporter.report(this.includeCurrentHour);
				this.failure = this.cycle.failure();
			}
			catch (RuntimeException ex) {
				this.failure = ex.toString();
			}
			finally {
				this.outcomes = outcomesSoFar();
				this.done.countDown();
			}
		}

		void failed(String failure) {
			this.failure = failure;
			this.outcomes = Map.of();
			this.done.countDown();
		}

		void await(Duration wait) {
			try {
				this.done.await(wait.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		boolean isDone() {
			return this.done.getCount() == 0;
		}

		MeteringEndpoint.ReportRun describe() {
			boolean finished = isDone();
			Cycle cycle = this.cycle;
			MeteringEndpoint.RunState state = !finished ? MeteringEndpoint.RunState.RUNNING
					: (this.failure != null) ? MeteringEndpoint.RunState.FAILED : MeteringEndpoint.RunState.DONE;
			return new MeteringEndpoint.ReportRun(this.id, state, this.includeCurrentHour, this.requested,
					(cycle != null) ? cycle.started() : null, (cycle != null) ? cycle.ended() : null,
					finished ? this.outcomes : outcomesSoFar(), (cycle != null) ? cycle.pending() : null, this.failure,
					note());
		}

		private Map<String, Long> outcomesSoFar() {
			Map<String, Long> outcomes = new LinkedHashMap<>();
			MeteringEndpoint.outcomes(this.statistics).forEach((outcome, count) -> {
				long since = count - this.countsBefore.getOrDefault(outcome, 0L);
				if (since > 0) {
					outcomes.put(outcome, since);
				}
			});
			return outcomes;
		}

		@Nullable
		private String note() {
			if (!this.includeCurrentHour) {
				return null;
			}
			Instant hour = this.requested.truncatedTo(ChronoUnit.HOURS);
			return "The current hour (" + hour + ") is sealed and reported: usage recorded later in that hour "
					+ "moves to the next hour (" + hour.plus(Duration.ofHours(1)) + ")";
		}

	}

}
