package dev.metering.reporting;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.metering.core.MeteringException;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringOutcome;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.test.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A refusal of the caller's credentials or permissions (for example while an IAM
 * permission is missing) is not a verdict on the usage: it stays pending, is not retried
 * within the run, and is reported once the refusal is gone. Each run it happens in logs a
 * warning that names the code and points at the IAM role or credentials.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnauthorizedReportingTests {

	private static final Instant HOUR_11 = ReportingFixture.START.plus(1, ChronoUnit.HOURS);

	@Test
	void usageRefusedForTheCallersPermissionsStaysPendingUntilItIsReported(CapturedOutput output) throws Exception {
		MutableClock clock = new MutableClock(ReportingFixture.START.plusSeconds(30 * 60));
		MeteringGateway metering = mock(MeteringGateway.class);
		given(metering.meterUsage(any(MeterUsageRequest.class)))
			.willThrow(new MeteringException("denied", MeteringOutcome.UNAUTHORIZED, "AccessDeniedException", null))
			.willReturn(MeterUsageResponse.builder().meteringRecordId("rec-1").build());
		try (MeteringLedger ledger = MeteringLedger.inMemory(clock, ReportingFixture.PRODUCT, "pod-1")) {
			UsageReporter reporter = new UsageReporter(ledger.outbox(), metering, ReportingFixture.fastRetry(5),
					ReportingFixture.unlimited(), clock, ReportingSettings.defaults());
			ledger.record(UsageKey.of("scans"), 5);
			clock.set(HOUR_11.plusSeconds(60));
			assertThat(reporter.report(false).pending()).isOne();
			verify(metering, times(1)).meterUsage(any(MeterUsageRequest.class));
			assertThat(output)
				.contains("AWS Marketplace refused the credentials or permissions of this process "
						+ "(AccessDeniedException): check the IAM role or credentials the process runs with")
				.contains("AWS Marketplace error codes: AccessDeniedException ×1");
			assertThat(reporter.report(false).reported()).isOne();
			assertThat(ledger.view().reports()).singleElement().satisfies((report) -> {
				assertThat(report.state()).isEqualTo(ReportState.REPORTED);
				assertThat(report.meteringRecordId()).isEqualTo("rec-1");
			});
			assertThat(ledger.view().reports()).extracting(UsageReport::reason).containsOnlyNulls();
		}
	}

}
