package dev.metering.entitlement;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import org.junit.jupiter.api.Test;

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

	private StartupEntitlementCheck check(EntitlementProbe probe) {
		StartupEntitlementCheck check = new StartupEntitlementCheck(probe, "prod-1", 1);
		check.setClock(this.time);
		check.setSleeper(this.time);
		return check;
	}

}
