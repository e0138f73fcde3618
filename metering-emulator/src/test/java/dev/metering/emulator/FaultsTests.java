package dev.metering.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests of {@link Faults}.
 */
class FaultsTests {

	@Test
	void ratesMustBeBetweenZeroAndOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> Faults.none().throttleRate(1.5))
			.withMessageContaining("throttleRate");
		assertThatIllegalArgumentException().isThrownBy(() -> Faults.none().lostResponseRate(-0.1))
			.withMessageContaining("lostResponseRate");
		assertThatIllegalArgumentException().isThrownBy(() -> Faults.none().unprocessedRate(Double.NaN));
		assertThatIllegalArgumentException().isThrownBy(() -> Faults.none().latency(Duration.ofMillis(-1)));
	}

	@Test
	void extremesNeedNoRandomness() {
		Faults faults = Faults.none();
		assertThat(faults.roll(0)).isFalse();
		assertThat(faults.roll(1)).isTrue();
	}

	@Test
	void sameSeedGivesTheSameSequence() {
		assertThat(rolls(Faults.none().seed(7))).isEqualTo(rolls(Faults.none().seed(7)));
		assertThat(rolls(Faults.none().seed(7))).isNotEqualTo(rolls(Faults.none().seed(8)));
	}

	@Test
	void copyKeepsEverySetting() {
		Faults faults = Faults.none()
			.throttleRate(0.1)
			.serverErrorRate(0.2)
			.dropConnectionRate(0.3)
			.lostResponseRate(0.4)
			.unprocessedRate(0.5)
			.expiredCredentialsRate(0.6)
			.latency(Duration.ofMillis(6))
			.seed(7);
		Faults copy = faults.copy();
		assertThat(copy.throttleRate()).isEqualTo(0.1);
		assertThat(copy.serverErrorRate()).isEqualTo(0.2);
		assertThat(copy.dropConnectionRate()).isEqualTo(0.3);
		assertThat(copy.lostResponseRate()).isEqualTo(0.4);
		assertThat(copy.unprocessedRate()).isEqualTo(0.5);
		assertThat(copy.expiredCredentialsRate()).isEqualTo(0.6);
		assertThat(copy.latency()).isEqualTo(Duration.ofMillis(6));
		assertThat(copy.seed()).isEqualTo(7L);
		assertThat(rolls(copy)).isEqualTo(rolls(Faults.none().seed(7)));
	}

	private static List<Boolean> rolls(Faults faults) {
		List<Boolean> rolls = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			rolls.add(faults.roll(0.5));
		}
		return rolls;
	}

}
