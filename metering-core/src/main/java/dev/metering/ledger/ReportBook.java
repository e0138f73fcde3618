package dev.metering.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

	private final Map<ReportState, LedgerSummary.Totals> totals = new EnumMap<>(ReportState.class);

	private final TreeMap<Instant, Integer> pendingOwnHours = new TreeMap<>();

	private final TreeMap<Instant, Integer> pendingCustomerHours = new TreeMap<>();

	private volatile Tally tally = new Tally(Map.of(), null, null);

	void put(UsageReport report) {
		UsageReport previous = this.reports.put(report.id(), report);
		if (previous != null) {
			count(previous, -1);
		}
		count(report, 1);
		publish();
	}

	void remove(String reportId) {
		UsageReport removed = this.reports.remove(reportId);
		if (removed != null) {
			count(removed, -1);
			publish();
		}
	}

	/**
	 * Return the totals of the reports as of the last change; safe to call without the
	 * ledger's lock.
	 * @return the totals
	 */
	Tally tally() {
		return this.tally;
	}

	private void count(UsageReport report, int sign) {
		this.totals.merge(report.state(), new LedgerSummary.Totals(sign, sign * report.quantity()),
				LedgerSummary.Totals::plus);
		if (report.state().isPending()) {
			TreeMap<Instant, Integer> hours = (report.customer() != null) ? this.pendingCustomerHours
					: this.pendingOwnHours;
			hours.merge(report.hour(), sign, (a, b) -> (a + b != 0) ? a + b : null);
		}
	}

	private void publish() {
		this.tally = new Tally(new EnumMap<>(this.totals), firstKey(this.pendingOwnHours),
				firstKey(this.pendingCustomerHours));
	}

	private static Instant firstKey(TreeMap<Instant, Integer> hours) {
		return hours.isEmpty() ? null : hours.firstKey();
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

	/**
	 * The totals of the reports at one moment.
	 *
	 * @param reports the reports per state
	 * @param oldestOwnHour the oldest hour of a pending report of own usage, or
	 * {@code null}
	 * @param oldestCustomerHour the oldest hour of a pending report of customers' usage,
	 * or {@code null}
	 */
	record Tally(Map<ReportState, LedgerSummary.Totals> reports, Instant oldestOwnHour, Instant oldestCustomerHour) {

	}

}
