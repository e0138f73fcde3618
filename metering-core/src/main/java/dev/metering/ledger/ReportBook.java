package dev.metering.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The reports a ledger keeps, and the rules of their states: only a pending report moves,
 * to {@link ReportState#SENDING} or to one of the final states. Not thread-safe: the
 * ledger guards it.
 *
 * @author metering-spring-boot
 */
final class ReportBook {

	static final Comparator<UsageReport> OLDEST_FIRST = Comparator.comparing(UsageReport::hour)
		.thenComparing(UsageReport::dimension)
		.thenComparing(UsageReport::customer, Comparator.nullsFirst(Comparator.naturalOrder()));

	private final Map<String, UsageReport> reports = new HashMap<>();

	void put(UsageReport report) {
		this.reports.put(report.id(), report);
	}

	void remove(String reportId) {
		this.reports.remove(reportId);
	}

	List<UsageReport> all() {
		return select((report) -> true);
	}

	List<UsageReport> select(Predicate<UsageReport> filter) {
		List<UsageReport> selected = new ArrayList<>();
		for (UsageReport report : this.reports.values()) {
			if (filter.test(report)) {
				selected.add(report);
			}
		}
		selected.sort(OLDEST_FIRST);
		return selected;
	}

	/**
	 * Return a pending report in a new state, without storing it.
	 * @param reportId the report id
	 * @param state the new state
	 * @param meteringRecordId the record id, for {@link ReportState#REPORTED}
	 * @param reason the reason, for the other final states
	 * @return the report in its new state
	 * @throws IllegalStateException if there is no such report or it is not pending
	 */
	UsageReport transition(String reportId, ReportState state, String meteringRecordId, String reason) {
		UsageReport report = get(reportId);
		if (!report.state().isPending()) {
			throw new IllegalStateException(
					"Report '" + reportId + "' is " + report.state() + " (final) and cannot move to " + state);
		}
		return new UsageReport(report.id(), report.hour(), report.dimension(), report.customer(), report.license(),
				report.quantity(), report.allocations(), report.clientToken(), state, meteringRecordId, reason);
	}

	UsageReport get(String reportId) {
		UsageReport report = this.reports.get(reportId);
		if (report == null) {
			throw new IllegalStateException("No report '" + reportId + "' in the ledger");
		}
		return report;
	}

}
