package dev.metering.ledger;

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
							(group) -> new TreeMap<>(Allocation.TAGS_ORDER))
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
		List<Allocation> allocations = Allocation.within(byTags, (tags, excess) -> carries
			.add(new Carry(new UsageKey(group.dimension(), group.customer(), group.license(), tags), carryTo, excess)));
		long total = allocations.stream().mapToLong(Allocation::quantity).sum();
		Instant start = Hours.start(hour);
		String token = ClientTokens.of(this.productCode, this.reportingIdentity, this.ledgerInstance, group.dimension(),
				group.customer(), group.license(), start);
		return new UsageReport(token, start, group.dimension(), group.customer(), group.license(), total, allocations,
				token, ReportState.CLOSED, null, null);
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
