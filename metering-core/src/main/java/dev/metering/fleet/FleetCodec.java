package dev.metering.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.metering.ledger.Allocation;

/**
 * How tag sets and allocations are stored in the shared ledger's text columns. A tag set
 * is its entries in key order, each key and value prefixed by its length
 * ({@code 4:team3:ops}), so that any characters survive and one tag set has one text.
 *
 * @author metering-spring-boot
 */
final class FleetCodec {

	private FleetCodec() {
	}

	static String tags(SortedMap<String, String> tags) {
		StringBuilder text = new StringBuilder();
		for (Map.Entry<String, String> tag : tags.entrySet()) {
			append(text, tag.getKey());
			append(text, tag.getValue());
		}
		return text.toString();
	}

	private static void append(StringBuilder text, String part) {
		text.append(part.length()).append(':').append(part);
	}

	static SortedMap<String, String> tags(String text) {
		if (text.isEmpty()) {
			return Collections.emptySortedMap();
		}
		SortedMap<String, String> tags = new TreeMap<>();
		int[] at = { 0 };
		while (at[0] < text.length()) {
			String key = next(text, at);
			tags.put(key, next(text, at));
		}
		return Collections.unmodifiableSortedMap(tags);
	}

	private static String next(String text, int[] at) {
		int colon = text.indexOf(':', at[0]);
		int length = Integer.parseInt(text.substring(at[0], colon));
		at[0] = colon + 1 + length;
		return text.substring(colon + 1, at[0]);
	}

	/**
	 * One line per allocation: its quantity, a space, its tag set.
	 */
	static String allocations(List<Allocation> allocations) {
		StringBuilder text = new StringBuilder();
		for (Allocation allocation : allocations) {
			if (!text.isEmpty()) {
				text.append('\n');
			}
			text.append(allocation.quantity()).append(' ').append(tags(allocation.tags()));
		}
		return text.toString();
	}

	static List<Allocation> allocations(String text) {
		List<Allocation> allocations = new ArrayList<>();
		for (String line : text.split("\n", -1)) {
			int space = line.indexOf(' ');
			allocations.add(new Allocation(tags(line.substring(space + 1)), Long.parseLong(line.substring(0, space))));
		}
		return Collections.unmodifiableList(allocations);
	}

}
