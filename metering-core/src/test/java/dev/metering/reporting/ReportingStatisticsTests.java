package dev.metering.reporting;

import java.time.Duration;

import dev.metering.emulator.Faults;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the call durations {@link ReportingStatistics} records, read by metrics.
 */
class ReportingStatisticsTests {

	private ReportingFixture fixture;

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void recordsTheDurationOfEachCall() {
		this.fixture = new ReportingFixture();
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.ledger.record(UsageKey.of("pages"), 7);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		ReportingStatistics statistics = this.fixture.reporter.getStatistics();
		assertThat(statistics.calls()).isEqualTo(2);
		assertThat(statistics.callNanos()).isPositive();
	}

	@Test
	void countsEveryAttemptOfARetriedCall() {
		this.fixture = new ReportingFixture((emulator) -> emulator.faults(Faults.none().throttleRate(1)),
				ReportingSettings.defaults(), ReportingFixture.fastRetry(3), ReportingFixture.unlimited());
		this.fixture.ledger.record(UsageKey.of("scans"), 5);
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.reporter.report(false);
		ReportingStatistics statistics = this.fixture.reporter.getStatistics();
		assertThat(statistics.calls()).isEqualTo(3);
		assertThat(statistics.retries()).isEqualTo(3);
	}

}
