package dev.metering.entitlement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.util.Assert;

/**
 * The {@link EntitlementCheck} made once when the bean is initialized, before the
 * application serves. Retryable failures (throttling, service errors, no answer) are
 * attempted again with a {@link Backoff} until the startup timeout; every other failure
 * is final at once. A failure throws {@link EntitlementException}, or, with
 * {@link OnEntitlementFailure#DEGRADE}, is logged and kept in the status.
 *
 * @author metering-spring-boot
 */
public class StartupEntitlementCheck implements EntitlementCheck, InitializingBean {

	private static final Log logger = LogFactory.getLog(StartupEntitlementCheck.class);

	private final EntitlementProbe probe;

	private final String productCode;

	private final Integer publicKeyVersion;

	private OnEntitlementFailure onFailure = OnEntitlementFailure.FAIL;

	private Duration startupTimeout = Duration.ofSeconds(30);

	private Clock clock = Clock.systemUTC();

	private Backoff backoff = Backoff.exponentialWithJitter(Duration.ofMillis(200), Duration.ofSeconds(5));

	private Sleeper sleeper = Sleeper.threadSleep();

	private volatile EntitlementStatus status;

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
	public void setClock(Clock clock) {
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
	 * Set how to wait between attempts.
	 * @param sleeper the sleeper
	 */
	public void setSleeper(Sleeper sleeper) {
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
	 * Run the check and keep its result.
	 * @return the status
	 * @throws EntitlementException if the check fails and the application must not serve
	 */
	public EntitlementStatus check() {
		try {
			attemptUntilDeadline();
			this.status = EntitlementStatus.entitled(this.clock.instant(), this.productCode, this.publicKeyVersion);
			logger.info("AWS Marketplace entitlement confirmed for product " + this.productCode);
		}
		catch (EntitlementException ex) {
			this.status = EntitlementStatus.failed(ex, this.clock.instant(), this.productCode, this.publicKeyVersion);
			if (ex instanceof ThrottledUntilDeadline) {
				logger.warn("AWS Marketplace throttled every entitlement check until the startup timeout; starting "
						+ "with the entitlement not checked, as AWS allows for throttling: " + ex.getMessage());
				return this.status;
			}
			if (this.onFailure == OnEntitlementFailure.FAIL) {
				throw ex;
			}
			logger.warn("AWS Marketplace entitlement not confirmed (" + ex.getReason()
					+ "), starting anyway (aws.marketplace.metering.entitlement.on-failure=degrade): "
					+ ex.getMessage());
		}
		return this.status;
	}

	private void attemptUntilDeadline() {
		Instant deadline = this.clock.instant().plus(this.startupTimeout);
		boolean allThrottled = true;
		for (int attempt = 1;; attempt++) {
			try {
				this.probe.attempt();
				return;
			}
			catch (MeteringException ex) {
				if (ex.getOutcome() != MeteringOutcome.RETRYABLE) {
					throw EntitlementException.refusedBy(ex);
				}
				allThrottled &= ex.isThrottling();
				Duration delay = this.backoff.delay(attempt);
				if (this.clock.instant().plus(delay).isAfter(deadline)) {
					String what = attempt + " attempts failed within the startup timeout of " + this.startupTimeout;
					throw allThrottled ? new ThrottledUntilDeadline(what, ex) : timeout(what, ex);
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
	 * Every attempt until the deadline was throttled: the one startup error that does not
	 * stop a container from serving (GUIDE §2), so the check ends as not checked.
	 */
	private static final class ThrottledUntilDeadline extends EntitlementException {

		ThrottledUntilDeadline(String what, MeteringException last) {
			super(EntitlementReason.TIMEOUT, last.getErrorCode(),
					"No entitlement answer: " + what + ", all throttled: " + last.getMessage(), last);
		}

	}

}
