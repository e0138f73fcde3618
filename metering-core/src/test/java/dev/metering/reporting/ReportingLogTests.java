package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warnings of a report run name the error codes AWS answered with and their counts,
 * give a refusal of the process's credentials a warning of its own, and carry no stack
 * trace for expected conditions.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReportingLogTests {

	private static final Instant HOUR_11 = ReportingFixture.START.plus(1, ChronoUnit.HOURS);

	private static final String IAM_ADVICE = "check the IAM role or credentials the process runs with";

	private ReportingFixture fixture;

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void aThrottledRunNamesThrottlingWithItsCountAndLogsNoStackTrace(CapturedOutput output) {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().throttleRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		assertThat(this.fixture.reporter.report(false).pending()).isOne();
		assertThat(output)
			.contains("1 usage reports are still pending after this run "
					+ "(AWS Marketplace error codes: ThrottlingException ×5; or the run's time was up)")
			.doesNotContain(IAM_ADVICE)
			.doesNotContain("\tat ")
			.doesNotContain("throttled or no answer");
	}

	@Test
	void eachRunNamesOnlyTheErrorCodesOfThatRun(CapturedOutput output) {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().throttleRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		this.fixture.emulator.faults().throttleRate(0).serverErrorRate(1.0);
		this.fixture.reporter.report(false);
		assertThat(output).contains("(AWS Marketplace error codes: InternalServiceErrorException ×5; or");
		assertThat(output.toString().split("error codes: ")).hasSize(3);
	}

	@Test
	void expiredCredentialsGetAWarningOfTheirOwnNamingTheCodeAndTheIamRole(CapturedOutput output) {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().expiredCredentialsRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		assertThat(this.fixture.reporter.report(false).pending()).isOne();
		assertThat(output)
			.contains("WARN",
					"AWS Marketplace refused the credentials or permissions of this process "
							+ "(ExpiredTokenException): " + IAM_ADVICE)
			.contains("(AWS Marketplace error codes: ExpiredTokenException ×1; or the run's time was up)")
			.doesNotContain("\tat ");
		this.fixture.emulator.faults().expiredCredentialsRate(0);
		assertThat(this.fixture.reporter.report(false).reported()).isOne();
	}

	@Test
	void aStopDuringThrottlingNamesTheCodeAndLogsNoStackTrace(CapturedOutput output) {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().throttleRate(1.0);
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.reporter.getStatistics().lastCycle() != null);
		this.fixture.reporter.stop();
		assertThat(output).contains("usage reports are left pending in the ledger at shutdown "
				+ "(not confirmed within the shutdown timeout of PT30S; AWS Marketplace error codes: ThrottlingException ×5)")
			.doesNotContain("\tat ");
	}

}
