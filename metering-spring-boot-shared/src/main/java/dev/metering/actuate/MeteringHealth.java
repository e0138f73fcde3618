package dev.metering.actuate;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import dev.metering.entitlement.EntitlementStatus;
import dev.metering.fleet.FleetMonitor;
import dev.metering.ledger.LedgerStorage;
import dev.metering.ledger.LedgerSummary;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.AcceptanceWindow;
import dev.metering.reporting.ReportingStatistics.Cycle;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Health of AWS Marketplace metering, from local state only: the ledger, the reporter's
 * last report and the startup entitlement result. A probe never calls AWS.
 * <p>
 * The status is a signal to alert on, never to route or restart by (keep {@code metering}
 * out of the liveness and readiness groups):
 * <ul>
 * <li>{@link Status#DOWN DOWN} when revenue is at risk now: the ledger cannot write (a
 * full disk, a read-only directory), holds usage in memory that is not durable, or lost
 * usage since it opened; the ledger directory's free space is below the minimum; the
 * oldest unreported hour has less than the expiry warning left of AWS's acceptance
 * window; or usage has kept moving forward because AWS already held other records for it
 * (a lost ledger directory, a second writer) for longer than that window;</li>
 * <li>{@link Status#OUT_OF_SERVICE OUT_OF_SERVICE} when the product must not run: the
 * buyer is not entitled;</li>
 * <li>otherwise {@link Status#UP UP}, also when the entitlement was not checked yet, a
 * report run failed (the reporter tries again, and the expiry warning catches a lasting
 * failure), or the ledger holds dead letters: those are a detail, with their count and
 * the age of the oldest, for an alert and a runbook, not a reason to take traffic. An
 * acknowledged or replayed dead letter no longer counts.</li>
 * </ul>
 * <p>
 * A check reads the ledger's {@link dev.metering.ledger.UsageLedger#summary() summary},
 * and names the open dead letters from the outbox's
 * {@link dev.metering.ledger.ReportOutbox#deadLetters() dead letters}, when there are
 * any. Usage moving forward is found in the ledger's view, copied only when the summary's
 * reports or oldest hours changed since the last copy (at most a few times an hour, as
 * reports are sealed and settled), never on each check.
 * <p>
 * Written once for both Spring Boot lines: each line's {@link MeteringHealthIndicator}
 * turns a {@link Check} into its own {@code Health}.
 *
 * @author metering-spring-boot
 */
public class MeteringHealth {

	private static final int LAST_REASONS = 5;

	private final MeteringSources state;

	private final Clock clock;

	private final Duration expiryWarning;

	private final DataSize minFreeSpace;

	@Nullable
	private final FleetMonitor fleet;

	private volatile MovedRuns movedRuns;

	/**
	 * Create a new health check.
	 * @param state what metering holds locally
	 * @param clock the clock to measure the age of unreported usage
	 * @param expiryWarning how long before unreported usage leaves the acceptance window
	 * the health turns {@code DOWN}
	 * @param minFreeSpace the free space of the ledger directory below which the health
	 * turns {@code DOWN}
	 */
	public MeteringHealth(MeteringSources state, Clock clock, Duration expiryWarning, DataSize minFreeSpace) {
		this(state, clock, expiryWarning, minFreeSpace, null);
	}

	/**
	 * Create a new health check of a replica of a fleet.
	 * @param state what metering holds locally
	 * @param clock the clock to measure the age of unreported usage
	 * @param expiryWarning how long before unreported usage leaves the acceptance window
	 * the health turns {@code DOWN}
	 * @param minFreeSpace the free space of the ledger directory below which the health
	 * turns {@code DOWN}
	 * @param fleet the fleet's monitor, or {@code null} outside fleet mode
	 */
	public MeteringHealth(MeteringSources state, Clock clock, Duration expiryWarning, DataSize minFreeSpace,
			@Nullable FleetMonitor fleet) {
		Assert.notNull(state, "'state' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.isTrue(expiryWarning != null && !expiryWarning.isNegative(), "'expiryWarning' must not be negative");
		Assert.isTrue(minFreeSpace != null && !minFreeSpace.isNegative(), "'minFreeSpace' must not be negative");
		this.state = state;
		this.clock = clock;
		this.expiryWarning = expiryWarning;
		this.minFreeSpace = minFreeSpace;
		this.fleet = fleet;
	}

	/**
	 * Check the health now.
	 * @return whether metering is up, and the details to show
	 */
	public Check check() {
		Map<String, Object> details = new LinkedHashMap<>();
		List<String> problems = new ArrayList<>();
		LedgerSummary summary = this.state.ledger().summary();
		details.put("ledger", storage(summary.storage(), problems));
		EntitlementStatus entitlement = this.state.entitlement();
		String notEntitled = null;
		if (entitlement != null) {
			details.put("entitlement", entitlement(entitlement));
			notEntitled = notEntitled(entitlement);
		}
		details.put("pending", pending(summary, problems));
		details.put("deadLetters", deadLetters(summary));
		Map<String, Object> movedForward = (summary.count(ReportState.MOVED_FORWARD) > 0)
				? movedForward(summary, problems) : Map.of();
		if (!movedForward.isEmpty()) {
			details.put("movedForward", movedForward);
		}
		Cycle lastReport = this.state.lastReport();
		if (lastReport != null) {
			details.put("lastReport", lastReport(lastReport));
		}
		if (this.fleet != null) {
			details.put("fleet", this.fleet.check(problems));
		}
		Status status = !problems.isEmpty() ? Status.DOWN : (notEntitled != null) ? Status.OUT_OF_SERVICE : Status.UP;
		if (notEntitled != null) {
			problems.add(notEntitled);
		}
		if (!problems.isEmpty()) {
			details.put("problems", problems);
		}
		return new Check(status, details);
	}

	private Map<String, Object> storage(LedgerStorage storage, List<String> problems) {
		Map<String, Object> details = new LinkedHashMap<>();
		putIfPresent(details, "directory", storage.directory());
		if (storage.usableSpace() >= 0) {
			details.put("freeSpace", storage.usableSpace());
			details.put("minFreeSpace", this.minFreeSpace.toBytes());
			if (storage.usableSpace() < this.minFreeSpace.toBytes()) {
				problems.add("the usage ledger directory has " + storage.usableSpace()
						+ " bytes of free space, less than the minimum " + this.minFreeSpace.toBytes());
			}
		}
		putIfPresent(details, "error", storage.failure());
		details.put("heldUnits", storage.heldUnits());
		details.put("heldKeys", storage.heldKeys());
		details.put("holdLimit", storage.holdLimit());
		details.put("lostUnits", storage.lostUnits());
		if (storage.failure() != null) {
			problems.add("the usage ledger cannot write: " + storage.failure());
		}
		if (storage.heldUnits() > 0) {
			problems.add(storage.heldUnits() + " units of usage are held in memory, not durable, until the usage "
					+ "ledger can write again");
		}
		if (storage.lostUnits() > 0) {
			problems.add(storage.lostUnits() + " units of usage were lost: the usage ledger could neither write "
					+ "nor hold them");
		}
		return details;
	}

	private Map<String, Object> entitlement(EntitlementStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", status.state());
		putIfPresent(details, "reason", status.reason());
		putIfPresent(details, "errorCode", status.errorCode());
		putIfPresent(details, "checkedAt", status.checkedAt());
		if (status.uncheckedSince() != null) {
			details.put("uncheckedSince", status.uncheckedSince().toString());
			details.put("uncheckedFor",
					Duration.between(status.uncheckedSince(), this.clock.instant())
						.truncatedTo(ChronoUnit.SECONDS)
						.toString());
		}
		return details;
	}

	@Nullable
	private static String notEntitled(EntitlementStatus status) {
		if (status.state() != EntitlementStatus.State.NOT_ENTITLED) {
			return null;
		}
		return "not entitled: " + status.reason()
				+ ((status.errorCode() != null) ? " (" + status.errorCode() + ")" : "");
	}

	private Map<String, Object> pending(LedgerSummary summary, List<String> problems) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("reports", summary.pendingReports());
		details.put("openHours", summary.openHours());
		putIfPresent(details, "oldestUnreportedHour", summary.oldestUnreportedHour());
		Stream.of(unreported(summary.oldestOwnHour(), false), unreported(summary.oldestCustomerHour(), true))
			.filter(Objects::nonNull)
			.min(Comparator.comparing(Unreported::expiresAt))
			.ifPresent((first) -> {
				Instant expiresAt = first.expiresAt();
				Duration left = Duration.between(this.clock.instant(), expiresAt);
				details.put("expiresAt", expiresAt.toString());
				details.put("timeLeft", left.truncatedTo(ChronoUnit.SECONDS).toString());
				if (left.compareTo(this.expiryWarning) < 0) {
					problems.add("usage of hour " + first.hour()
							+ " is unreported and leaves AWS's acceptance window at " + expiresAt);
				}
			});
		return details;
	}

	private static Unreported unreported(@Nullable Instant hour, boolean customerUsage) {
		return (hour != null) ? new Unreported(hour, customerUsage) : null;
	}

	/**
	 * The open dead letters (not acknowledged nor replayed), a detail that changes no
	 * status: their count and the age of the oldest from the summary and, only when there
	 * are any, the last reasons from the outbox's open dead letters.
	 */
	private Map<String, Object> deadLetters(LedgerSummary summary) {
		Map<String, Object> details = new LinkedHashMap<>();
		int count = summary.deadLetters();
		details.put("count", count);
		if (count > 0) {
			ReportOutbox outbox = this.state.outbox();
			List<UsageReport> deadLetters = (outbox != null) ? outbox.deadLetters() : List.of();
			Instant oldest = (summary.oldestDeadLetter() != null) ? summary.oldestDeadLetter()
					: deadLetters.stream().map(UsageReport::hour).min(Instant::compareTo).orElse(null);
			if (oldest != null) {
				details.put("oldest", oldest.toString());
				details.put("age",
						Duration.between(oldest, this.clock.instant()).truncatedTo(ChronoUnit.SECONDS).toString());
			}
			if (!deadLetters.isEmpty()) {
				List<String> lastReasons = new ArrayList<>();
				for (int i = deadLetters.size() - 1; i >= 0 && lastReasons.size() < LAST_REASONS; i--) {
					UsageReport report = deadLetters.get(i);
					lastReasons.add(report.hour() + " " + report.dimension() + ": " + report.reason());
				}
				details.put("lastReasons", lastReasons);
			}
		}
		return details;
	}

	/**
	 * Usage still moving forward: per dimension and customer, the trailing run of
	 * {@link ReportState#MOVED_FORWARD moved} reports, since the hour of its first one.
	 */
	private Map<String, Object> movedForward(LedgerSummary summary, List<String> problems) {
		MovedRuns runs = this.movedRuns;
		SummaryMark mark = SummaryMark.of(summary);
		if (runs == null || !runs.mark().equals(mark)) {
			runs = MovedRuns.of(this.state.ledger().view().reports(), mark);
			this.movedRuns = runs;
		}
		Map<String, UsageReport> firstMoved = runs.first();
		Map<String, UsageReport> lastMoved = runs.last();
		Map<String, Object> details = new LinkedHashMap<>();
		if (firstMoved.isEmpty()) {
			return details;
		}
		Instant since = firstMoved.values().stream().map(UsageReport::hour).min(Instant::compareTo).orElseThrow();
		Duration movingFor = Duration.between(since, this.clock.instant());
		details.put("units", lastMoved.values().stream().mapToLong(UsageReport::quantity).sum());
		details.put("keys", lastMoved.size());
		details.put("since", since.toString());
		details.put("movingFor", movingFor.truncatedTo(ChronoUnit.SECONDS).toString());
		boolean pastWindow = firstMoved.values()
			.stream()
			.anyMatch((report) -> this.clock.instant()
				.isAfter(AcceptanceWindow.closesAt(report.hour(), report.customer() != null,
						AcceptanceWindow.METER_USAGE)));
		if (pastWindow) {
			problems.add("usage has moved forward since hour " + since + " because AWS already holds records this "
					+ "ledger did not send (a lost ledger directory or a second writer)");
		}
		return details;
	}

	private Map<String, Object> lastReport(Cycle cycle) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("started", cycle.started().toString());
		details.put("ended", cycle.ended().toString());
		details.put("reported", cycle.reported());
		details.put("pending", cycle.pending());
		putIfPresent(details, "failure", cycle.failure());
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String name, @Nullable Object value) {
		if (value != null) {
			details.put(name, (value instanceof Instant || value instanceof Path) ? value.toString() : value);
		}
	}

	/**
	 * The status of metering, in the order of severity of Spring Boot's health.
	 */
	public enum Status {

		/** Revenue at risk now: usage not durable, lost, or about to leave its window. */
		DOWN,

		/** The product must not run: the buyer is not entitled. */
		OUT_OF_SERVICE,

		/** Nothing at risk now; details may still show dead letters to look at. */
		UP

	}

	/**
	 * The result of a check.
	 *
	 * @param status the status
	 * @param details what the health shows, with {@code problems} when it is not up
	 */
	public record Check(Status status, Map<String, Object> details) {

		/**
		 * Whether metering is up.
		 * @return {@code true} if the status is {@link Status#UP}
		 */
		public boolean up() {
			return this.status == Status.UP;
		}

	}

	/**
	 * What of a summary changes when a report is sealed, settled or compacted: its
	 * reports per state and its oldest unreported hours. Recording usage changes none of
	 * it.
	 */
	private record SummaryMark(Map<ReportState, LedgerSummary.Totals> reports, Instant oldestOwnHour,
			Instant oldestCustomerHour) {

		static SummaryMark of(LedgerSummary summary) {
			return new SummaryMark(summary.reports(), summary.oldestOwnHour(), summary.oldestCustomerHour());
		}

	}

	/**
	 * The trailing runs of moved reports per dimension and customer, as found in the
	 * ledger's view when the summary had the given mark: the first and the last report of
	 * each run.
	 */
	private record MovedRuns(SummaryMark mark, Map<String, UsageReport> first, Map<String, UsageReport> last) {

		static MovedRuns of(List<UsageReport> reports, SummaryMark mark) {
			Map<String, UsageReport> first = new HashMap<>();
			Map<String, UsageReport> last = new HashMap<>();
			for (UsageReport report : reports) {
				String key = report.dimension() + "/" + report.customer() + "/" + report.license();
				if (report.state() == ReportState.MOVED_FORWARD) {
					first.putIfAbsent(key, report);
					last.put(key, report);
				}
				else if (!report.state().isPending()) {
					first.remove(key);
					last.remove(key);
				}
			}
			return new MovedRuns(mark, Map.copyOf(first), Map.copyOf(last));
		}

	}

	/**
	 * An unreported hour of one operation, and when that operation's window closes.
	 */
	private record Unreported(Instant hour, boolean customerUsage) {

		Instant expiresAt() {
			return AcceptanceWindow.closesAt(this.hour, this.customerUsage, AcceptanceWindow.METER_USAGE);
		}

	}

}
