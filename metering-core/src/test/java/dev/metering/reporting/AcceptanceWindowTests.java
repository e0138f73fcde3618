package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AcceptanceWindow}.
 */
class AcceptanceWindowTests {

	@Test
	void meterUsageAcceptsSixHours() {
		Instant hour = Instant.parse("2026-10-31T23:00:00Z");
		assertThat(AcceptanceWindow.closesAt(hour, false, AcceptanceWindow.METER_USAGE))
			.isEqualTo(Instant.parse("2026-11-01T05:00:00Z"));
	}

	@Test
	void batchMeterUsageAcceptsTwentyFourHoursWithinAMonth() {
		Instant hour = Instant.parse("2026-07-14T10:00:00Z");
		assertThat(AcceptanceWindow.batchMeterUsageClosesAt(hour)).isEqualTo(hour.plus(Duration.ofHours(24)));
		assertThat(AcceptanceWindow.closesAt(hour, true, AcceptanceWindow.METER_USAGE))
			.isEqualTo(hour.plus(Duration.ofHours(24)));
	}

	@Test
	void batchMeterUsageRefusesThePreviousMonthAfter0600OnThe1st() {
		assertThat(AcceptanceWindow.batchMeterUsageClosesAt(Instant.parse("2026-10-31T23:00:00Z")))
			.isEqualTo(Instant.parse("2026-11-01T06:00:00Z"));
		assertThat(AcceptanceWindow.batchMeterUsageClosesAt(Instant.parse("2026-12-31T12:00:00Z")))
			.isEqualTo(Instant.parse("2027-01-01T06:00:00Z"));
		assertThat(AcceptanceWindow.batchMeterUsageClosesAt(Instant.parse("2026-02-28T23:00:00Z")))
			.isEqualTo(Instant.parse("2026-03-01T06:00:00Z"));
	}

	@Test
	void anHourEarlyOnTheLastDayKeepsItsTwentyFourHours() {
		assertThat(AcceptanceWindow.batchMeterUsageClosesAt(Instant.parse("2026-10-31T05:00:00Z")))
			.isEqualTo(Instant.parse("2026-11-01T05:00:00Z"));
	}

	@Test
	void theFirstHoursOfAMonthAreNotCutOff() {
		Instant hour = Instant.parse("2026-11-01T00:00:00Z");
		assertThat(AcceptanceWindow.batchMeterUsageClosesAt(hour)).isEqualTo(hour.plus(Duration.ofHours(24)));
	}

}
