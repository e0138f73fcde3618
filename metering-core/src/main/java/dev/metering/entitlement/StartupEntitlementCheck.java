package dev.metering.entitlement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.util.Assert;

/**
 * The {@link EntitlementCheck} made when the bean is initialized, before the application
 * serves. Retryable failures (throttling, service errors, no answer) are attempted again
 * with a {@link Backoff} until the startup timeout; every other failure is a definite
 * answer, final at once. A definite failure throws {@link EntitlementException}, or, with
 * {@link OnEntitlementFailure#DEGRADE}, is logged and kept in the status.
 * <p>
 * Without any answer before the startup timeout (an AWS incident) the application starts
 * with the entitlement {@link EntitlementStatus.State#NOT_CHECKED not checked}, and the
 * check goes on in the background on a thread of its own, with the recheck backoff, until
 * AWS answers. {@link #destroy()} stops it without interrupting a call in flight.
 *
 * @author metering-spring-boot
 */
public class StartupEntitlementCheck implements EntitlementCheck, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(StartupEntitlementCheck.class);

	private final EntitlementProbe probe;

	private final String productCode;

	private final Integer publicKeyVersion;

	private OnEntitlementFailure onFailure = OnEntitlementFailure.FAIL;

	private Duration startupTimeout = Duration.ofSeconds(30);

	private Clock clock = Clock.systemUTC();

	private Backoff backoff = Backoff.exponentialWithJitter(Duration.ofMillis(200), Duration.ofSeconds(5));

	private Backoff recheckBackoff = Backoff.exponentialWithJitter(Duration.ofSeconds(10), Duration.ofMinutes(5));

	private Sleeper sleeper = Sleeper.threadSleep();

	private volatile EntitlementStatus status;

	private ScheduledThreadPoolExecutor rechecks;

	private boolean stopped;

	/**
	 * Create a check.
	 * @param probe the call that proves the entitlement
	 * @param productCode the product code, for the status
	 * @param publicKeyVersion the public key version of a RegisterUsage check, or
	 * {@code null}
	 */
	public StartupEntitlementCheck(EntitlementProbe probe, String productCode, Integer publicKeyVersion) {
		Assert.notNull(probe, "'probe' must not be null");
		this.probe = probe;
		this.productCode = productCode;
		this.publicKeyVersion = publicKeyVersion;
		this.status = EntitlementStatus.notChecked(productCode, publicKeyVersion);
	}

	/**
	 * Set what to do when the check fails; {@link OnEntitlementFailure#FAIL} by default.
	 * @param onFailure what to do
	 */
	public void setOnFailure(OnEntitlementFailure onFailure) {
		this.onFailure = onFailure;
	}

	/**
	 * Set how long retryable failures are attempted again; 30 seconds by default.
	 * @param startupTimeout the time allowed for the check
	 */
	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	/**
	 * Set the clock of the deadline and of the status.
	 * @param clock the clock
	 */
	void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Set the delay between attempts.
	 * @param backoff the backoff
	 */
	public void setBackoff(Backoff backoff) {
		this.backoff = backoff;
	}

	/**
	 * Set the delay between the background checks that follow a startup without an
	 * answer; exponential from 10 seconds to 5 minutes, with jitter, by default.
	 * @param recheckBackoff the backoff
	 */
	public void setRecheckBackoff(Backoff recheckBackoff) {
		this.recheckBackoff = recheckBackoff;
	}

	/**
	 * Set how to wait between attempts.
	 * @param sleeper the sleeper
	 */
	void setSleeper(Sleeper sleeper) {
		this.sleeper = sleeper;
	}

	@Override
	public void afterPropertiesSet() {
		check();
	}

	@Override
	public EntitlementStatus getStatus() {
		return this.status;
	}

	/**
	 * Stop the background checks, if any: a check in flight finishes (within the API call
	 * timeout), no other starts, and no thread is interrupted.
	 */
	@Override
	public synchronized void destroy() {
		this.stopped = true;
		if (this.rechecks != null) {
			this.rechecks.shutdown();
		}
	}

	/**
	 * Run the check and keep its result. Without an answer before the startup timeout,
	 * the entitlement stays not checked and the check goes on in the background.
	 * @return the status
	 * @throws EntitlementException if AWS answered that the application must not serve
	 */
	public EntitlementStatus check() {
		Instant started = this.clock.instant();
		try {
			attemptUntilDeadline();
			confirmed();
		}
		catch (Unanswered ex) {
			this.status = EntitlementStatus.unanswered(ex, this.clock.instant(), started, this.productCode,
					this.publicKeyVersion);
			logger.warn("AWS Marketplace gave no entitlement answer before the startup timeout; starting with the "
					+ "entitlement not checked and checking again in the background: " + ex.getMessage());
			recheckLater(1);
		}
		catch (EntitlementException ex) {
			this.status = EntitlementStatus.failed(ex, this.clock.instant(), this.productCode, this.publicKeyVersion);
			if (this.onFailure == OnEntitlementFailure.FAIL) {
				throw ex;
			}
			logger.warn("AWS Marketplace entitlement not confirmed (" + ex.getReason()
					+ "), starting anyway (aws.marketplace.metering.entitlement.on-failure=degrade): "
					+ ex.getMessage());
		}
		return this.status;
	}

	private void confirmed() {
		EntitlementStatus before = this.status;
		this.status = EntitlementStatus.entitled(this.clock.instant(), this.productCode, this.publicKeyVersion);
		if (before.uncheckedSince() != null) {
			logger.info("AWS Marketplace entitlement confirmed for product " + this.productCode + " after "
					+ Duration.between(before.uncheckedSince(), this.status.checkedAt()) + " not checked");
		}
		else {
			logger.info("AWS Marketplace entitlement confirmed for product " + this.productCode);
		}
	}

	private synchronized void recheckLater(int attempt) {
		if (this.stopped) {
			return;
		}
		if (this.rechecks == null) {
			this.rechecks = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "metering-entitlement-recheck");
				thread.setDaemon(true);
				return thread;
			});
			this.rechecks.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		}
		this.rechecks.schedule(() -> recheck(attempt), this.recheckBackoff.delay(attempt).toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private void recheck(int attempt) {
		try {
			this.probe.attempt();
			confirmed();
			destroy();
		}
		catch (MeteringException ex) {
			if (ex.getOutcome() == MeteringOutcome.RETRYABLE) {
				EntitlementStatus unchecked = this.status;
				this.status = new EntitlementStatus(unchecked.state(), unchecked.reason(), ex.getErrorCode(),
						ex.getMessage(), this.clock.instant(), this.productCode, this.publicKeyVersion,
						unchecked.uncheckedSince());
				recheckLater(attempt + 1);
				return;
			}
			EntitlementException refusal = EntitlementException.refusedBy(ex);
			refused(refusal);
		}
		catch (EntitlementException ex) {
			refused(ex);
		}
		catch (RuntimeException ex) {
			logger.warn("AWS Marketplace entitlement check failed in the background; checking again later", ex);
			recheckLater(attempt + 1);
		}
	}

	private void refused(EntitlementException ex) {
		this.status = EntitlementStatus.failed(ex, this.clock.instant(), this.productCode, this.publicKeyVersion);
		logger.error("AWS Marketplace answered the background entitlement check: not entitled (" + ex.getReason()
				+ "); the application must not serve this buyer: " + ex.getMessage());
		destroy();
	}

	private void attemptUntilDeadline() {
		Instant deadline = this.clock.instant().plus(this.startupTimeout);
		for (int attempt = 1;; attempt++) {
			try {
				this.probe.attempt();
				return;
			}
			catch (MeteringException ex) {
				if (ex.getOutcome() != MeteringOutcome.RETRYABLE) {
					throw EntitlementException.refusedBy(ex);
				}
				Duration delay = this.backoff.delay(attempt);
				if (this.clock.instant().plus(delay).isAfter(deadline)) {
					String what = attempt + " attempts failed within the startup timeout of " + this.startupTimeout;
					throw new Unanswered(what, ex);
				}
				pause(delay, ex);
			}
		}
	}

	private void pause(Duration delay, MeteringException last) {
		try {
			this.sleeper.sleep(delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw timeout("interrupted while waiting to retry", last);
		}
	}

	private static EntitlementException timeout(String what, MeteringException last) {
		return new EntitlementException(EntitlementReason.TIMEOUT, last.getErrorCode(),
				"No entitlement answer: " + what + ", the last with: " + last.getMessage(), last);
	}

	/**
	 * Every attempt until the deadline failed without an answer (throttling, 5xx, network
	 * errors): an AWS incident, not a verdict, so the application starts not checked.
	 */
	private static final class Unanswered extends EntitlementException {

		Unanswered(String what, MeteringException last) {
			super(EntitlementReason.TIMEOUT, last.getErrorCode(),
					"No entitlement answer: " + what + ", the last with: " + last.getMessage(), last);
		}

	}

}
