package dev.metering.emulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Argument parsing of {@link EmulatorMain}.
 */
class EmulatorMainTests {

	@Test
	void defaults() {
		EmulatorMain.Options options = EmulatorMain.Options.parse(new String[0]);
		assertThat(options.help()).isFalse();
		assertThat(options.port()).isZero();
		assertThat(options.bind().isLoopbackAddress()).isTrue();
		assertThat(options.products()).isEmpty();
		assertThat(options.customers()).isEmpty();
		assertThat(options.window()).isEqualTo(Duration.ofHours(6));
		assertThat(options.entitled()).isTrue();
		assertThat(options.faults().throttleRate()).isZero();
	}

	@Test
	void everyOption() {
		EmulatorMain.Options options = EmulatorMain.Options
			.parse(new String[] { "--port", "4566", "--bind", "0.0.0.0", "--product", "prod-a:scans,users", "--product",
					"prod-b", "--customer", "c1", "--customer=111122223333", "--registration-token",
					"tok,c1,111122223333", "--expired-token", "old", "--public-key-version", "2", "--region",
					"eu-west-1", "--throttle-rate", "0.3", "--server-error-rate", "0.1", "--drop-connection-rate",
					"0.05", "--lost-response-rate", "0.2", "--unprocessed-rate", "0.4", "--latency-ms", "25", "--seed",
					"9", "--window-hours", "2", "--not-entitled", "--platform-not-supported" });
		assertThat(options.port()).isEqualTo(4566);
		assertThat(options.bind().isAnyLocalAddress()).isTrue();
		assertThat(options.products()).containsExactly(Map.entry("prod-a", Set.of("scans", "users")),
				Map.entry("prod-b", Set.of()));
		assertThat(options.customers()).containsExactly("c1", "111122223333");
		assertThat(options.registrationTokens()).containsEntry("tok", List.of("c1", "111122223333"));
		assertThat(options.expiredTokens()).containsExactly("old");
		assertThat(options.publicKeyVersions()).containsExactly(2);
		assertThat(options.region()).isEqualTo("eu-west-1");
		assertThat(options.faults().throttleRate()).isEqualTo(0.3);
		assertThat(options.faults().serverErrorRate()).isEqualTo(0.1);
		assertThat(options.faults().dropConnectionRate()).isEqualTo(0.05);
		assertThat(options.faults().lostResponseRate()).isEqualTo(0.2);
		assertThat(options.faults().unprocessedRate()).isEqualTo(0.4);
		assertThat(options.faults().latency()).isEqualTo(Duration.ofMillis(25));
		assertThat(options.faults().seed()).isEqualTo(9L);
		assertThat(options.window()).isEqualTo(Duration.ofHours(2));
		assertThat(options.entitled()).isFalse();
		assertThat(options.platformSupported()).isFalse();
		MarketplaceMeteringEmulator emulator = options.builder().build();
		assertThat(emulator.isEntitled()).isFalse();
		assertThat(emulator.faults().throttleRate()).isEqualTo(0.3);
	}

	@Test
	void help() {
		assertThat(EmulatorMain.Options.parse(new String[] { "--help" }).help()).isTrue();
		assertThat(EmulatorMain.USAGE).contains("--port", "--product", "--throttle-rate", "--not-entitled");
	}

	@Test
	void badArgumentsNameTheArgument() {
		assertRefused("--port", "--port", "abc");
		assertRefused("--port", "--port", "70000");
		assertRefused("--port", "--port");
		assertRefused("--throttle-rate", "--throttle-rate", "1.5");
		assertRefused("--server-error-rate", "--server-error-rate", "x");
		assertRefused("--product", "--product", "bad code!");
		assertRefused("--registration-token", "--registration-token", "tok,c1");
		assertRefused("--window-hours", "--window-hours", "0");
		assertRefused("unknown argument --bogus", "--bogus");
		assertRefused("unknown argument --bogus", "--bogus", "1");
		assertRefused("stray", "stray");
	}

	private static void assertRefused(String named, String... args) {
		assertThatIllegalArgumentException().isThrownBy(() -> EmulatorMain.Options.parse(args))
			.withMessageContaining(named);
	}

}
