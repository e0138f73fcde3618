package dev.metering.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementException;
import dev.metering.entitlement.EntitlementReason;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Clock-driven tests of {@link MeteringHealth}.
 */
class MeteringHealthTests {

	private static final Instant HOUR_10 = MeteringFixture.HOUR_10;

	private final MeteringFixture fixture = new MeteringFixture();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void upWithNothingPendingAndNoEntitlementCheck() {
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.up()).isTrue();
		assertThat(health.details()).doesNotContainKeys("entitlement", "lastReport", "problems");
		assertThat(detail(health, "pending")).containsEntry("reports", 0).containsEntry("openHours", 0);
		assertThat(detail(health, "deadLetters")).containsEntry("count", 0);
	}

	@Test
	void downWhenTheOldestUnreportedHourHasLessThanTheWarningLeft() {
		this.fixture.capture.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5)).minusSeconds(1));
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.up()).isTrue();
		assertThat(detail(health, "pending")).containsEntry("openHours", 1)
			.containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-01T16:00:00Z")
			.containsEntry("timeLeft", "PT1H1S");
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5)).plusSeconds(1));
		health = health(Duration.ofHours(1));
		assertThat(health.status()).isEqualTo(MeteringHealth.Status.DOWN);
		assertThat((List<?>) health.details().get("problems")).singleElement()
			.asString()
			.contains("hour 2026-03-01T10:00:00Z", "2026-03-01T16:00:00Z");
	}

	@Test
	void theExpiryWarningIsConfigurable() {
		this.fixture.capture.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(3)));
		assertThat(health(Duration.ofHours(1)).up()).isTrue();
		assertThat(health(Duration.ofHours(4)).up()).isFalse();
	}

	@Test
	void reportingTheUsageClearsThePendingHour() {
		this.fixture.capture.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5).plusMinutes(30)));
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.up()).isTrue();
		assertThat(detail(health, "pending")).containsEntry("reports", 0).doesNotContainKey("oldestUnreportedHour");
		assertThat(detail(health, "lastReport")).containsEntry("started", "2026-03-01T11:01:00Z")
			.containsEntry("reported", 1)
			.containsEntry("pending", 0)
			.doesNotContainKey("failure");
	}

	@Test
	void upWithTheDeadLetterCountAgeAndReasonAsDetails() {
		this.fixture.capture.record("scans", 2, null, "customer-2");
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(30)));
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.status()).isEqualTo(MeteringHealth.Status.UP);
		assertThat(health.details()).doesNotContainKey("problems");
		assertThat(detail(health, "deadLetters")).containsEntry("count", 1)
			.containsEntry("oldest", "2026-03-01T11:01:00Z")
			.containsEntry("age", "PT28H59M")
			.containsEntry("lastReasons", List.of("2026-03-01T10:00:00Z scans: NOT_ENTITLED CustomerNotSubscribed"));
		assertThat(health.details().toString()).as("no customer in health details").doesNotContain("customer-");
	}

	@Test
	void anAcknowledgedDeadLetterNoLongerCountsAndAReplayedOneIsReported() {
		this.fixture.capture.record("scans", 2, null, "customer-2");
		this.fixture.capture.record("pages", 3, null, "customer-3");
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		List<UsageReport> deadLetters = this.fixture.ledger.outbox().deadLetters();
		assertThat(detail(health(Duration.ofHours(1)), "deadLetters")).containsEntry("count", 2);

		this.fixture.reporter.getSettler().acknowledge(deadLetters.get(0).id(), "alice");
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.status()).isEqualTo(MeteringHealth.Status.UP);
		assertThat(detail(health, "deadLetters")).containsEntry("count", 1);
		assertThat((List<?>) detail(health, "deadLetters").get("lastReasons")).singleElement()
			.asString()
			.contains(deadLetters.get(1).dimension());

		this.fixture.reporter.getSettler().replay(deadLetters.get(1).id(), "alice");
		assertThat(detail(health(Duration.ofHours(1)), "deadLetters")).containsOnlyKeys("count")
			.containsEntry("count", 0);
	}

	@Test
	void outOfServiceWhenNotEntitled() {
		MeteringHealth.Check health = health(() -> notEntitled());
		assertThat(health.status()).isEqualTo(MeteringHealth.Status.OUT_OF_SERVICE);
		assertThat(detail(health, "entitlement")).containsEntry("state", EntitlementStatus.State.NOT_ENTITLED)
			.containsEntry("errorCode", "CustomerNotEntitledException")
			.containsEntry("checkedAt", "2026-03-01T10:00:00Z");
		assertThat((List<?>) health.details().get("problems")).singleElement()
			.asString()
			.contains("not entitled", "CustomerNotEntitledException");
	}

	@Test
	void downWhenRevenueIsAtRiskEvenIfNotEntitled() {
		this.fixture.capture.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5)).plusSeconds(1));
		MeteringHealth.Check health = health(() -> notEntitled());
		assertThat(health.status()).isEqualTo(MeteringHealth.Status.DOWN);
		assertThat((List<?>) health.details().get("problems")).hasSize(2)
			.anySatisfy((problem) -> assertThat(problem).asString().contains("leaves AWS's acceptance window"))
			.anySatisfy((problem) -> assertThat(problem).asString().contains("not entitled"));
	}

	@Test
	void upWhenEntitledOrNotChecked() {
		assertThat(health(() -> EntitlementStatus.entitled(HOUR_10, MeteringFixture.PRODUCT, 1)).up()).isTrue();
		MeteringHealth.Check notChecked = health(() -> EntitlementStatus.notChecked(MeteringFixture.PRODUCT, 1));
		assertThat(notChecked.up()).isTrue();
		assertThat(detail(notChecked, "entitlement")).containsEntry("state", EntitlementStatus.State.NOT_CHECKED);
	}

	@Test
	void upWithTheUncheckedTimeWhileTheEntitlementIsCheckedInTheBackground() {
		EntitlementException unanswered = new EntitlementException(EntitlementReason.TIMEOUT,
				"InternalServiceErrorException", "No entitlement answer", null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(90)));
		MeteringHealth.Check health = health(() -> EntitlementStatus.unanswered(unanswered, HOUR_10.plusSeconds(30),
				HOUR_10, MeteringFixture.PRODUCT, 1));
		assertThat(health.up()).isTrue();
		assertThat(detail(health, "entitlement")).containsEntry("state", EntitlementStatus.State.NOT_CHECKED)
			.containsEntry("errorCode", "InternalServiceErrorException")
			.containsEntry("uncheckedSince", "2026-03-01T10:00:00Z")
			.containsEntry("uncheckedFor", "PT1H30M");
	}

	@Test
	void usageThatKeepsMeetingRecordsOfAnotherWriterShowsSinceWhenAndIsDownAfterTheAcceptanceWindow() {
		this.fixture.capture.record("scans", 3, null, null);
		Instant hour = HOUR_10;
		for (int hours = 1; hours <= 6; hours++) {
			this.fixture.clock.set(hour.plus(Duration.ofMinutes(30)));
			this.fixture.client.meterUsage(MeterUsageRequest.builder()
				.productCode(MeteringFixture.PRODUCT)
				.usageDimension("scans")
				.timestamp(hour)
				.usageQuantity(1000)
				.build());
			hour = hour.plus(Duration.ofHours(1));
			this.fixture.clock.set(hour.plus(Duration.ofMinutes(1)));
			this.fixture.reporter.report(false);
			MeteringHealth.Check health = health(Duration.ofHours(1));
			assertThat(detail(health, "movedForward")).containsEntry("units", 3L)
				.containsEntry("keys", 1)
				.containsEntry("since", "2026-03-01T10:00:00Z")
				.containsEntry("movingFor", "PT" + hours + "H1M");
			assertThat(health.up()).as("after %s hours", hours).isEqualTo(hours < 6);
		}
		assertThat((List<?>) health(Duration.ofHours(1)).details().get("problems")).singleElement()
			.asString()
			.contains("moved forward since hour 2026-03-01T10:00:00Z", "lost ledger directory", "second writer");

		this.fixture.clock.set(hour.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.up()).isTrue();
		assertThat(health.details()).doesNotContainKey("movedForward");
		assertThat(this.fixture.emulator.records())
			.filteredOn((record) -> record.hour().equals(HOUR_10.plus(Duration.ofHours(6))))
			.singleElement()
			.satisfies((record) -> assertThat(record.quantity()).isEqualTo(3));
	}

	@Test
	void customersUsageExpiresAfterTheBatchMeterUsageWindow() {
		this.fixture.capture.record("scans", 3, null, "customer-1");
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(7)));
		MeteringHealth.Check health = health(Duration.ofHours(1));
		assertThat(health.up()).isTrue();
		assertThat(detail(health, "pending")).containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-02T10:00:00Z");
		this.fixture.capture.record("scans", 1, null, null);
		assertThat(detail(health(Duration.ofHours(1)), "pending"))
			.containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-01T23:00:00Z");
	}

	@Test
	void aCheckWithUsagePendingAndNothingRefusedReadsTheSummaryNeverTheView() {
		UsageLedger ledger = mock(UsageLedger.class, delegatesTo(this.fixture.ledger));
		this.fixture.capture.record("scans", 3, null, null);
		this.fixture.capture.record("scans", 4, null, MeteringFixture.SUBSCRIBED);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.ledger.outbox().seal(this.fixture.clock.instant());
		this.fixture.capture.record("pages", 1, null, null);
		MeteringHealth.Check health = new MeteringHealth(new MeteringSources(ledger, this.fixture.reporter, null),
				this.fixture.clock, Duration.ofHours(1), DataSize.ofBytes(0))
			.check();
		assertThat(detail(health, "pending")).containsEntry("reports", 2)
			.containsEntry("openHours", 1)
			.containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-01T16:00:00Z");
		verify(ledger).summary();
		verify(ledger, never()).view();
	}

	@Test
	void aCheckWithDeadLettersAndUsageMovingForwardCopiesTheViewOnlyWhenReportsChange() {
		UsageLedger ledger = mock(UsageLedger.class, delegatesTo(this.fixture.ledger));
		MeteringHealth health = new MeteringHealth(
				new MeteringSources(ledger, this.fixture.ledger.outbox(), this.fixture.reporter, null),
				this.fixture.clock, Duration.ofHours(1), DataSize.ofBytes(0));
		this.fixture.capture.record("scans", 3, null, null);
		this.fixture.capture.record("pages", 2, null, "customer-2");
		this.fixture.client.meterUsage(MeterUsageRequest.builder()
			.productCode(MeteringFixture.PRODUCT)
			.usageDimension("scans")
			.timestamp(HOUR_10)
			.usageQuantity(1000)
			.build());
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);

		for (int check = 0; check < 3; check++) {
			this.fixture.capture.record("scans", 1, null, null);
			MeteringHealth.Check result = health.check();
			assertThat(detail(result, "deadLetters")).containsEntry("count", 1)
				.containsEntry("lastReasons",
						List.of("2026-03-01T10:00:00Z pages: NOT_ENTITLED CustomerNotSubscribed"));
			assertThat(detail(result, "movedForward")).containsEntry("units", 3L)
				.containsEntry("keys", 1)
				.containsEntry("since", "2026-03-01T10:00:00Z");
		}
		verify(ledger, times(1)).view();

		this.fixture.reporter.getSettler().acknowledge(this.fixture.ledger.outbox().deadLetters().get(0).id(), "alice");
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(121)));
		this.fixture.reporter.report(false);
		MeteringHealth.Check result = health.check();
		assertThat(detail(result, "deadLetters")).containsOnlyKeys("count").containsEntry("count", 0);
		assertThat(result.details()).doesNotContainKey("movedForward");
		verify(ledger, times(2)).view();
	}

	private static EntitlementStatus notEntitled() {
		EntitlementException refusal = new EntitlementException(EntitlementReason.NOT_ENTITLED,
				"CustomerNotEntitledException", "The buyer is not entitled", null);
		return EntitlementStatus.failed(refusal, HOUR_10, MeteringFixture.PRODUCT, 1);
	}

	private MeteringHealth.Check health(Duration expiryWarning) {
		return new MeteringHealth(this.fixture.state(), this.fixture.clock, expiryWarning, DataSize.ofBytes(0)).check();
	}

	private MeteringHealth.Check health(EntitlementCheck check) {
		return new MeteringHealth(this.fixture.state(check), this.fixture.clock, Duration.ofHours(1),
				DataSize.ofBytes(0))
			.check();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(MeteringHealth.Check health, String name) {
		return (Map<String, Object>) health.details().get(name);
	}

}
