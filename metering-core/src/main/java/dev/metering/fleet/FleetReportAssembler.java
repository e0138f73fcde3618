package dev.metering.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import dev.metering.ledger.Allocation;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.limits.MeteringLimits;

/**
 * Turns the usage the fleet closed for an hour into reports: one per (dimension,
 * customer, license) with every tag set as an allocation, as the local ledger does. More
 * than {@value MeteringLimits#USAGE_ALLOCATIONS_MAX} tag sets: the smallest are folded
 * into the untagged allocation. More than {@value MeteringLimits#USAGE_QUANTITY_MAX} in
 * total: the excess is carried, per tag set, into the next open hour. An account's legacy
 * usage in an hour where it also has license usage is never sent (AWS would bill both
 * shapes): it is kept as a dead letter.
 * <p>
 * A report's id is derived from the product, its key and its hour: the fleet closes each
 * hour once, so each (dimension, customer, license, hour) has one report.
 *
 * @author metering-spring-boot
 */
final class FleetReportAssembler {

	private final String productCode;

	FleetReportAssembler(String productCode) {
		this.productCode = productCode;
	}

	/**
	 * Assemble the reports of one hour.
	 * @param hour the hour
	 * @param usage the usage closed into it, per key
	 * @param carries collects the excess, per key, for the next open hour
	 * @return the reports
	 */
	List<UsageReport> assemble(Instant hour, Map<UsageKey, Long> usage, Map<UsageKey, Long> carries) {
		Map<List<String>, Map<SortedMap<String, String>, Long>> groups = new TreeMap<>(
				Comparator.comparing((List<String> group) -> String.join("\u0000", group)));
		Set<String> licensedAccounts = new HashSet<>();
		usage.forEach((key, quantity) -> {
			groups
				.computeIfAbsent(List.of(key.dimension(), key.customer(), (key.license() != null) ? key.license() : ""),
						(group) -> new TreeMap<>(Comparator.comparing(FleetCodec::tags)))
				.merge(key.tags(), quantity, Long::sum);
			if (key.license() != null) {
				licensedAccounts.add(key.customer());
			}
		});
		List<UsageReport> reports = new ArrayList<>();
		groups.forEach((group, byTags) -> {
			String license = group.get(2).isEmpty() ? null : group.get(2);
			boolean mixed = license == null && licensedAccounts.contains(group.get(1));
			reports.add(report(hour, group.get(0), group.get(1), license, byTags, mixed, carries));
		});
		return reports;
	}

	private UsageReport report(Instant hour, String dimension, String customer, String license,
			Map<SortedMap<String, String>, Long> byTags, boolean mixed, Map<UsageKey, Long> carries) {
		List<Allocation> allocations = Allocation.within(byTags,
				(tags, excess) -> carries.merge(new UsageKey(dimension, customer, license, tags), excess, Long::sum));
		long total = allocations.stream().mapToLong(Allocation::quantity).sum();
		String id = id(dimension, customer, license, hour);
		ReportState state = mixed ? ReportState.DEAD_LETTER : ReportState.CLOSED;
		String reason = mixed ? "MIXED_SHAPES customer " + customer + " has license usage in hour " + hour
				+ " in the fleet: a legacy record beside it would bill twice" : null;
		return new UsageReport(id, hour, dimension, customer, license, total, allocations, id, state, null, reason);
	}

	private String id(String dimension, String customer, String license, Instant hour) {
		StringBuilder name = new StringBuilder("fleet;");
		for (String part : new String[] { this.productCode, dimension, customer, license,
				String.valueOf(hour.getEpochSecond()) }) {
			name.append((part != null) ? part.length() + ":" + part : "-").append(';');
		}
		return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
	}

}
