package dev.metering.actuate;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.metering.core.UsageCapture;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageLedger;
import dev.metering.reporting.ReportingStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Binds the meters of AWS Marketplace metering, all under {@code marketplace.metering.*}.
 * Tags have low cardinality only: a dimension name, or a report outcome; never a
 * customer.
 * <ul>
 * <li>{@code marketplace.metering.usage.recorded} (counter, units, tag
 * {@code dimension}): quantity recorded</li>
 * <li>{@code marketplace.metering.usage.pending} (gauge, units): quantity recorded and
 * not yet confirmed by AWS</li>
 * <li>{@code marketplace.metering.usage.held} (gauge, units): quantity recorded and held
 * in memory, not durable, because the ledger cannot write</li>
 * <li>{@code marketplace.metering.usage.lost} (counter, units): quantity that could not
 * be recorded at all: the ledger could neither write nor hold it</li>
 * <li>{@code marketplace.metering.usage.carried.forward} (gauge, units): quantity of
 * hours that left AWS's acceptance window and moved into a later hour, as kept in the
 * ledger</li>
 * <li>{@code marketplace.metering.dead.letters} (gauge, records): reports AWS refused for
 * good, as kept in the ledger</li>
 * <li>{@code marketplace.metering.reports} (counter, records, tag {@code outcome}):
 * reports by outcome: {@code reported}, {@code retried} (an attempt failed and is
 * retried), {@code carried_forward}, {@code dead_lettered}</li>
 * <li>{@code marketplace.metering.calls} (timer): duration of each call (attempt) to the
 * Metering Service</li>
 * </ul>
 *
 * @author metering-spring-boot
 */
public class MeteringMetrics implements MeterBinder {

	private static final String PREFIX = "marketplace.metering.";

	private static final String UNITS = "units";

	private static final String RECORDS = "records";

	private final UsageCapture capture;

	private final MeteringSources state;

	/**
	 * Create a new binder.
	 * @param capture the capture that counts recorded usage
	 * @param state what metering holds locally
	 */
	public MeteringMetrics(UsageCapture capture, MeteringSources state) {
		Assert.notNull(capture, "'capture' must not be null");
		Assert.notNull(state, "'state' must not be null");
		this.capture = capture;
		this.state = state;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.capture.onNewDimension((dimension) -> bindUsageRecorded(registry, dimension));
		this.capture.recordedQuantities().keySet().forEach((dimension) -> bindUsageRecorded(registry, dimension));
		UsageLedger ledger = this.state.ledger();
		Gauge.builder(PREFIX + "usage.pending", ledger, MeteringMetrics::pendingUsage)
			.description("Usage recorded and not yet confirmed by AWS")
			.baseUnit(UNITS)
			.register(registry);
		Gauge.builder(PREFIX + "usage.held", ledger, (held) -> held.summary().storage().heldUnits())
			.description("Usage held in memory, not durable, because the ledger cannot write")
			.baseUnit(UNITS)
			.register(registry);
		FunctionCounter.builder(PREFIX + "usage.lost", ledger, (lost) -> lost.summary().storage().lostUnits())
			.description("Usage that could not be recorded: the ledger could neither write nor hold it")
			.baseUnit(UNITS)
			.register(registry);
		Gauge.builder(PREFIX + "usage.carried.forward", ledger, MeteringMetrics::carriedForwardUsage)
			.description("Usage of hours that left AWS's acceptance window and moved into a later hour")
			.baseUnit(UNITS)
			.register(registry);
		Gauge.builder(PREFIX + "dead.letters", ledger, MeteringMetrics::deadLetters)
			.description("Usage reports AWS refused for good")
			.baseUnit(RECORDS)
			.register(registry);
		ReportingStatistics statistics = this.state.statistics();
		if (statistics != null) {
			bindReporting(registry, statistics);
		}
	}

	private void bindUsageRecorded(MeterRegistry registry, String dimension) {
		FunctionCounter
			.builder(PREFIX + "usage.recorded", this.capture, (capture) -> capture.recordedQuantity(dimension))
			.description("Usage recorded, per dimension")
			.baseUnit(UNITS)
			.tag("dimension", dimension)
			.register(registry);
	}

	private static void bindReporting(MeterRegistry registry, ReportingStatistics statistics) {
		for (ReportState state : statistics.counts().keySet()) {
			bindReports(registry, statistics, state.name().toLowerCase(Locale.ROOT),
					(reporting) -> reporting.count(state));
		}
		bindReports(registry, statistics, "retried", ReportingStatistics::retries);
		FunctionTimer
			.builder(PREFIX + "calls", statistics, ReportingStatistics::calls, ReportingStatistics::callNanos,
					TimeUnit.NANOSECONDS)
			.description("Duration of each call to the AWS Marketplace Metering Service")
			.register(registry);
	}

	private static void bindReports(MeterRegistry registry, ReportingStatistics statistics, String outcome,
			ToDoubleFunction<ReportingStatistics> count) {
		FunctionCounter.builder(PREFIX + "reports", statistics, count)
			.description("Usage reports settled, by the state they were settled into, and attempts retried")
			.baseUnit(RECORDS)
			.tag("outcome", outcome)
			.register(registry);
	}

	private static double pendingUsage(UsageLedger ledger) {
		return ledger.summary().pendingQuantity();
	}

	private static double carriedForwardUsage(UsageLedger ledger) {
		return ledger.summary().quantity(ReportState.CARRIED_FORWARD);
	}

	private static double deadLetters(UsageLedger ledger) {
		return ledger.summary().count(ReportState.DEAD_LETTER);
	}

}
