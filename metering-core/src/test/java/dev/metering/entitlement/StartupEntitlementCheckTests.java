package dev.metering.entitlement;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.core.MeteringErrors;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
	void noAnswerIsRetriedUntilTheStartupTimeout() {
		StartupEntitlementCheck check = check(() -> {
			this.attempts.incrementAndGet();
			throw new MeteringException("Connection refused", MeteringOutcome.RETRYABLE, null, null);
		});
		check.setStartupTimeout(Duration.ofSeconds(5));
		check.setBackoff((attempt) -> Duration.ofSeconds(attempt));
		assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::check).satisfies((ex) -> {
			assertThat(ex.getReason()).isEqualTo(EntitlementReason.TIMEOUT);
			assertThat(ex.getErrorCode()).isNull();
			assertThat(ex.getMessage()).contains("3 attempts failed within the startup timeout of PT5S")
				.contains("Connection refused");
		});
		assertThat(this.time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
		assertThat(check.getStatus().checkedAt()).isEqualTo(START.plusSeconds(3));
	}

	@Test
	void throttlingOnEveryAttemptUnderAnyOfAwsNamesStartsWithTheEntitlementNotChecked() {
		StartupEntitlementCheck check = check(() -> {
			throw MeteringErrors.translate("RegisterUsage", serviceError(429, "TooManyRequestsException"));
		});
		check.setStartupTimeout(Duration.ofSeconds(5));
		check.setBackoff((attempt) -> Duration.ofSeconds(attempt));
		EntitlementStatus status = check.check();
		assertThat(status.state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
		assertThat(status.reason()).isEqualTo(EntitlementReason.TIMEOUT);
		assertThat(this.time.sleeps()).hasSize(2);
	}

	@Test
	void aTimeoutWhoseLastAttemptAloneWasThrottledStillFails() {
		StartupEntitlementCheck check = check(() -> {
			if (this.attempts.incrementAndGet() < 3) {
				throw new MeteringException("Connection refused", MeteringOutcome.RETRYABLE, null, null);
			}
			throw MeteringErrors.translate("RegisterUsage", serviceError(400, "ThrottlingException"));
		});
		check.setStartupTimeout(Duration.ofSeconds(5));
		check.setBackoff((attempt) -> Duration.ofSeconds(attempt));
		assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::check)
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(EntitlementReason.TIMEOUT));
		assertThat(this.attempts).hasValue(3);
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
