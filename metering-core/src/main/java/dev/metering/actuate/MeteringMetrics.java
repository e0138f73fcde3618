package dev.metering.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.MeteringCalls;
import dev.metering.core.UsageCapture;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.ledger.LedgerSummary;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.AcceptanceWindow;
import dev.metering.reporting.ReportingStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * Binds the meters of AWS Marketplace metering, all under {@code marketplace.metering.*},
 * with names that stay clean in Prometheus: counts have no unit, durations are seconds,
 * points in time are {@code ...timestamp} gauges in seconds since the epoch ({@code NaN}
 * while there is none). Tags have low cardinality only (a dimension name, an operation,
 * an outcome, an AWS error code, a state); never a customer. Every value is read from the
 * ledger's {@link UsageLedger#summary() summary}, counters and statistics: a scrape never
 * copies the ledger.
 * <ul>
 * <li>{@code marketplace.metering.usage.recorded} (counter, tag {@code dimension}):
 * quantity recorded</li>
 * <li>{@code marketplace.metering.usage.pending} (gauge, tag {@code dimension}): quantity
 * recorded and not yet confirmed by AWS</li>
 * <li>{@code marketplace.metering.usage.held} (gauge): quantity held in memory, not
 * durable, because the ledger cannot write</li>
 * <li>{@code marketplace.metering.usage.lost} (counter): quantity the ledger could
 * neither write nor hold</li>
 * <li>{@code marketplace.metering.usage.carried.forward} (gauge): quantity of hours that
 * left AWS's acceptance window and moved into a later hour</li>
 * <li>{@code marketplace.metering.dead.letters} (gauge): reports AWS refused for good and
 * no operator acknowledged or replayed</li>
 * <li>{@code marketplace.metering.oldest.unreported.hour.timestamp} (gauge, seconds): the
 * start of the oldest hour with usage AWS has not confirmed</li>
 * <li>{@code marketplace.metering.acceptance.window.remaining} (gauge, seconds): the time
 * left before AWS stops accepting that oldest hour (negative once it has)</li>
 * <li>{@code marketplace.metering.capture.failures} (counter, tag {@code source}): usage
 * records that failed: {@code ledger} (the ledger could neither write nor hold it; the
 * call went on), {@code aspect} (a {@code @MeteredUsage} call whose usage could not be
 * recorded)</li>
 * <li>{@code marketplace.metering.reports} (counter, tag {@code outcome}): reports by the
 * state they were settled into, and attempts {@code retried}</li>
 * <li>{@code marketplace.metering.last.success.timestamp} (gauge, seconds): the end of
 * the last report run that left nothing pending</li>
 * <li>{@code marketplace.metering.calls} (timer, tags {@code operation}, {@code outcome},
 * {@code error}): each call to the Metering Service</li>
 * <li>{@code marketplace.metering.entitlement} (gauge, tag {@code state}): 1 for the
 * entitlement check's current state, 0 for the others</li>
 * </ul>
 *
 * @author metering-spring-boot
 */
public class MeteringMetrics implements MeterBinder {

	private static final String PREFIX = "marketplace.metering.";

	private static final String SECONDS = "seconds";

	private final UsageCapture capture;

	private final MeteringSources sources;

	private final MeteringCalls calls;

	private final MeteredUsageAspect aspect;

	private final Clock clock;

	/**
	 * Create a new binder of the ledger's, the capture's and the reporter's meters.
	 * @param capture the capture that counts recorded usage
	 * @param sources what metering holds locally
	 */
	public MeteringMetrics(UsageCapture capture, MeteringSources sources) {
		this(capture, sources, null, null, Clock.systemUTC());
	}

	/**
	 * Create a new binder.
	 * @param capture the capture that counts recorded usage
	 * @param sources what metering holds locally
	 * @param calls the calls made to the Metering Service, or {@code null}
	 * @param aspect the {@code @MeteredUsage} aspect, or {@code null}
	 * @param clock the clock the time left in the acceptance window is measured with
	 */
	public MeteringMetrics(UsageCapture capture, MeteringSources sources, @Nullable MeteringCalls calls,
			@Nullable MeteredUsageAspect aspect, Clock clock) {
		Assert.notNull(capture, "'capture' must not be null");
		Assert.notNull(sources, "'sources' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.capture = capture;
		this.sources = sources;
		this.calls = calls;
		this.aspect = aspect;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		UsageLedger ledger = this.sources.ledger();
		this.capture.onNewDimension((dimension) -> bindDimension(registry, ledger, dimension));
		Set<String> dimensions = new TreeSet<>(this.capture.recordedQuantities().keySet());
		dimensions.addAll(ledger.summary().pendingByDimension().keySet());
		dimensions.forEach((dimension) -> bindDimension(registry, ledger, dimension));
		bindLedger(registry, ledger);
		bindCaptureFailures(registry);
		ReportingStatistics statistics = this.sources.statistics();
		if (statistics != null) {
			bindReporting(registry, statistics);
		}
		if (this.calls != null) {
			this.calls.onNewKind((kind) -> bindCalls(registry, kind));
			this.calls.kinds().forEach((kind) -> bindCalls(registry, kind));
		}
		if (this.sources.entitlement() != null) {
			bindEntitlement(registry);
		}
	}

	private void bindDimension(MeterRegistry registry, UsageLedger ledger, String dimension) {
		FunctionCounter
			.builder(PREFIX + "usage.recorded", this.capture, (capture) -> capture.recordedQuantity(dimension))
			.description("Usage recorded, per dimension")
			.tag("dimension", dimension)
			.register(registry);
		Gauge
			.builder(PREFIX + "usage.pending", ledger,
					(pending) -> pending.summary().pendingByDimension().getOrDefault(dimension, 0L))
			.description("Usage recorded and not yet confirmed by AWS, per dimension")
			.tag("dimension", dimension)
			.register(registry);
	}

	private void bindLedger(MeterRegistry registry, UsageLedger ledger) {
		Gauge.builder(PREFIX + "usage.held", ledger, (held) -> held.summary().storage().heldUnits())
			.description("Usage held in memory, not durable, because the ledger cannot write")
			.register(registry);
		FunctionCounter.builder(PREFIX + "usage.lost", ledger, (lost) -> lost.summary().storage().lostUnits())
			.description("Usage that could not be recorded: the ledger could neither write nor hold it")
			.register(registry);
		Gauge
			.builder(PREFIX + "usage.carried.forward", ledger,
					(carried) -> carried.summary().quantity(ReportState.CARRIED_FORWARD))
			.description("Usage of hours that left AWS's acceptance window and moved into a later hour")
			.register(registry);
		Gauge.builder(PREFIX + "dead.letters", ledger, (dead) -> dead.summary().deadLetters())
			.description("Usage reports AWS refused for good, not acknowledged or replayed")
			.register(registry);
		Gauge
			.builder(PREFIX + "oldest.unreported.hour.timestamp", ledger,
					(oldest) -> epochSeconds(oldest.summary().oldestUnreportedHour()))
			.description("Start of the oldest hour with usage AWS has not confirmed")
			.baseUnit(SECONDS)
			.register(registry);
		Gauge.builder(PREFIX + "acceptance.window.remaining", ledger, this::acceptanceWindowRemaining)
			.description("Time left before AWS stops accepting the oldest hour with usage it has not confirmed")
			.baseUnit(SECONDS)
			.register(registry);
	}

	private void bindCaptureFailures(MeterRegistry registry) {
		FunctionCounter.builder(PREFIX + "capture.failures", this.capture, UsageCapture::getFailureCount)
			.description("Usage records the ledger could neither write nor hold, the call going on")
			.tag("source", "ledger")
			.register(registry);
		if (this.aspect != null) {
			FunctionCounter.builder(PREFIX + "capture.failures", this.aspect, MeteredUsageAspect::getFailureCount)
				.description("Usage of @MeteredUsage calls that could not be recorded")
				.tag("source", "aspect")
				.register(registry);
		}
	}

	private static void bindReporting(MeterRegistry registry, ReportingStatistics statistics) {
		for (ReportState state : statistics.counts().keySet()) {
			bindReports(registry, statistics, state.name().toLowerCase(Locale.ROOT),
					(reporting) -> reporting.count(state));
		}
		bindReports(registry, statistics, "retried", ReportingStatistics::retries);
		Gauge
			.builder(PREFIX + "last.success.timestamp", statistics,
					(reporting) -> epochSeconds(reporting.lastSuccess()))
			.description("End of the last report run that left no usage report pending")
			.baseUnit(SECONDS)
			.register(registry);
	}

	private static void bindReports(MeterRegistry registry, ReportingStatistics statistics, String outcome,
			ToDoubleFunction<ReportingStatistics> count) {
		FunctionCounter.builder(PREFIX + "reports", statistics, count)
			.description("Usage reports settled, by the state they were settled into, and attempts retried")
			.tag("outcome", outcome)
			.register(registry);
	}

	private void bindCalls(MeterRegistry registry, MeteringCalls.Kind kind) {
		FunctionTimer
			.builder(PREFIX + "calls", this.calls, (calls) -> calls.count(kind), (calls) -> calls.totalNanos(kind),
					TimeUnit.NANOSECONDS)
			.description("Calls to the AWS Marketplace Metering Service")
			.tag("operation", kind.operation())
			.tag("outcome", kind.outcome())
			.tag("error", kind.error())
			.register(registry);
	}

	private void bindEntitlement(MeterRegistry registry) {
		for (EntitlementStatus.State state : EntitlementStatus.State.values()) {
			Gauge.builder(PREFIX + "entitlement", this.sources, (sources) -> isIn(sources, state))
				.description("Whether the entitlement check is in this state (1) or not (0)")
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

	private static double isIn(MeteringSources sources, EntitlementStatus.State state) {
		EntitlementStatus status = sources.entitlement();
		return (status != null && status.state() == state) ? 1 : 0;
	}

	private double acceptanceWindowRemaining(UsageLedger ledger) {
		LedgerSummary summary = ledger.summary();
		Instant own = (summary.oldestOwnHour() != null)
				? AcceptanceWindow.closesAt(summary.oldestOwnHour(), false, AcceptanceWindow.METER_USAGE) : null;
		Instant customers = (summary.oldestCustomerHour() != null)
				? AcceptanceWindow.batchMeterUsageClosesAt(summary.oldestCustomerHour()) : null;
		Instant closesAt = (own == null || (customers != null && customers.isBefore(own))) ? customers : own;
		if (closesAt == null) {
			return Double.NaN;
		}
		return Duration.between(this.clock.instant(), closesAt).toMillis() / 1000.0;
	}

	private static double epochSeconds(@Nullable Instant instant) {
		return (instant != null) ? instant.toEpochMilli() / 1000.0 : Double.NaN;
	}

}
