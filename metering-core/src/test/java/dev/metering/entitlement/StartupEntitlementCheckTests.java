package dev.metering.entitlement;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.core.MeteringErrors;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link StartupEntitlementCheck}'s attempts, deadline and result.
 */
class StartupEntitlementCheckTests {

	private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

	private final FakeTime time = new FakeTime(START);

	private final AtomicInteger attempts = new AtomicInteger();

	@Test
	void isNotCheckedUntilInitialized() {
		StartupEntitlementCheck check = check(this.attempts::incrementAndGet);
		assertThat(check.getStatus()).isEqualTo(EntitlementStatus.notChecked("prod-1", 1));
		check.afterPropertiesSet();
		assertThat(check.getStatus().isEntitled()).isTrue();
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void aRefusalIsFinalAtOnce() {
		StartupEntitlementCheck check = check(() -> {
			this.attempts.incrementAndGet();
			throw new MeteringException("RegisterUsage failed", MeteringOutcome.REJECTED, "DisabledApiException", null);
		});
		assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::check)
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(EntitlementReason.DISABLED_API));
		assertThat(this.attempts).hasValue(1);
		assertThat(this.time.sleeps()).isEmpty();
	}

	@Test
	void noAnswerUntilTheStartupTimeoutStartsNotCheckedAndTurnsEntitledAfterALaterSuccess() {
		StartupEntitlementCheck check = check(() -> {
			if (this.attempts.incrementAndGet() < 6) {
				throw new MeteringException("Connection refused", MeteringOutcome.RETRYABLE, null, null);
			}
		});
		check.setStartupTimeout(Duration.ofSeconds(5));
		check.setBackoff((attempt) -> Duration.ofSeconds(attempt));
		check.setRecheckBackoff((attempt) -> Duration.ofMillis(1));
		try {
			EntitlementStatus status = check.check();
			assertThat(status.state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
			assertThat(status.reason()).isEqualTo(EntitlementReason.TIMEOUT);
			assertThat(status.message()).contains("3 attempts failed within the startup timeout of PT5S")
				.contains("Connection refused");
			assertThat(status.uncheckedSince()).isEqualTo(START);
			assertThat(status.checkedAt()).isEqualTo(START.plusSeconds(3));
			assertThat(this.time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
			await().atMost(Duration.ofSeconds(10)).until(() -> check.getStatus().isEntitled());
			assertThat(check.getStatus().uncheckedSince()).isNull();
			assertThat(this.attempts).hasValue(6);
		}
		finally {
			check.destroy();
		}
	}

	@Test
	void throttlingOnEveryAttemptUnderAnyOfAwsNamesStartsWithTheEntitlementNotChecked() {
		StartupEntitlementCheck check = check(() -> {
			throw MeteringErrors.translate("RegisterUsage", serviceError(429, "TooManyRequestsException"));
		});
		check.setStartupTimeout(Duration.ofSeconds(5));
		check.setBackoff((attempt) -> Duration.ofSeconds(attempt));
		check.setRecheckBackoff((attempt) -> Duration.ofHours(1));
		EntitlementStatus status = check.check();
		check.destroy();
		assertThat(status.state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
		assertThat(status.reason()).isEqualTo(EntitlementReason.TIMEOUT);
		assertThat(this.time.sleeps()).hasSize(2);
	}

	@Test
	void aDefiniteRefusalInTheBackgroundEndsTheChecksAsNotEntitled() {
		StartupEntitlementCheck check = check(() -> {
			if (this.attempts.incrementAndGet() < 4) {
				throw new MeteringException("Service unavailable", MeteringOutcome.RETRYABLE,
						"InternalServiceErrorException", null);
			}
			throw new MeteringException("Not entitled", MeteringOutcome.NOT_ENTITLED, "CustomerNotEntitledException",
					null);
		});
		check.setStartupTimeout(Duration.ofSeconds(1));
		check.setBackoff((attempt) -> Duration.ofSeconds(1));
		check.setRecheckBackoff((attempt) -> Duration.ofMillis(1));
		assertThat(check.check().state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> check.getStatus().state() == EntitlementStatus.State.NOT_ENTITLED);
		assertThat(check.getStatus().reason()).isEqualTo(EntitlementReason.NOT_ENTITLED);
		assertThat(check.getStatus().errorCode()).isEqualTo("CustomerNotEntitledException");
		assertThat(this.attempts).hasValue(4);
	}

	@Test
	void destroyLetsTheBackgroundCheckInFlightFinishUninterruptedAndStartsNoOther() throws InterruptedException {
		CountDownLatch inFlight = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		StartupEntitlementCheck check = check(() -> {
			if (this.attempts.incrementAndGet() == 2) {
				inFlight.countDown();
				awaitQuietly(release);
				interrupted.set(Thread.currentThread().isInterrupted());
			}
			throw new MeteringException("Throttled", MeteringOutcome.RETRYABLE, "ThrottlingException", null);
		});
		check.setStartupTimeout(Duration.ZERO);
		check.setRecheckBackoff((attempt) -> Duration.ofMillis(1));
		check.check();
		assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
		check.destroy();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> !recheckThreadAlive());
		assertThat(interrupted).isFalse();
		assertThat(this.attempts).hasValue(2);
		assertThat(check.getStatus().state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
	}

	@Test
	void anInterruptedWaitEndsTheCheck() {
		StartupEntitlementCheck check = check(() -> {
			throw new MeteringException("Throttled", MeteringOutcome.RETRYABLE, "ThrottlingException", null);
		});
		check.setSleeper((duration) -> {
			throw new InterruptedException();
		});
		try {
			assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::check)
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(EntitlementReason.TIMEOUT))
				.withMessageContaining("interrupted while waiting to retry");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean recheckThreadAlive() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.getName().equals("metering-entitlement-recheck"));
	}

	private static AwsServiceException serviceError(int status, String errorCode) {
		return AwsServiceException.builder()
			.statusCode(status)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage("slow down").build())
			.build();
	}

	private StartupEntitlementCheck check(EntitlementProbe probe) {
		StartupEntitlementCheck check = new StartupEntitlementCheck(probe, "prod-1", 1);
		check.setClock(this.time);
		check.setSleeper(this.time);
		return check;
	}

}
