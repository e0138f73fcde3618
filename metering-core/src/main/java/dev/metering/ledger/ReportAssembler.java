package dev.metering.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import dev.metering.limits.MeteringLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Turns the sealed usage of an hour into {@link UsageReport reports} that AWS accepts:
 * one per dimension, customer and license, with every tag set as an allocation. An
 * account's legacy usage in an hour where it also has license usage is never sent (AWS
 * would bill both shapes): it is kept as a dead letter.
 * <p>
 * Two limits shape a report. At most {@value MeteringLimits#USAGE_ALLOCATIONS_MAX}
 * allocations: when an hour has more tag sets, the smallest ones beyond the limit are
 * folded into the untagged allocation, so their quantity is still billed on time and only
 * their tag attribution is lost. At most {@value MeteringLimits#USAGE_QUANTITY_MAX} in
 * total: allocations are taken in order (untagged first, then the largest) until the
 * limit, the last one split, and the rest is carried, per tag set, into the open hour.
 *
 * @author metering-spring-boot
 */
final class ReportAssembler {

	private static final Log logger = LogFactory.getLog(ReportAssembler.class);

	private static final Comparator<SortedMap<String, String>> TAGS_ORDER = ReportAssembler::compareTags;

	private static final Comparator<Map.Entry<SortedMap<String, String>, Long>> ALLOCATION_ORDER = Comparator
		.comparing((Map.Entry<SortedMap<String, String>, Long> entry) -> !entry.getKey().isEmpty())
		.thenComparing(Map.Entry::getValue, Comparator.reverseOrder())
		.thenComparing(Map.Entry::getKey, TAGS_ORDER);

	private final String productCode;

	private final String reportingIdentity;

	/** This ledger instance, in its reports' tokens: see {@link ClientTokens}. */
	private final String ledgerInstance = UUID.randomUUID().toString();

	ReportAssembler(String productCode, String reportingIdentity) {
		this.productCode = productCode;
		this.reportingIdentity = reportingIdentity;
	}

	/**
	 * Assemble the reports of one sealed hour.
	 * @param hour the sealed hour
	 * @param usage its usage per key
	 * @param carryTo the open hour an excess moves to
	 * @param carries collects the excess
	 * @return the reports, by dimension and customer
	 */
	List<UsageReport> assemble(int hour, Map<UsageKey, Long> usage, int carryTo, List<Carry> carries) {
		Map<Group, Map<SortedMap<String, String>, Long>> groups = new TreeMap<>();
		usage.forEach(
				(key, quantity) -> groups
					.computeIfAbsent(new Group(key.dimension(), key.customer(), key.license()),
							(group) -> new TreeMap<>(TAGS_ORDER))
					.merge(key.tags(), quantity, Long::sum));
		Set<String> licensedAccounts = new HashSet<>();
		groups.keySet()
			.stream()
			.filter((group) -> group.license() != null)
			.forEach((group) -> licensedAccounts.add(group.customer()));
		List<UsageReport> reports = new ArrayList<>();
		groups.forEach((group, byTags) -> {
			UsageReport report = report(hour, group, byTags, carryTo, carries);
			boolean mixed = group.license() == null && licensedAccounts.contains(group.customer());
			reports.add(mixed ? neverSentBeside(report) : report);
		});
		return reports;
	}

	private UsageReport report(int hour, Group group, Map<SortedMap<String, String>, Long> byTags, int carryTo,
			List<Carry> carries) {
		List<Map.Entry<SortedMap<String, String>, Long>> ordered = fold(byTags);
		List<Allocation> allocations = new ArrayList<>();
		long total = 0;
		for (Map.Entry<SortedMap<String, String>, Long> entry : ordered) {
			long quantity = entry.getValue();
			long taken = Math.min(quantity, MeteringLimits.USAGE_QUANTITY_MAX - total);
			if (taken > 0 || quantity == 0) {
				allocations.add(new Allocation(entry.getKey(), taken));
				total += taken;
			}
			if (quantity > taken) {
				carries
					.add(new Carry(new UsageKey(group.dimension(), group.customer(), group.license(), entry.getKey()),
							carryTo, quantity - taken));
			}
		}
		Instant start = Hours.start(hour);
		String token = ClientTokens.of(this.productCode, this.reportingIdentity, this.ledgerInstance, group.dimension(),
				group.customer(), group.license(), start);
		return new UsageReport(token, start, group.dimension(), group.customer(), group.license(), total,
				Collections.unmodifiableList(allocations), token, ReportState.CLOSED, null, null);
	}

	/**
	 * A legacy report of an account that has license usage in the same hour is never
	 * sent: AWS would bill both. It is kept as a dead letter and named in an ERROR.
	 */
	private static UsageReport neverSentBeside(UsageReport report) {
		String reason = "MIXED_SHAPES customer " + report.customer() + " has license usage in hour " + report.hour()
				+ ": a legacy record beside it would bill twice";
		logger.error("Usage of " + report.quantity() + " " + report.dimension() + " in hour " + report.hour()
				+ " for customer " + report.customer() + " is kept as a dead letter and not sent: the customer has "
				+ "usage of the license integration in the same hour, and a legacy record beside it would bill "
				+ "twice (switch aws.marketplace.metering.saas.integration at an hour boundary)");
		return new UsageReport(report.id(), report.hour(), report.dimension(), report.customer(), null,
				report.quantity(), report.allocations(), report.clientToken(), ReportState.DEAD_LETTER, null, reason);
	}

	private List<Map.Entry<SortedMap<String, String>, Long>> fold(Map<SortedMap<String, String>, Long> byTags) {
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

	private record Group(String dimension, String customer, String license) implements Comparable<Group> {

		private static final Comparator<Group> ORDER = Comparator.comparing(Group::dimension)
			.thenComparing(Group::customer, Comparator.nullsFirst(Comparator.naturalOrder()))
			.thenComparing(Group::license, Comparator.nullsFirst(Comparator.naturalOrder()));

		@Override
		public int compareTo(Group other) {
			return ORDER.compare(this, other);
		}

	}

}
