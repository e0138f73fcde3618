package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

import dev.metering.emulator.AcceptedRecord;
import dev.metering.ledger.LedgerView.OpenUsage;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportingStatistics.Cycle;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Clock-driven tests of {@link UsageReporter}: which hours are sent when, and what each
 * answer of GUIDE R4 does to the ledger. No test waits for real time.
 */
@ExtendWith(OutputCaptureExtension.class)
class UsageReporterTests {

	private static final Instant HOUR_10 = ReportingFixture.START;

	private static final Instant HOUR_11 = HOUR_10.plus(1, ChronoUnit.HOURS);

	private ReportingFixture fixture;

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void reportsAnHourOnlyAfterItEnded() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).isEmpty();
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		Cycle cycle = this.fixture.reporter.report(false);
		assertThat(cycle.reported()).isOne();
		assertThat(this.fixture.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.hour()).isEqualTo(HOUR_10);
			assertThat(record.quantity()).isEqualTo(5);
		});
		assertThat(reports()).singleElement().satisfies((report) -> {
			assertThat(report.state()).isEqualTo(ReportState.REPORTED);
			assertThat(report.meteringRecordId()).isEqualTo(this.fixture.emulator.records().get(0).meteringRecordId());
		});
	}

	@Test
	void sendsAllTagSetsOfAnHourInOneRequest() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans", null, Map.of("team", "a")), 3);
		this.fixture.ledger.record(UsageKey.of("scans", null, Map.of("team", "b")), 4);
		this.fixture.ledger.record(UsageKey.of("scans"), 2);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.quantity()).isEqualTo(9);
			assertThat(record.allocations()).extracting(AcceptedRecord.Allocation::quantity)
				.containsExactlyInAnyOrder(3L, 4L, 2L);
		});
	}

	@Test
	void theCurrentHourIsSealedAndSentOnlyWhenAsked() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.reporter.report(true);
		assertThat(this.fixture.emulator.records()).singleElement()
			.satisfies((record) -> assertThat(record.hour()).isEqualTo(HOUR_10));
		this.fixture.ledger.record(UsageKey.of("scans"), 2);
		assertThat(this.fixture.ledger.view().openUsage()).singleElement().satisfies((open) -> {
			assertThat(open.hour()).isEqualTo(HOUR_11);
			assertThat(open.quantity()).isEqualTo(2);
		});
		this.fixture.clock.set(HOUR_11.plus(1, ChronoUnit.HOURS).plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.acceptedTotal()).isEqualTo(7);
		assertThat(this.fixture.emulator.counters().rejected("DuplicateRequestException")).isZero();
	}

	@Test
	void stoppingReportsThePartialHourWhenConfigured() {
		this.fixture = new ReportingFixture();
		this.fixture.reporter.start();
		this.fixture.ledger.record(UsageKey.of("scans"), 4);
		this.fixture.reporter.stop();
		assertThat(this.fixture.acceptedTotal()).isEqualTo(4);
		assertThat(this.fixture.reporter.isRunning()).isFalse();
		this.fixture.ledger.record(UsageKey.of("scans"), 1);
		assertThat(this.fixture.ledger.view().openUsage()).as("the reported hour is sealed")
			.extracting(OpenUsage::hour)
			.containsExactly(HOUR_11);
	}

	@Test
	void stoppingKeepsThePartialHourWhenNotConfigured() {
		this.fixture = new ReportingFixture((emulator) -> emulator, settings(false, ExpiredUsage.CARRY_FORWARD));
		this.fixture.reporter.start();
		this.fixture.ledger.record(UsageKey.of("scans"), 4);
		this.fixture.reporter.stop();
		assertThat(this.fixture.emulator.records()).isEmpty();
		assertThat(this.fixture.ledger.view().openUsage()).extracting(OpenUsage::quantity).containsExactly(4L);
	}

	@Test
	void usageThatLeftTheWindowUnsentIsCarriedForwardWithoutACall() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans", null, Map.of("team", "a")), 5);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(7)));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.counters().rejected()).isEmpty();
		assertThat(this.fixture.emulator.records()).isEmpty();
		assertThat(this.fixture.reporter.getStatistics().count(ReportState.CARRIED_FORWARD)).isOne();
		assertThat(this.fixture.ledger.view().openUsage()).singleElement().satisfies((open) -> {
			assertThat(open.key()).isEqualTo(UsageKey.of("scans", null, Map.of("team", "a")));
			assertThat(open.quantity()).isEqualTo(5);
		});
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.acceptedTotal()).isEqualTo(5);
	}

	@Test
	void usageAwsRefusesAsOutOfBoundsIsCarriedForward() {
		this.fixture = new ReportingFixture((emulator) -> emulator.acceptanceWindow(Duration.ofMinutes(30)),
				ReportingSettings.defaults());
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plus(Duration.ofMinutes(45)));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.counters().rejected("TimestampOutOfBoundsException")).isOne();
		assertThat(this.fixture.ledger.view().openUsage()).extracting(OpenUsage::hour, OpenUsage::quantity)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(HOUR_11, 5L));
	}

	@Test
	void expiredUsageIsDeadLetteredWhenConfigured() {
		this.fixture = new ReportingFixture((emulator) -> emulator, settings(true, ExpiredUsage.DEAD_LETTER));
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(7)));
		this.fixture.reporter.report(false);
		assertThat(reports()).singleElement().satisfies((report) -> {
			assertThat(report.state()).isEqualTo(ReportState.DEAD_LETTER);
			assertThat(report.reason()).startsWith("EXPIRED");
		});
		assertThat(this.fixture.ledger.view().openUsage()).isEmpty();
	}

	@Test
	void throttlingAndServerErrorsKeepTheReportPendingForTheNextRun() {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().throttleRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		Cycle throttled = this.fixture.reporter.report(false);
		assertThat(throttled.pending()).isOne();
		assertThat(this.fixture.emulator.counters().rejected("ThrottlingException")).isEqualTo(5);
		this.fixture.emulator.faults().throttleRate(0).serverErrorRate(1.0);
		assertThat(this.fixture.reporter.report(false).pending()).isOne();
		this.fixture.emulator.faults().serverErrorRate(0);
		assertThat(this.fixture.reporter.report(false).reported()).isOne();
		assertThat(this.fixture.acceptedTotal()).isEqualTo(5);
		assertThat(this.fixture.reporter.getStatistics().retries()).isEqualTo(10);
	}

	@Test
	void aCommittedRequestWhoseAnswerWasLostIsConfirmedByItsIdenticalResend() {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().lostResponseRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(reports()).extracting(UsageReport::state).containsExactly(ReportState.SENDING);
		this.fixture.emulator.faults().lostResponseRate(0);
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).hasSize(1);
		assertThat(this.fixture.emulator.counters().replays()).isPositive();
		assertThat(reports()).extracting(UsageReport::state).containsExactly(ReportState.REPORTED);
	}

	@Test
	void aRecordAwsAlreadyHoldsMovesTheUsageIntoTheNextHourAndTheOtherRecordsGoOn(CapturedOutput output) {
		this.fixture = new ReportingFixture();
		this.fixture.template.meterUsage(
				MeterUsageRequest.builder().usageDimension("pages").timestamp(HOUR_10).usageQuantity(99).build());
		this.fixture.template.meterUsage(
				MeterUsageRequest.builder().usageDimension("bytes").timestamp(HOUR_10).usageQuantity(98).build());
		this.fixture.ledger.record(UsageKey.of("pages"), 5);
		this.fixture.ledger.record(UsageKey.of("bytes"), 7);
		this.fixture.ledger.record(UsageKey.of("scans"), 6);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(reports()).extracting(UsageReport::dimension, UsageReport::state)
			.containsExactlyInAnyOrder(tuple("bytes", ReportState.MOVED_FORWARD),
					tuple("pages", ReportState.MOVED_FORWARD), tuple("scans", ReportState.REPORTED));
		assertThat(reports()).filteredOn((report) -> report.dimension().equals("pages"))
			.singleElement()
			.satisfies((report) -> assertThat(report.reason()).startsWith("DuplicateRequestException: "));
		assertThat(this.fixture.ledger.view().openUsage()).extracting(OpenUsage::hour, OpenUsage::quantity)
			.containsExactlyInAnyOrder(tuple(HOUR_11, 7L), tuple(HOUR_11, 5L));
		assertThat(this.fixture.reporter.getStatistics().count(ReportState.MOVED_FORWARD)).isEqualTo(2);
		assertThat(this.fixture.reporter.getStatistics().count(ReportState.DEAD_LETTER)).isZero();
		assertThat(output.getOut().lines().filter((line) -> line.contains("already held another record")))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "2 usage report(s)", "12 units",
					"AWS Marketplace error codes: DuplicateRequestException ×2", "ledger directory was lost",
					"second writer", "same task or pod identity"));

		this.fixture.clock.set(HOUR_11.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).filteredOn((record) -> record.hour().equals(HOUR_11))
			.extracting(AcceptedRecord::dimension, AcceptedRecord::quantity)
			.containsExactlyInAnyOrder(tuple("pages", 5L), tuple("bytes", 7L));
		assertThat(output.getOut().lines().filter((line) -> line.contains("already held another record")))
			.as("no warning for a run that moved nothing")
			.hasSize(1);
	}

	@Test
	void aClientTokenConflictIsDeadLettered() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		String token = this.fixture.ledger.outbox().seal(HOUR_11).get(0).clientToken();
		this.fixture.template.meterUsage(MeterUsageRequest.builder()
			.usageDimension("pages")
			.timestamp(HOUR_10)
			.usageQuantity(1)
			.clientToken(token)
			.build());
		this.fixture.reporter.report(false);
		assertThat(reports()).filteredOn((report) -> report.dimension().equals("scans"))
			.singleElement()
			.satisfies((report) -> {
				assertThat(report.state()).isEqualTo(ReportState.DEAD_LETTER);
				assertThat(report.reason()).startsWith("DUPLICATE IdempotencyConflictException: ")
					.contains("defect of metering-spring-boot");
			});
	}

	@Test
	void aRejectedRecordIsDeadLetteredAndNeverRetried() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("gigabytes"), 1);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		Cycle cycle = this.fixture.reporter.report(false);
		assertThat(cycle.reported()).as("a dead letter is not reported").isZero();
		assertThat(cycle.pending()).isZero();
		this.fixture.reporter.report(false);
		assertThat(reports()).singleElement()
			.satisfies((report) -> assertThat(report.reason()).isEqualTo("REJECTED InvalidUsageDimensionException"));
		assertThat(this.fixture.emulator.counters().rejected("InvalidUsageDimensionException")).isOne();
	}

	@Test
	void aBuyerWithoutEntitlementDeadLettersTheRecordWithoutRetrying() {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.setEntitled(false);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		this.fixture.reporter.report(false);
		assertThat(reports()).singleElement()
			.satisfies((report) -> assertThat(report.reason()).isEqualTo("NOT_ENTITLED CustomerNotEntitledException"));
		assertThat(this.fixture.emulator.counters().rejected("CustomerNotEntitledException")).isOne();
	}

	@Test
	void aDeadLetterAnOperatorReplaysIsBilledWithTheNextHourAndOneAcknowledgedIsNot(CapturedOutput output) {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.setEntitled(false);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.ledger.record(UsageKey.of("pages"), 2);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.ledger.summary().deadLetters()).isEqualTo(2);
		String pages = reportOf("pages").id();
		String scans = reportOf("scans").id();
		ReportSettler settler = this.fixture.reporter.getSettler();
		settler.acknowledge(pages, "alice");
		settler.replay(scans, "bob");
		assertThat(output).contains("alice acknowledged the dead letter usage of 2 pages")
			.contains("bob replayed the dead letter usage of 5 scans");
		assertThat(this.fixture.reporter.getStatistics().count(ReportState.ACKNOWLEDGED)).isOne();
		assertThat(this.fixture.reporter.getStatistics().count(ReportState.REPLAYED)).isOne();
		assertThat(this.fixture.ledger.summary().deadLetters()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> settler.replay(scans, "bob"))
			.withMessageContaining(scans)
			.withMessageContaining("only a dead letter not yet acknowledged or replayed can be replayed");
		assertThatIllegalArgumentException().isThrownBy(() -> settler.acknowledge(pages, ""))
			.withMessageContaining("'actor'");
		this.fixture.emulator.setEntitled(true);
		this.fixture.clock.set(HOUR_11.plus(1, ChronoUnit.HOURS).plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.dimension()).isEqualTo("scans");
			assertThat(record.hour()).isEqualTo(HOUR_11);
			assertThat(record.quantity()).isEqualTo(5);
		});
	}

	private UsageReport reportOf(String dimension) {
		return reports().stream().filter((report) -> report.dimension().equals(dimension)).findFirst().orElseThrow();
	}

	@Test
	void zeroUsageIsReportedForConfiguredDimensions() {
		ReportingSettings defaults = ReportingSettings.defaults();
		this.fixture = new ReportingFixture((emulator) -> emulator, defaults, ReportingFixture.fastRetry(5),
				ReportingFixture.unlimited(), Set.of("pages"));
		this.fixture.reporter.report(false);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.dimension()).isEqualTo("pages");
			assertThat(record.hour()).isEqualTo(HOUR_10);
			assertThat(record.quantity()).isZero();
		});
	}

	@Test
	void theRetryAttemptsOfTheRetryInstanceAreUsed() {
		this.fixture = new ReportingFixture((emulator) -> emulator, ReportingSettings.defaults(),
				ReportingFixture.fastRetry(2), ReportingFixture.unlimited());
		this.fixture.emulator.faults().throttleRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.counters().rejected("ThrottlingException")).isEqualTo(2);
	}

	@Test
	void everyAttemptTakesAPermitOfTheRateLimiter() {
		RateLimiter oneCall = RateLimiter.of("marketplaceMetering",
				RateLimiterConfig.custom()
					.limitForPeriod(1)
					.limitRefreshPeriod(Duration.ofHours(1))
					.timeoutDuration(Duration.ZERO)
					.build());
		this.fixture = new ReportingFixture((emulator) -> emulator, ReportingSettings.defaults(),
				ReportingFixture.fastRetry(1), oneCall);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.ledger.record(UsageKey.of("pages"), 6);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		Cycle cycle = this.fixture.reporter.report(false);
		assertThat(cycle.reported()).isOne();
		assertThat(cycle.pending()).isOne();
		assertThat(this.fixture.emulator.records()).hasSize(1);
	}

	@Test
	void runsShortlyAfterEachHourAndMoreOftenWhilePending() {
		this.fixture = new ReportingFixture();
		UsageReporter reporter = this.fixture.reporter;
		assertThat(reporter.nextRunDelay(HOUR_10.plusSeconds(30 * 60), false)).isEqualTo(Duration.ofMinutes(31));
		assertThat(reporter.nextRunDelay(HOUR_10.plusSeconds(30 * 60), true)).isEqualTo(Duration.ofMinutes(1));
		assertThat(reporter.nextRunDelay(HOUR_10.plusSeconds(30), false)).isEqualTo(Duration.ofSeconds(30));
		assertThat(reporter.nextRunDelay(HOUR_10.plusSeconds(60), false)).isEqualTo(Duration.ofHours(1));
		assertThat(reporter.nextRunDelay(HOUR_10.plusSeconds(30), true)).isEqualTo(Duration.ofSeconds(30));
	}

	private java.util.List<UsageReport> reports() {
		return this.fixture.ledger.view().reports();
	}

	private static ReportingSettings settings(boolean reportOnShutdown, ExpiredUsage expiredUsage) {
		ReportingSettings defaults = ReportingSettings.defaults();
		return new ReportingSettings(defaults.offset(), defaults.retryInterval(), reportOnShutdown, expiredUsage,
				defaults.acceptanceWindow(), defaults.lastSendMargin(), defaults.shutdownTimeout(), Duration.ZERO);
	}

}
