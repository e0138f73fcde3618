package dev.metering.fleet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.metering.ledger.Allocation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FleetCodec}.
 */
class FleetCodecTests {

	@Test
	void tagSetsWithAnyCharactersOfTheAllowedSetSurvive() {
		TreeMap<String, String> tags = new TreeMap<>(Map.of("team:x", "a 1:2=3", "k", "", "+-=._:/@", "v;,"));

		assertThat(FleetCodec.tags(FleetCodec.tags(tags))).isEqualTo(tags);
		assertThat(FleetCodec.tags(new TreeMap<>())).isEmpty();
		assertThat(FleetCodec.tags("")).isEmpty();
	}

	@Test
	void oneTagSetHasOneText() {
		assertThat(FleetCodec.tags(new TreeMap<>(Map.of("b", "2", "a", "1"))))
			.isEqualTo(FleetCodec.tags(new TreeMap<>(Map.of("a", "1", "b", "2"))))
			.isEqualTo("1:a1:11:b1:2");
	}

	@Test
	void allocationsSurvive() {
		List<Allocation> allocations = List.of(new Allocation(new TreeMap<>(), 5),
				new Allocation(new TreeMap<>(Map.of("team", "ops", "env", "prod 1")), 0));

		assertThat(FleetCodec.allocations(FleetCodec.allocations(allocations))).isEqualTo(allocations);
	}

}
