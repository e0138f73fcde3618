package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOutcome;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The reporter's log events carry the customer, dimension, hour and report id, and the
 * run's error codes, as SLF4J key-value pairs; and a long run logs its progress every
 * five minutes of the reporter's clock.
 */
class ReportingLogFieldsTests {

	private static final Instant HOUR_11 = ReportingFixture.START.plus(1, ChronoUnit.HOURS);

	private final MutableClock clock = new MutableClock(ReportingFixture.START.plusSeconds(30 * 60));

	private final MeteringGateway metering = mock(MeteringGateway.class);

	private final MeteringLedger ledger = MeteringLedger.inMemory(this.clock, ReportingFixture.PRODUCT, "pod-1");

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	private final Logger reporterLogger = (Logger) LoggerFactory.getLogger(UsageReporter.class);

	@BeforeEach
	void captureEvents() {
		this.events.start();
		this.reporterLogger.addAppender(this.events);
	}

	@AfterEach
	void close() throws Exception {
		this.reporterLogger.detachAppender(this.events);
		this.ledger.close();
	}

	@Test
	void anAccessDeniedRunWarnsNamingTheCodeWithTheFieldsOfTheOldestPendingReport() {
		given(this.metering.meterUsage(any(MeterUsageRequest.class)))
			.willThrow(new MeteringException("denied", MeteringOutcome.UNAUTHORIZED, "AccessDeniedException", null));
		UsageReporter reporter = reporter(ReportingSettings.defaults(), 5);
		this.ledger.record(UsageKey.of("scans"), 5);
		this.clock.set(HOUR_11.plusSeconds(60));
		assertThat(reporter.report(false).pending()).isOne();
		UsageReport report = this.ledger.outbox().pending().get(0);
		assertThat(warnings()).anySatisfy((event) -> {
			assertThat(event.getFormattedMessage()).contains("refused the credentials", "AccessDeniedException");
			assertThat(fields(event)).containsEntry("errorCodes", "AccessDeniedException ×1");
		}).anySatisfy((event) -> {
			assertThat(event.getFormattedMessage()).contains("1 usage reports are still pending after this run");
			assertThat(fields(event)).containsEntry("errorCodes", "AccessDeniedException ×1")
				.containsEntry("dimension", "scans")
				.containsEntry("hour", "2026-03-01T10:00:00Z")
				.containsEntry("reportId", report.id())
				.containsEntry("pendingReports", 1)
				.doesNotContainKey("customer");
		});
	}

	@Test
	void aDeadLetterIsLoggedWithTheCustomerDimensionHourAndReportId() throws Exception {
		ListAppender<ILoggingEvent> settlerEvents = new ListAppender<>();
		settlerEvents.start();
		Logger settlerLogger = (Logger) LoggerFactory.getLogger(ReportSettler.class);
		settlerLogger.addAppender(settlerEvents);
		try (ReportingFixture fixture = new ReportingFixture((emulator) -> emulator.subscribedCustomer("customer-1"),
				ReportingSettings.defaults())) {
			fixture.ledger.record(UsageKey.of("scans", "customer-unsubscribed", null), 3);
			fixture.clock.set(HOUR_11.plusSeconds(60));
			fixture.reporter.report(false);
			UsageReport report = fixture.ledger.view().reports().get(0);
			assertThat(settlerEvents.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).hasToString("ERROR");
				assertThat(event.getFormattedMessage()).contains("CustomerNotSubscribed");
				assertThat(fields(event)).containsEntry("customer", "customer-unsubscribed")
					.containsEntry("dimension", "scans")
					.containsEntry("hour", "2026-03-01T10:00:00Z")
					.containsEntry("reportId", report.id());
			});
		}
		finally {
			settlerLogger.detachAppender(settlerEvents);
		}
	}

	@Test
	void aLongRunLogsItsProgressEveryFiveMinutesOfTheReportersClock() {
		given(this.metering.meterUsage(any(MeterUsageRequest.class))).willAnswer((invocation) -> {
			this.clock.advance(Duration.ofMinutes(1));
			throw new MeteringException("throttled", MeteringOutcome.RETRYABLE, "ThrottlingException", null);
		});
		ReportingSettings hourlyRetries = new ReportingSettings(Duration.ofMinutes(1), Duration.ofHours(1), true,
				ExpiredUsage.CARRY_FORWARD, ReportingSettings.AWS_ACCEPTANCE_WINDOW, Duration.ofMinutes(15),
				Duration.ofSeconds(30), Duration.ZERO);
		UsageReporter reporter = reporter(hourlyRetries, 28);
		this.ledger.record(UsageKey.of("scans"), 5);
		this.clock.set(HOUR_11.plusSeconds(60));
		assertThat(reporter.report(false).pending()).isOne();
		List<ILoggingEvent> progress = this.events.list.stream()
			.filter((event) -> event.getFormattedMessage().contains("is still running"))
			.toList();
		assertThat(progress).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly(progress("PT5M", 5), progress("PT10M", 10), progress("PT15M", 15), progress("PT20M", 20),
					progress("PT25M", 25));
		assertThat(fields(progress.get(0))).containsEntry("reportsConfirmed", 0L)
			.containsEntry("reports", 1)
			.containsEntry("errorCodes", "ThrottlingException ×5");
	}

	private static String progress(String after, int throttled) {
		return "The report run started at 2026-03-01T11:01:00Z is still running after " + after
				+ ": 0 of 1 usage reports confirmed so far (AWS Marketplace error codes so far: ThrottlingException ×"
				+ throttled + ")";
	}

	private UsageReporter reporter(ReportingSettings settings, int attempts) {
		return new UsageReporter(this.ledger.outbox(), this.metering, ReportingFixture.fastRetry(attempts),
				ReportingFixture.unlimited(), this.clock, settings);
	}

	private List<ILoggingEvent> warnings() {
		return this.events.list.stream().filter((event) -> "WARN".equals(event.getLevel().toString())).toList();
	}

	private static Map<String, Object> fields(ILoggingEvent event) {
		List<KeyValuePair> pairs = (event.getKeyValuePairs() != null) ? event.getKeyValuePairs() : List.of();
		return pairs.stream().collect(Collectors.toMap((pair) -> pair.key, (pair) -> pair.value));
	}

}
