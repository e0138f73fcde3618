package dev.metering.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Waits, at shutdown, for the tasks of Boot's application task executor before the final
 * usage report, when the application asked for them to complete
 * ({@code spring.task.execution.shutdown.await-termination=true}). Spring itself waits
 * for them only when it destroys the executor, after every lifecycle bean, the reporter
 * included, has stopped: their usage would miss the final report, or the closed ledger.
 * <p>
 * Stops after the web server and before the {@link dev.metering.reporting.UsageReporter}:
 * the executor takes no new task, and the queued and running ones complete, for at most
 * the {@code spring.task.execution.shutdown.await-termination-period} when it is set and
 * at most the lifecycle's timeout per shutdown phase.
 *
 * @author metering-spring-boot
 */
final class TaskExecutorDrain
		implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	/**
	 * After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024} on both Boot
	 * lines) and stop, before the reporter.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

	private static final Log logger = LogFactory.getLog(TaskExecutorDrain.class);

	private final ThreadPoolTaskExecutor executor;

	private final Duration awaitTerminationPeriod;

	private ApplicationContext context;

	private volatile boolean running;

	private volatile boolean closing;

	/**
	 * Create a new drain.
	 * @param executor the application task executor
	 * @param awaitTerminationPeriod how long to wait at most, {@code null} for as long as
	 * the shutdown phase lasts
	 */
	TaskExecutorDrain(ThreadPoolTaskExecutor executor, Duration awaitTerminationPeriod) {
		this.executor = executor;
		this.awaitTerminationPeriod = awaitTerminationPeriod;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.context) {
			this.closing = true;
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	/**
	 * When the context closes, shut the executor down and call back once its tasks
	 * completed; on a mere stop of the context, leave the executor to pause itself.
	 */
	@Override
	public void stop(Runnable callback) {
		this.running = false;
		if (!this.closing) {
			callback.run();
			return;
		}
		this.executor.initiateShutdown();
		ThreadPoolExecutor pool = this.executor.getThreadPoolExecutor();
		// waits on a thread of its own: the lifecycle processor bounds the phase
		Thread waiter = new Thread(() -> {
			try {
				awaitTermination(pool);
			}
			finally {
				callback.run();
			}
		}, "metering-task-executor-drain");
		waiter.setDaemon(true);
		waiter.start();
	}

	private void awaitTermination(ThreadPoolExecutor pool) {
		long nanos = (this.awaitTerminationPeriod != null) ? this.awaitTerminationPeriod.toNanos() : Long.MAX_VALUE;
		try {
			if (!pool.awaitTermination(nanos, TimeUnit.NANOSECONDS)) {
				logger.warn("The application task executor's tasks did not complete within "
						+ this.awaitTerminationPeriod + "; usage they record from now on misses the final report");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
