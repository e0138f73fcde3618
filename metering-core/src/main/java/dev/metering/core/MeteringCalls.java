package dev.metering.core;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.springframework.util.Assert;

/**
 * The calls the {@link MeteringGateway} made to the Metering Service, counted and timed
 * per operation, outcome and AWS error code, for metrics. Every value of a {@link Kind}
 * comes from a small fixed set: the four operation names, the outcomes, and the error
 * names of the service model.
 *
 * @author metering-spring-boot
 */
public final class MeteringCalls {

	/** The outcome of a call AWS answered with success. */
	public static final String SUCCESS = "success";

	/** The outcome of a call that got no answer (I/O error, timeout). */
	public static final String NO_ANSWER = "no_answer";

	/** The error of a call without an AWS error code. */
	public static final String NO_ERROR = "none";

	private final Map<Kind, Totals> totals = new ConcurrentHashMap<>();

	private final List<Consumer<Kind>> newKindListeners = new CopyOnWriteArrayList<>();

	void succeeded(String operation, long nanos) {
		add(new Kind(operation, SUCCESS, NO_ERROR), nanos);
	}

	void failed(String operation, MeteringException failure, long nanos) {
		String error = (failure.getErrorCode() != null) ? failure.getErrorCode() : NO_ERROR;
		String outcome = (failure.getErrorCode() != null) ? failure.getOutcome().name().toLowerCase(Locale.ROOT)
				: NO_ANSWER;
		add(new Kind(operation, outcome, error), nanos);
	}

	private void add(Kind kind, long nanos) {
		Totals kindTotals = this.totals.get(kind);
		if (kindTotals == null) {
			Totals created = new Totals();
			kindTotals = this.totals.putIfAbsent(kind, created);
			if (kindTotals == null) {
				kindTotals = created;
				this.newKindListeners.forEach((listener) -> listener.accept(kind));
			}
		}
		kindTotals.count.increment();
		kindTotals.nanos.add(nanos);
	}

	/**
	 * Return the kinds of calls made so far.
	 * @return the kinds
	 */
	public Set<Kind> kinds() {
		return Set.copyOf(this.totals.keySet());
	}

	/**
	 * Return how many calls of a kind were made.
	 * @param kind the kind
	 * @return the count, 0 for a kind never made
	 */
	public long count(Kind kind) {
		Totals kindTotals = this.totals.get(kind);
		return (kindTotals != null) ? kindTotals.count.sum() : 0;
	}

	/**
	 * Return how long the calls of a kind took in total.
	 * @param kind the kind
	 * @return the total time in nanoseconds
	 */
	public long totalNanos(Kind kind) {
		Totals kindTotals = this.totals.get(kind);
		return (kindTotals != null) ? kindTotals.nanos.sum() : 0;
	}

	/**
	 * Call a listener with each kind of call made for the first time from now on (see
	 * {@link #kinds()} for those made before).
	 * @param listener the listener
	 */
	public void onNewKind(Consumer<Kind> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.newKindListeners.add(listener);
	}

	/**
	 * A kind of call.
	 *
	 * @param operation the operation name, for example {@code BatchMeterUsage}
	 * @param outcome {@value #SUCCESS}, {@value #NO_ANSWER}, or the
	 * {@link MeteringOutcome} of the AWS error in lower case, for example
	 * {@code retryable}
	 * @param error the AWS error code, for example {@code ThrottlingException}, or
	 * {@value #NO_ERROR}
	 */
	public record Kind(String operation, String outcome, String error) {

	}

	private static final class Totals {

		private final LongAdder count = new LongAdder();

		private final LongAdder nanos = new LongAdder();

	}

}
