package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import dev.metering.actuate.MeteringHealth;
import dev.metering.actuate.MeteringSources;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.map;

/**
 * AWS answers {@code ExpiredTokenException} for two things: a buyer's expired
 * registration token on ResolveCustomer (final), and expired temporary credentials on any
 * call (not a verdict on the usage). Usage refused for the second stays pending, shows in
 * health with its age, and is reported once the credentials are fresh again.
 */
class ExpiredTokenReportingTests {

	private static final Instant HOUR_10 = ReportingFixture.START;

	private static final Instant HOUR_11 = HOUR_10.plus(1, ChronoUnit.HOURS);

	private ReportingFixture fixture;

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void expiredCredentialsOnBatchMeterUsageKeepTheUsagePendingUntilTheyAreFresh() {
		this.fixture = new ReportingFixture(
				(emulator) -> emulator.subscribedCustomer("customer-1").subscribedCustomer("customer-2"),
				ReportingSettings.defaults());
		this.fixture.ledger.record(UsageKey.of("scans", "customer-1", Map.of()), 3);
		this.fixture.ledger.record(UsageKey.of("scans", "customer-2", Map.of()), 4);
		this.fixture.emulator.faults().expiredCredentialsRate(1.0);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		assertThat(this.fixture.reporter.report(false).pending()).isEqualTo(2);
		assertThat(this.fixture.emulator.counters().rejected("ExpiredTokenException")).as("not retried within the run")
			.isOne();
		assertThat(reports()).extracting(UsageReport::state).doesNotContain(ReportState.DEAD_LETTER);
		assertThat(reports()).extracting(UsageReport::reason).containsOnlyNulls();
		assertThat(this.fixture.reporter.getStatistics().count(ReportState.DEAD_LETTER)).isZero();
		this.fixture.clock.advance(Duration.ofMinutes(30));
		MeteringHealth.Check health = new MeteringHealth(
				new MeteringSources(this.fixture.ledger, this.fixture.reporter, null), this.fixture.clock,
				Duration.ofHours(1), DataSize.ofBytes(0))
			.check();
		assertThat(health.up()).isTrue();
		assertThat(health.details().get("pending")).asInstanceOf(map(String.class, Object.class))
			.containsEntry("reports", 2)
			.containsEntry("oldestUnreportedHour", HOUR_10.toString())
			.containsEntry("expiresAt", HOUR_10.plus(AcceptanceWindow.BATCH_METER_USAGE).toString())
			.containsEntry("timeLeft", "PT22H29M");
		this.fixture.emulator.faults().expiredCredentialsRate(0);
		assertThat(this.fixture.reporter.report(false).reported()).isEqualTo(2);
		assertThat(this.fixture.acceptedTotal()).isEqualTo(7);
		assertThat(reports()).extracting(UsageReport::state).containsOnly(ReportState.REPORTED);
	}

	@Test
	void expiredCredentialsOnMeterUsageKeepTheUsagePending() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.emulator.faults().expiredCredentialsRate(1.0);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		assertThat(this.fixture.reporter.report(false).pending()).isOne();
		assertThat(reports()).extracting(UsageReport::state).doesNotContain(ReportState.DEAD_LETTER);
		this.fixture.emulator.faults().expiredCredentialsRate(0);
		assertThat(this.fixture.reporter.report(false).reported()).isOne();
		assertThat(this.fixture.acceptedTotal()).isEqualTo(5);
	}

	@Test
	void anExpiredRegistrationTokenOnResolveCustomerIsFinal() {
		this.fixture = new ReportingFixture((emulator) -> emulator.expiredRegistrationToken("token-old"),
				ReportingSettings.defaults());
		assertThatExceptionOfType(MeteringException.class)
			.isThrownBy(() -> this.fixture.template.resolveCustomer("token-old"))
			.satisfies((ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo("ExpiredTokenException");
				assertThat(ex.getOutcome()).isEqualTo(MeteringOutcome.REJECTED);
				assertThat(ex.getCause()).isInstanceOf(ExpiredTokenException.class);
			});
	}

	private List<UsageReport> reports() {
		return this.fixture.ledger.view().reports();
	}

}
