package dev.metering.actuate;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.UsageLedger;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
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
	void registersADimensionFirstRecordedAfterBinding() {
		UsageCapture anyDimension = new UsageCapture(this.fixture.ledger, Set.of(), SaasIntegration.LEGACY);
		new MeteringMetrics(anyDimension, this.fixture.state()).bindTo(this.registry);
		assertThat(this.registry.find("marketplace.metering.usage.recorded").meters()).isEmpty();
		anyDimension.record("pages", 12, null, null);
		assertThat(recorded("pages")).isEqualTo(12);
	}

	@Test
	void countsReportsByOutcomeAndTimesEachCall() {
		new MeteringMetrics(this.fixture.capture, this.fixture.state()).bindTo(this.registry);
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 2, null, "customer-2");
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		assertThat(reports("reported")).isOne();
		assertThat(reports("dead_letter")).isOne();
		assertThat(reports("retried")).isZero();
		assertThat(gauge("marketplace.metering.dead.letters")).isOne();
		assertThat(pending()).isZero();
		FunctionTimer calls = this.registry.get("marketplace.metering.calls").functionTimer();
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
	void everyMeterHasADescriptionABaseUnitAndLowCardinalityTags() {
		new MeteringMetrics(this.fixture.capture, this.fixture.state()).bindTo(this.registry);
		this.fixture.capture.record("scans", 1, null, MeteringFixture.SUBSCRIBED);
		assertThat(this.registry.getMeters()).hasSize(2 + 5 + 7 + 1).allSatisfy((meter) -> {
			Meter.Id id = meter.getId();
			assertThat(id.getName()).startsWith("marketplace.metering.");
			assertThat(id.getDescription()).isNotBlank();
			assertThat(id.getBaseUnit()).as(id.getName()).isNotBlank();
			assertThat(id.getTags()).extracting(Tag::getKey).isSubsetOf("dimension", "outcome");
		});
	}

	@Test
	void withoutAReporterOnlyLedgerMetersAreBound() {
		new MeteringMetrics(this.fixture.capture, new MeteringSources(this.fixture.ledger, null, null))
			.bindTo(this.registry);
		assertThat(this.registry.find("marketplace.metering.reports").meters()).isEmpty();
		assertThat(this.registry.find("marketplace.metering.calls").meters()).isEmpty();
		assertThat(this.registry.find("marketplace.metering.usage.pending").gauge()).isNotNull();
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

	private double pending() {
		return gauge("marketplace.metering.usage.pending");
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

}
