package dev.metering.ledger;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a {@link UsageLedger} holds, in totals: cheap to read, for health and metrics,
 * where {@link UsageLedger#view()} copies every report.
 *
 * @param openQuantity the usage of hours not sealed yet
 * @param openHours the number of hours not sealed yet that hold usage
 * @param oldestOwnHour the oldest hour with unreported usage of the product's own
 * (MeterUsage), open or pending, or {@code null}
 * @param oldestCustomerHour the oldest hour with unreported usage of customers
 * (BatchMeterUsage), open or pending, or {@code null}
 * @param reports the reports kept, per state
 * @author metering-spring-boot
 */
public record LedgerSummary(long openQuantity, int openHours, Instant oldestOwnHour, Instant oldestCustomerHour,
		Map<ReportState, Totals> reports) {

	/**
	 * A summary of a ledger, checking its arguments.
	 * @param openQuantity the usage of hours not sealed yet
	 * @param openHours the number of hours not sealed yet that hold usage
	 * @param oldestOwnHour the oldest unreported hour of own usage, or {@code null}
	 * @param oldestCustomerHour the oldest unreported hour of customers' usage, or
	 * {@code null}
	 * @param reports the reports kept, per state; missing states have none
	 */
	public LedgerSummary {
		EnumMap<ReportState, Totals> all = new EnumMap<>(ReportState.class);
		for (ReportState state : ReportState.values()) {
			all.put(state, reports.getOrDefault(state, Totals.NONE));
		}
		reports = Map.copyOf(all);
	}

	/**
	 * Summarize a view the long way: every report is read. The summary of a ledger that
	 * keeps no totals of its own.
	 * @param view the view
	 * @return the summary
	 */
	public static LedgerSummary of(LedgerView view) {
		long openQuantity = 0;
		Instant oldestOwn = null;
		Instant oldestCustomer = null;
		for (LedgerView.OpenUsage open : view.openUsage()) {
			openQuantity += open.quantity();
			if (open.key().customer() != null) {
				oldestCustomer = earliest(oldestCustomer, open.hour());
			}
			else {
				oldestOwn = earliest(oldestOwn, open.hour());
			}
		}
		Map<ReportState, Totals> reports = new EnumMap<>(ReportState.class);
		for (UsageReport report : view.reports()) {
			reports.merge(report.state(), new Totals(1, report.quantity()), Totals::plus);
			if (report.state().isPending()) {
				if (report.customer() != null) {
					oldestCustomer = earliest(oldestCustomer, report.hour());
				}
				else {
					oldestOwn = earliest(oldestOwn, report.hour());
				}
			}
		}
		int openHours = (int) view.openUsage().stream().map(LedgerView.OpenUsage::hour).distinct().count();
		return new LedgerSummary(openQuantity, openHours, oldestOwn, oldestCustomer, reports);
	}

	/**
	 * Return the usage recorded and not yet confirmed by AWS: open, or in a pending
	 * report.
	 * @return the quantity
	 */
	public long pendingQuantity() {
		return this.openQuantity + quantity(ReportState.CLOSED) + quantity(ReportState.SENDING);
	}

	/**
	 * Return the number of pending reports.
	 * @return the number of reports {@link ReportState#isPending() pending}
	 */
	public int pendingReports() {
		return count(ReportState.CLOSED) + count(ReportState.SENDING);
	}

	/**
	 * Return the oldest hour with unreported usage, open or pending.
	 * @return the hour, or {@code null} if all usage is reported
	 */
	public Instant oldestUnreportedHour() {
		return earliest(this.oldestOwnHour, this.oldestCustomerHour);
	}

	/**
	 * Return the number of reports kept in a state.
	 * @param state the state
	 * @return the number of reports
	 */
	public int count(ReportState state) {
		return this.reports.get(state).count();
	}

	/**
	 * Return the quantity of the reports kept in a state.
	 * @param state the state
	 * @return the quantity
	 */
	public long quantity(ReportState state) {
		return this.reports.get(state).quantity();
	}

	private static Instant earliest(Instant first, Instant second) {
		if (first == null) {
			return second;
		}
		return (second == null || first.isBefore(second)) ? first : second;
	}

	/**
	 * The reports of one state.
	 *
	 * @param count how many
	 * @param quantity their quantity
	 */
	public record Totals(int count, long quantity) {

		static final Totals NONE = new Totals(0, 0);

		Totals plus(Totals other) {
			return new Totals(this.count + other.count, this.quantity + other.quantity);
		}

	}

}
