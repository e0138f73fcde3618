package dev.metering.reporting;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import dev.metering.core.MeteringGateway;
import dev.metering.ledger.ReportOutbox;
import org.junit.jupiter.api.Test;

import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests of what {@link UsageReporter#stop()} leaves behind.
 *
 * @author metering-spring-boot
 */
class ReporterStopTests {

	@Test
	void aScheduledRunThatStartsAfterTheStopNeverTouchesTheLedger() {
		ReportOutbox ledger = mock(ReportOutbox.class);
		MeteringGateway gateway = mock(MeteringGateway.class);
		UsageReporter reporter = new UsageReporter(ledger, gateway, ReportingFixture.fastRetry(1),
				ReportingFixture.unlimited(), Clock.fixed(Instant.parse("2026-03-01T10:30:00Z"), ZoneOffset.UTC),
				ReportingSettings.defaults(), Pause.REAL_TIME, new Random(1));
		reporter.start();
		reporter.stop();
		clearInvocations(ledger);
		// the first run that start() scheduled, had stop() taken the lock before it
		reporter.scheduledRun();
		verifyNoInteractions(ledger, gateway);
	}

}
