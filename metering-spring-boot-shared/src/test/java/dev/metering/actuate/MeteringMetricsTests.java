package dev.metering.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.ledger.UsageLedger;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Clock-driven tests of {@link MeteringMetrics} against a real reporter and emulator.
 */
class MeteringMetricsTests {

	private final MeteringFixture fixture = new MeteringFixture();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void countsRecordedUsagePerDimensionFromZero() {
		new MeteringMetrics(this.fixture.capture, this.fixture.state()).bindTo(this.registry);
		assertThat(recorded("pages")).isZero();
		this.fixture.capture.record("scans", 3, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("scans", 4, null, null);
		assertThat(recorded("scans")).isEqualTo(7);
		assertThat(pending()).isEqualTo(7);
	}

	@Test
	void aScrapeReadsTheLedgersSummaryNeverItsView() {
		UsageLedger ledger = mock(UsageLedger.class, delegatesTo(this.fixture.ledger));
		new MeteringMetrics(this.fixture.capture, new MeteringSources(ledger, this.fixture.reporter, null))
			.bindTo(this.registry);
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 2, null, "customer-2");
		this.fixture.capture.record("scans", 9, null, null);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		this.fixture.capture.record("scans", 1, null, null);
		clearInvocations(ledger);
		this.registry.getMeters().forEach((meter) -> meter.measure().forEach(Measurement::getValue));
		assertThat(pending()).isOne();
		assertThat(gauge("marketplace.metering.dead.letters")).isOne();
		verify(ledger, atLeastOnce()).summary();
		verify(ledger, never()).view();
	}

	@Test
	void showsPendingUsagePerDimensionNeverAddingDimensionsTogether() {
		metrics(null).bindTo(this.registry);
		this.fixture.capture.record("scans", 3, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 2000, null, null);
		assertThat(pendingOf("scans")).isEqualTo(3);
		assertThat(pendingOf("pages")).isEqualTo(2000);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		assertThat(pendingOf("scans")).isZero();
		assertThat(pendingOf("pages")).isZero();
	}

	@Test
	void registersADimensionFirstRecordedAfterBinding() {
		UsageCapture anyDimension = new UsageCapture(this.fixture.ledger, Set.of(), SaasIntegration.LEGACY);
		new MeteringMetrics(anyDimension, this.fixture.state()).bindTo(this.registry);
		assertThat(this.registry.find("marketplace.metering.usage.recorded").meters()).isEmpty();
		anyDimension.record("pages", 12, null, null);
		assertThat(recorded("pages")).isEqualTo(12);
	}

	@Test
	void countsReportsByOutcomeAndTimesEachCall() {
		metrics(null).bindTo(this.registry);
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 2, null, "customer-2");
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		assertThat(reports("reported")).isOne();
		assertThat(reports("dead_letter")).isOne();
		assertThat(reports("retried")).isZero();
		assertThat(gauge("marketplace.metering.dead.letters")).isOne();
		assertThat(pending()).isZero();
		FunctionTimer calls = calls("BatchMeterUsage", "success", "none");
		assertThat(calls.count()).as("one BatchMeterUsage call").isOne();
		assertThat(calls.totalTime(TimeUnit.NANOSECONDS)).isPositive();
	}

	@Test
	void showsUsageCarriedForwardOutOfAnExpiredHour() {
		new MeteringMetrics(this.fixture.capture, this.fixture.state()).bindTo(this.registry);
		this.fixture.capture.record("scans", 9, null, null);
		this.fixture.clock.advance(Duration.ofHours(6));
		this.fixture.reporter.report(false);
		assertThat(reports("carried_forward")).isOne();
		assertThat(gauge("marketplace.metering.usage.carried.forward")).isEqualTo(9);
		assertThat(pending()).as("the quantity is pending again, in an open hour").isEqualTo(9);
	}

	@Test
	void countsUsageMovedForwardPastARecordAwsAlreadyHolds() {
		new MeteringMetrics(this.fixture.capture, this.fixture.state()).bindTo(this.registry);
		this.fixture.client.meterUsage(MeterUsageRequest.builder()
			.productCode(MeteringFixture.PRODUCT)
			.usageDimension("scans")
			.timestamp(MeteringFixture.HOUR_10)
			.usageQuantity(1000)
			.build());
		this.fixture.capture.record("scans", 9, null, null);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		assertThat(reports("moved_forward")).isOne();
		assertThat(reports("dead_letter")).isZero();
		assertThat(pending()).as("the quantity is pending again, in an open hour").isEqualTo(9);
	}

	@Test
	void everyMeterHasADescriptionNoUnitButSecondsAndLowCardinalityTags() {
		metrics(() -> EntitlementStatus.entitled(this.fixture.clock.instant(), MeteringFixture.PRODUCT, null))
			.bindTo(this.registry);
		this.fixture.capture.record("scans", 1, null, MeteringFixture.SUBSCRIBED);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		assertThat(this.registry.getMeters()).hasSize(2 + 2 + 6 + 1 + 7 + 1 + 1 + 3).allSatisfy((meter) -> {
			Meter.Id id = meter.getId();
			assertThat(id.getName()).startsWith("marketplace.metering.");
			assertThat(id.getDescription()).isNotBlank();
			assertThat(id.getBaseUnit()).as(id.getName()).isIn(null, "seconds");
			assertThat(id.getTags()).extracting(Tag::getKey)
				.isSubsetOf("dimension", "outcome", "source", "operation", "error", "state");
		});
	}

	@Test
	void showsTheOldestUnreportedHourAndTheTimeLeftBeforeAwsStopsAcceptingIt() {
		metrics(null).bindTo(this.registry);
		assertThat(gauge("marketplace.metering.oldest.unreported.hour.timestamp")).isNaN();
		assertThat(gauge("marketplace.metering.acceptance.window.remaining")).isNaN();
		this.fixture.capture.record("scans", 2, null, MeteringFixture.SUBSCRIBED);
		assertThat(gauge("marketplace.metering.oldest.unreported.hour.timestamp"))
			.isEqualTo(MeteringFixture.HOUR_10.getEpochSecond());
		assertThat(gauge("marketplace.metering.acceptance.window.remaining")).as("24 h minus 30 min, in seconds")
			.isEqualTo(Duration.ofMinutes(23 * 60 + 30).toSeconds());
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.capture.record("scans", 3, null, null);
		assertThat(gauge("marketplace.metering.acceptance.window.remaining"))
			.as("own usage of 11:00 leaves MeterUsage's 6 h window at 17:00, before the customer's 10:00 hour")
			.isEqualTo(Duration.ofMinutes(5 * 60 + 30).toSeconds());
		this.fixture.clock.advance(Duration.ofHours(6));
		assertThat(gauge("marketplace.metering.acceptance.window.remaining")).isEqualTo(-30 * 60);
	}

	@Test
	void showsWhenTheLastRunLeftNothingPending() {
		metrics(null).bindTo(this.registry);
		assertThat(gauge("marketplace.metering.last.success.timestamp")).isNaN();
		this.fixture.capture.record("scans", 2, null, null);
		this.fixture.emulator.faults().throttleRate(1);
		this.fixture.clock.advance(Duration.ofHours(1));
		assertThat(this.fixture.reporter.report(false).pending()).isOne();
		assertThat(gauge("marketplace.metering.last.success.timestamp")).as("usage still pending").isNaN();
		this.fixture.emulator.faults().throttleRate(0);
		this.fixture.clock.advance(Duration.ofMinutes(5));
		this.fixture.reporter.report(false);
		assertThat(gauge("marketplace.metering.last.success.timestamp"))
			.isEqualTo(this.fixture.clock.instant().getEpochSecond());
		assertThat(gauge("marketplace.metering.oldest.unreported.hour.timestamp")).isNaN();
	}

	@Test
	void countsCallsByOperationOutcomeAndAwsErrorCode() {
		metrics(null).bindTo(this.registry);
		this.fixture.capture.record("scans", 2, null, null);
		this.fixture.emulator.faults().throttleRate(1);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		this.fixture.emulator.faults().throttleRate(0);
		this.fixture.reporter.report(false);
		assertThat(calls("MeterUsage", "retryable", "ThrottlingException").count()).as("two attempts").isEqualTo(2);
		FunctionTimer success = calls("MeterUsage", "success", "none");
		assertThat(success.count()).isOne();
		assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isPositive();
	}

	@Test
	void showsTheEntitlementStateAsOneGaugePerState() {
		AtomicReference<EntitlementStatus> status = new AtomicReference<>(
				EntitlementStatus.notChecked(MeteringFixture.PRODUCT, 1));
		metrics(status::get).bindTo(this.registry);
		assertThat(entitlement("not_checked")).isOne();
		assertThat(entitlement("entitled")).isZero();
		status.set(EntitlementStatus.entitled(this.fixture.clock.instant(), MeteringFixture.PRODUCT, 1));
		assertThat(entitlement("not_checked")).isZero();
		assertThat(entitlement("entitled")).isOne();
		assertThat(entitlement("not_entitled")).isZero();
	}

	@Test
	void countsUsageTheLedgerCouldNeitherWriteNorHold() {
		UsageLedger failing = mock(UsageLedger.class, delegatesTo(this.fixture.ledger));
		willThrow(new UncheckedIOException(new IOException("No space left on device"))).given(failing)
			.record(any(), anyLong());
		UsageCapture capture = new UsageCapture(failing, Set.of("scans"), SaasIntegration.LEGACY);
		new MeteringMetrics(capture, this.fixture.state(), null, null, this.fixture.clock).bindTo(this.registry);
		capture.record("scans", 2, null, null);
		capture.record("scans", 3, null, null);
		assertThat(this.registry.get("marketplace.metering.capture.failures")
			.tag("source", "ledger")
			.functionCounter()
			.count()).isEqualTo(2);
	}

	@Test
	void withoutAReporterOnlyLedgerMetersAreBound() {
		new MeteringMetrics(this.fixture.capture, new MeteringSources(this.fixture.ledger, null, null))
			.bindTo(this.registry);
		assertThat(this.registry.find("marketplace.metering.reports").meters()).isEmpty();
		assertThat(this.registry.find("marketplace.metering.calls").meters()).isEmpty();
		assertThat(this.registry.find("marketplace.metering.usage.pending").gauge()).isNotNull();
	}

	private MeteringMetrics metrics(EntitlementCheck entitlementCheck) {
		return new MeteringMetrics(this.fixture.capture, this.fixture.state(entitlementCheck),
				this.fixture.gateway.getCalls(), null, this.fixture.clock);
	}

	private FunctionTimer calls(String operation, String outcome, String error) {
		return this.registry.get("marketplace.metering.calls")
			.tags("operation", operation, "outcome", outcome, "error", error)
			.functionTimer();
	}

	private double entitlement(String state) {
		return gauge(this.registry.get("marketplace.metering.entitlement").tag("state", state).gauge());
	}

	private double recorded(String dimension) {
		return this.registry.get("marketplace.metering.usage.recorded")
			.tag("dimension", dimension)
			.functionCounter()
			.count();
	}

	private double reports(String outcome) {
		return this.registry.get("marketplace.metering.reports").tag("outcome", outcome).functionCounter().count();
	}

	private double pendingOf(String dimension) {
		return this.registry.get("marketplace.metering.usage.pending").tag("dimension", dimension).gauge().value();
	}

	private double pending() {
		return this.registry.get("marketplace.metering.usage.pending")
			.gauges()
			.stream()
			.mapToDouble(Gauge::value)
			.sum();
	}

	private double gauge(String name) {
		return gauge(this.registry.get(name).gauge());
	}

	private static double gauge(Gauge gauge) {
		return gauge.value();
	}

}
