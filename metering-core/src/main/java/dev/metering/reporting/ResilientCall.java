package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import dev.metering.core.InvalidMeteringRequestException;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Calls the Metering Service with the attempts and backoff of a Resilience4j
 * {@link Retry}, each attempt taking a permit of a {@link RateLimiter}, all within a
 * {@link Deadline}. Only retryable failures are ever given to the {@code Retry}; refusals
 * come back as values. So whatever the {@code Retry} is configured to retry, a duplicate
 * or a rejection is never sent twice. A refusal of the caller's credentials or
 * permissions is not retried now, but left pending for the next run: the usage is never
 * dead-lettered for it. Each attempt's duration is recorded in the
 * {@link ReportingStatistics}, and each failure's error code in the {@link RunErrors}.
 * <p>
 * The waits for a backoff or a permit are the caller's, so that the run's
 * {@link Deadline} bounds them: no attempt starts past it, and a wait that would end past
 * it is not started. A call in flight is never interrupted.
 *
 * @author metering-spring-boot
 */
final class ResilientCall {

	private static final Log logger = LogFactory.getLog(ResilientCall.class);

	private final Retry retry;

	private final RateLimiter rateLimiter;

	private final ReportingStatistics statistics;

	private final RunErrors errors;

	ResilientCall(Retry retry, RateLimiter rateLimiter, ReportingStatistics statistics, RunErrors errors) {
		this.retry = retry;
		this.rateLimiter = rateLimiter;
		this.statistics = statistics;
		this.errors = errors;
	}

	/**
	 * Call until AWS answers, the retries are used up, or the deadline passes. The first
	 * attempt may start until the run's deadline; retries stop at the end of the
	 * acceptance window too, so that a report already sent is still resent once per run
	 * after its window, for AWS to settle it.
	 * @param <T> the type of the answer
	 * @param call the call
	 * @param deadline the deadline of the run
	 * @param retryUntil the end of the acceptance window of the hours sent
	 * @return how the call ended
	 */
	<T> Attempt<T> call(Supplier<T> call, Deadline deadline, Instant retryUntil) {
		Retry.AsyncContext<T> retryContext = this.retry.asyncContext();
		Deadline attempts = deadline;
		Exception failure = null;
		try {
			while (!attempts.hasPassed()) {
				try {
					if (!attempts.waitFor(Duration.ofNanos(permit()))) {
						break;
					}
					Attempt<T> attempt = attempt(call);
					retryContext.onComplete();
					return attempt;
				}
				catch (MeteringException | RequestNotPermitted ex) {
					failure = ex;
					attempts = deadline.notAfter(retryUntil);
					long backoffMillis = retryContext.onError(ex);
					if (backoffMillis < 0 || !attempts.waitFor(Duration.ofMillis(backoffMillis))) {
						break;
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (logger.isDebugEnabled()) {
			logger.debug("No answer from AWS Marketplace within the attempts and the deadline of this run"
					+ ((failure != null) ? ": " + failure.getMessage() : ""));
		}
		return new Attempt.Unanswered<>(failure);
	}

	/**
	 * Reserve a permit of the rate limiter.
	 * @return how long to wait for it, in nanoseconds
	 * @throws RequestNotPermitted when the rate limiter's own timeout would pass first
	 */
	private long permit() {
		long nanos = this.rateLimiter.reservePermission();
		if (nanos < 0) {
			throw RequestNotPermitted.createRequestNotPermitted(this.rateLimiter);
		}
		return nanos;
	}

	private <T> Attempt<T> attempt(Supplier<T> call) {
		long started = System.nanoTime();
		try {
			return new Attempt.Answered<>(call.get());
		}
		catch (MeteringException ex) {
			this.errors.seen(ex);
			if (ex.getOutcome() == MeteringOutcome.RETRYABLE) {
				this.statistics.retried();
				throw ex;
			}
			if (ex.getOutcome() == MeteringOutcome.UNAUTHORIZED) {
				this.statistics.retried();
				return new Attempt.Unanswered<>(ex);
			}
			return new Attempt.Refused<>(ex);
		}
		catch (InvalidMeteringRequestException ex) {
			return new Attempt.Refused<>(
					new MeteringException(ex.getMessage(), MeteringOutcome.REJECTED, "InvalidRequest", ex));
		}
		finally {
			this.statistics.called(System.nanoTime() - started);
		}
	}

}
