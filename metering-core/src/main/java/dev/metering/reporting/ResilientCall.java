package dev.metering.reporting;

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
 * Calls the Metering Service through a Resilience4j {@link RateLimiter} (every attempt
 * takes a permit) inside a {@link Retry}. Only retryable failures are ever thrown into
 * the {@code Retry}; refusals come back as values. So whatever the {@code Retry} is
 * configured to retry, a duplicate or a rejection is never sent twice. A refusal of the
 * caller's credentials or permissions is not retried now, but left pending for the next
 * run: the usage is never dead-lettered for it. Each attempt's duration is recorded in
 * the {@link ReportingStatistics}.
 *
 * @author metering-spring-boot
 */
final class ResilientCall {

	private static final Log logger = LogFactory.getLog(ResilientCall.class);

	private final Retry retry;

	private final RateLimiter rateLimiter;

	private final ReportingStatistics statistics;

	ResilientCall(Retry retry, RateLimiter rateLimiter, ReportingStatistics statistics) {
		this.retry = retry;
		this.rateLimiter = rateLimiter;
		this.statistics = statistics;
	}

	<T> Attempt<T> call(Supplier<T> call) {
		Supplier<Attempt<T>> attempt = () -> {
			long started = System.nanoTime();
			try {
				return new Attempt.Answered<>(call.get());
			}
			catch (MeteringException ex) {
				if (ex.getOutcome() == MeteringOutcome.RETRYABLE) {
					this.statistics.increment(ReportOutcome.RETRIED);
					throw ex;
				}
				if (ex.getOutcome() == MeteringOutcome.UNAUTHORIZED) {
					this.statistics.increment(ReportOutcome.RETRIED);
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
		};
		try {
			return Retry.decorateSupplier(this.retry, RateLimiter.decorateSupplier(this.rateLimiter, attempt)).get();
		}
		catch (MeteringException | RequestNotPermitted ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("No answer from AWS Marketplace after the retries of this run: " + ex.getMessage());
			}
			return new Attempt.Unanswered<>(ex);
		}
	}

}
