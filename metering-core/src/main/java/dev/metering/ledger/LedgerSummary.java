package dev.metering.ledger;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import org.springframework.util.Assert;

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
 * @param pendingByDimension the usage recorded and not yet confirmed by AWS (open, or in
 * a pending report), per dimension
 * @param oldestDeadLetter when the oldest open dead letter (not acknowledged or replayed)
 * was settled, or {@code null} if there is none
 * @param storage whether the ledger can make usage durable, and what it holds in memory
 * or lost meanwhile
 * @author metering-spring-boot
 */
public record LedgerSummary(long openQuantity, int openHours, Instant oldestOwnHour, Instant oldestCustomerHour,
		Map<ReportState, Totals> reports, Map<String, Long> pendingByDimension, Instant oldestDeadLetter,
		LedgerStorage storage) {

	/**
	 * A summary of a ledger, checking its arguments.
	 * @param openQuantity the usage of hours not sealed yet
	 * @param openHours the number of hours not sealed yet that hold usage
	 * @param oldestOwnHour the oldest unreported hour of own usage, or {@code null}
	 * @param oldestCustomerHour the oldest unreported hour of customers' usage, or
	 * {@code null}
	 * @param reports the reports kept, per state; missing states have none
	 * @param pendingByDimension the unconfirmed usage per dimension
	 * @param oldestDeadLetter when the oldest open dead letter was settled, or
	 * {@code null}
	 * @param storage the storage state
	 */
	public LedgerSummary {
		EnumMap<ReportState, Totals> all = new EnumMap<>(ReportState.class);
		for (ReportState state : ReportState.values()) {
			all.put(state, reports.getOrDefault(state, Totals.NONE));
		}
		reports = Map.copyOf(all);
		pendingByDimension = Map.copyOf(pendingByDimension);
		Assert.notNull(storage, "'storage' must not be null");
	}

	/**
	 * Return the number of open dead letters: refused for good, and neither acknowledged
	 * nor replayed by an operator.
	 * @return the number of reports in {@link ReportState#DEAD_LETTER}
	 */
	public int deadLetters() {
		return count(ReportState.DEAD_LETTER);
	}

	/**
	 * Summarize a view the long way, every report read: what a ledger's own summary must
	 * equal while nothing changes.
	 * @param view the view
	 * @param storage the ledger's storage state
	 * @return the summary
	 */
	static LedgerSummary of(LedgerView view, LedgerStorage storage) {
		long openQuantity = 0;
		Instant oldestOwn = null;
		Instant oldestCustomer = null;
		Instant oldestDeadLetter = null;
		Map<String, Long> pendingByDimension = new HashMap<>();
		for (LedgerView.OpenUsage open : view.openUsage()) {
			openQuantity += open.quantity();
			pendingByDimension.merge(open.key().dimension(), open.quantity(), Long::sum);
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
				pendingByDimension.merge(report.dimension(), report.quantity(), Long::sum);
				if (report.customer() != null) {
					oldestCustomer = earliest(oldestCustomer, report.hour());
				}
				else {
					oldestOwn = earliest(oldestOwn, report.hour());
				}
			}
			else if (report.state() == ReportState.DEAD_LETTER) {
				oldestDeadLetter = earliest(oldestDeadLetter,
						(report.settledAt() != null) ? report.settledAt() : report.hour());
			}
		}
		int openHours = (int) view.openUsage().stream().map(LedgerView.OpenUsage::hour).distinct().count();
		return new LedgerSummary(openQuantity, openHours, oldestOwn, oldestCustomer, reports, pendingByDimension,
				oldestDeadLetter, storage);
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
