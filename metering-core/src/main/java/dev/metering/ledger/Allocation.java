package dev.metering.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.BiConsumer;

import dev.metering.limits.MeteringLimits;

/**
 * The quantity of one allocation tag set within a {@link UsageReport}.
 *
 * @param tags the allocation tags; empty for the untagged bucket
 * @param quantity the quantity, 0..2,147,483,647
 * @author metering-spring-boot
 */
public record Allocation(SortedMap<String, String> tags, long quantity) {

	/** Tag sets in a fixed order: key by key, then value by value, the shorter first. */
	static final Comparator<SortedMap<String, String>> TAGS_ORDER = Allocation::compareTags;

	private static final Comparator<Map.Entry<SortedMap<String, String>, Long>> ALLOCATION_ORDER = Comparator
		.comparing((Map.Entry<SortedMap<String, String>, Long> entry) -> !entry.getKey().isEmpty())
		.thenComparing(Map.Entry::getValue, Comparator.reverseOrder())
		.thenComparing(Map.Entry::getKey, TAGS_ORDER);

	/**
	 * Return the allocations of one report as AWS accepts them: the untagged set first,
	 * then the largest. Beyond {@value MeteringLimits#USAGE_ALLOCATIONS_MAX} tag sets the
	 * smallest are folded into the untagged one, so their usage is still billed on time;
	 * what would take the report past {@value MeteringLimits#USAGE_QUANTITY_MAX} is
	 * handed to {@code excess}, per tag set, for a later hour.
	 * @param byTags the report's usage per tag set
	 * @param excess takes each tag set's quantity that does not fit
	 * @return the allocations, in the order they are sent
	 */
	public static List<Allocation> within(Map<SortedMap<String, String>, Long> byTags,
			BiConsumer<SortedMap<String, String>, Long> excess) {
		List<Allocation> allocations = new ArrayList<>();
		long total = 0;
		for (Map.Entry<SortedMap<String, String>, Long> entry : fold(byTags)) {
			long quantity = entry.getValue();
			long taken = Math.min(quantity, MeteringLimits.USAGE_QUANTITY_MAX - total);
			if (taken > 0 || quantity == 0) {
				allocations.add(new Allocation(entry.getKey(), taken));
				total += taken;
			}
			if (quantity > taken) {
				excess.accept(entry.getKey(), quantity - taken);
			}
		}
		return Collections.unmodifiableList(allocations);
	}

	private static List<Map.Entry<SortedMap<String, String>, Long>> fold(Map<SortedMap<String, String>, Long> byTags) {
		List<Map.Entry<SortedMap<String, String>, Long>> ordered = new ArrayList<>(byTags.entrySet());
		ordered.sort(ALLOCATION_ORDER);
		if (ordered.size() <= MeteringLimits.USAGE_ALLOCATIONS_MAX) {
			return ordered;
		}
		boolean hasUntagged = ordered.get(0).getKey().isEmpty();
		int keptTagged = MeteringLimits.USAGE_ALLOCATIONS_MAX - 1;
		List<Map.Entry<SortedMap<String, String>, Long>> tagged = ordered.subList(hasUntagged ? 1 : 0, ordered.size());
		long untagged = hasUntagged ? ordered.get(0).getValue() : 0;
		for (Map.Entry<SortedMap<String, String>, Long> excess : tagged.subList(keptTagged, tagged.size())) {
			untagged += excess.getValue();
		}
		List<Map.Entry<SortedMap<String, String>, Long>> folded = new ArrayList<>();
		folded.add(Map.entry(Collections.emptySortedMap(), untagged));
		folded.addAll(tagged.subList(0, keptTagged));
		return folded;
	}

	private static int compareTags(SortedMap<String, String> left, SortedMap<String, String> right) {
		Iterator<Map.Entry<String, String>> rights = right.entrySet().iterator();
		for (Map.Entry<String, String> entry : left.entrySet()) {
			if (!rights.hasNext()) {
				return 1;
			}
			Map.Entry<String, String> other = rights.next();
			int order = entry.getKey().compareTo(other.getKey());
			order = (order != 0) ? order : entry.getValue().compareTo(other.getValue());
			if (order != 0) {
				return order;
			}
		}
		return rights.hasNext() ? -1 : 0;
	}

}
