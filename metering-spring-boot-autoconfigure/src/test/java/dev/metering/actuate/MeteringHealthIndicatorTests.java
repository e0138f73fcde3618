package dev.metering.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementException;
import dev.metering.entitlement.EntitlementReason;
import dev.metering.entitlement.EntitlementStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clock-driven tests of {@link MeteringHealthIndicator}.
 */
class MeteringHealthIndicatorTests {

	private static final Instant HOUR_10 = MeteringFixture.HOUR_10;

	private final MeteringFixture fixture = new MeteringFixture();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void upWithNothingPendingAndNoEntitlementCheck() {
		Health health = health(Duration.ofHours(1));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKeys("entitlement", "lastReport", "problems");
		assertThat(detail(health, "pending")).containsEntry("reports", 0).containsEntry("openHours", 0L);
		assertThat(detail(health, "deadLetters")).containsEntry("count", 0);
	}

	@Test
	void downWhenTheOldestUnreportedHourHasLessThanTheWarningLeft() {
		this.fixture.recorder.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5)).minusSeconds(1));
		Health health = health(Duration.ofHours(1));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(detail(health, "pending")).containsEntry("openHours", 1L)
			.containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-01T16:00:00Z")
			.containsEntry("timeLeft", "PT1H1S");
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5)).plusSeconds(1));
		health = health(Duration.ofHours(1));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat((List<?>) health.getDetails().get("problems")).singleElement()
			.asString()
			.contains("hour 2026-03-01T10:00:00Z", "2026-03-01T16:00:00Z");
	}

	@Test
	void theExpiryWarningIsConfigurable() {
		this.fixture.recorder.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(3)));
		assertThat(health(Duration.ofHours(1)).getStatus()).isEqualTo(Status.UP);
		assertThat(health(Duration.ofHours(4)).getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void reportingTheUsageClearsThePendingHour() {
		this.fixture.recorder.record("scans", 3, null, null);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(5).plusMinutes(30)));
		Health health = health(Duration.ofHours(1));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(detail(health, "pending")).containsEntry("reports", 0).doesNotContainKey("oldestUnreportedHour");
		assertThat(detail(health, "lastReport")).containsEntry("started", "2026-03-01T11:01:00Z")
			.containsEntry("reported", 1)
			.containsEntry("pending", 0)
			.doesNotContainKey("failure");
	}

	@Test
	void downWithTheReasonWhenAReportWasDeadLettered() {
		this.fixture.recorder.record("scans", 2, null, "customer-2");
		this.fixture.recorder.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.clock.set(HOUR_10.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		Health health = health(Duration.ofHours(1));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(detail(health, "deadLetters")).containsEntry("count", 1)
			.containsEntry("lastReasons", List.of("2026-03-01T10:00:00Z scans: NOT_ENTITLED CustomerNotSubscribed"));
		assertThat(health.getDetails().toString()).as("no customer in health details").doesNotContain("customer-");
	}

	@Test
	void downWhenNotEntitled() {
		EntitlementException refusal = new EntitlementException(EntitlementReason.NOT_ENTITLED,
				"CustomerNotEntitledException", "The buyer is not entitled", null);
		EntitlementStatus status = EntitlementStatus.failed(refusal, HOUR_10, MeteringFixture.PRODUCT, 1);
		Health health = health(() -> status);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(detail(health, "entitlement")).containsEntry("state", EntitlementStatus.State.NOT_ENTITLED)
			.containsEntry("errorCode", "CustomerNotEntitledException")
			.containsEntry("checkedAt", "2026-03-01T10:00:00Z");
		assertThat((List<?>) health.getDetails().get("problems")).singleElement()
			.asString()
			.contains("not entitled", "CustomerNotEntitledException");
	}

	@Test
	void upWhenEntitledOrNotChecked() {
		assertThat(health(() -> EntitlementStatus.entitled(HOUR_10, MeteringFixture.PRODUCT, 1)).getStatus())
			.isEqualTo(Status.UP);
		Health notChecked = health(() -> EntitlementStatus.notChecked(MeteringFixture.PRODUCT, 1));
		assertThat(notChecked.getStatus()).isEqualTo(Status.UP);
		assertThat(detail(notChecked, "entitlement")).containsEntry("state", EntitlementStatus.State.NOT_CHECKED);
	}

	@Test
	void customersUsageExpiresAfterTheBatchMeterUsageWindow() {
		this.fixture.recorder.record("scans", 3, null, "customer-1");
		this.fixture.clock.set(HOUR_10.plus(Duration.ofHours(7)));
		Health health = health(Duration.ofHours(1));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(detail(health, "pending")).containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-02T10:00:00Z");
		this.fixture.recorder.record("scans", 1, null, null);
		assertThat(detail(health(Duration.ofHours(1)), "pending"))
			.containsEntry("oldestUnreportedHour", "2026-03-01T10:00:00Z")
			.containsEntry("expiresAt", "2026-03-01T23:00:00Z");
	}

	private Health health(Duration expiryWarning) {
		return new MeteringHealthIndicator(this.fixture.state(), this.fixture.clock, expiryWarning).health();
	}

	private Health health(EntitlementCheck check) {
		return new MeteringHealthIndicator(this.fixture.state(check), this.fixture.clock, Duration.ofHours(1)).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(Health health, String name) {
		return (Map<String, Object>) health.getDetails().get(name);
	}

}
