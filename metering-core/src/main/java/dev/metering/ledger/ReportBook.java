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

	private final TreeMap<Instant, Integer> deadLetterTimes = new TreeMap<>();

	private final Map<String, Long> pendingByDimension = new HashMap<>();

	private volatile Tally tally = new Tally(Map.of(), null, null, Map.of(), null);

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
			hours.merge(report.hour(), sign, ReportBook::sumOrNull);
			this.pendingByDimension.merge(report.dimension(), sign * report.quantity(),
					(a, b) -> (a + b != 0) ? a + b : null);
		}
		else if (report.state() == ReportState.DEAD_LETTER) {
			this.deadLetterTimes.merge(deadLetteredAt(report), sign, ReportBook::sumOrNull);
		}
	}

	/**
	 * Return when a dead letter was settled; for one journaled before that time was kept,
	 * its hour.
	 */
	private static Instant deadLetteredAt(UsageReport report) {
		return (report.settledAt() != null) ? report.settledAt() : report.hour();
	}

	private static Integer sumOrNull(Integer a, Integer b) {
		return (a + b != 0) ? a + b : null;
	}

	private void publish() {
		this.tally = new Tally(new EnumMap<>(this.totals), firstKey(this.pendingOwnHours),
				firstKey(this.pendingCustomerHours), Map.copyOf(this.pendingByDimension),
				firstKey(this.deadLetterTimes));
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
	 * Return a report in a new state, without storing it.
	 * @param reportId the report id
	 * @param settlement the new state, with its record id or reason
	 * @param now the time of the change
	 * @return the report in its new state
	 * @throws IllegalStateException if there is no such report or it cannot move so
	 */
	UsageReport transition(String reportId, Settlement settlement, Instant now) {
		UsageReport report = get(reportId);
		ReportState state = settlement.state();
		if (!report.state().canMoveTo(state)) {
			throw new IllegalStateException("Report '" + reportId + "' is " + report.state() + " and cannot move to "
					+ state + ((state == ReportState.ACKNOWLEDGED || state == ReportState.REPLAYED)
							? ": only a dead letter can be acknowledged or replayed" : ""));
		}
		return new UsageReport(report.id(), report.hour(), report.dimension(), report.customer(), report.license(),
				report.quantity(), report.allocations(), report.clientToken(), state, settlement.meteringRecordId(),
				settlement.reasonAfter(report.reason()), now);
	}

	/**
	 * Return a pending report as being sent, without storing it.
	 * @param reportId the report id
	 * @return the report in state {@link ReportState#SENDING}
	 * @throws IllegalStateException if there is no such report or it is not pending
	 */
	UsageReport sending(String reportId) {
		UsageReport report = get(reportId);
		if (!report.state().isPending()) {
			throw new IllegalStateException(
					"Report '" + reportId + "' is " + report.state() + " (final) and cannot move to SENDING");
		}
		return new UsageReport(report.id(), report.hour(), report.dimension(), report.customer(), report.license(),
				report.quantity(), report.allocations(), report.clientToken(), ReportState.SENDING, null, null);
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
	 * @param pendingByDimension the quantity of pending reports per dimension
	 * @param oldestDeadLetter when the oldest open dead letter was settled, or
	 * {@code null}
	 */
	record Tally(Map<ReportState, LedgerSummary.Totals> reports, Instant oldestOwnHour, Instant oldestCustomerHour,
			Map<String, Long> pendingByDimension, Instant oldestDeadLetter) {

	}

}
