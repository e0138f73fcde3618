package dev.metering.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.metering.entitlement.EntitlementStatus;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.AcceptanceWindow;
import dev.metering.reporting.ReportingStatistics.Cycle;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * Health of AWS Marketplace metering, from local state only: the ledger, the reporter's
 * last report and the startup entitlement result. A probe never calls AWS.
 * <p>
 * {@code DOWN} when the buyer is not entitled; when the ledger holds a dead-lettered
 * report (until the ledger compacts it, after its retention); or when the oldest
 * unreported hour has less than the expiry warning left of AWS's acceptance window.
 * Otherwise {@code UP}, also when the entitlement was not checked or a report run failed
 * (the reporter tries again, and the expiry warning catches a lasting failure).
 *
 * @author metering-spring-boot
 */
public class MeteringHealthIndicator extends AbstractHealthIndicator {

	private static final int LAST_REASONS = 5;

	private final MeteringState state;

	private final Clock clock;

	private final Duration expiryWarning;

	/**
	 * Create a new indicator.
	 * @param state what metering holds locally
	 * @param clock the clock to measure the age of unreported usage
	 * @param expiryWarning how long before unreported usage leaves the acceptance window
	 * the health turns {@code DOWN}
	 */
	public MeteringHealthIndicator(MeteringState state, Clock clock, Duration expiryWarning) {
		super("AWS Marketplace metering health check failed");
		Assert.notNull(state, "'state' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.isTrue(expiryWarning != null && !expiryWarning.isNegative(), "'expiryWarning' must not be negative");
		this.state = state;
		this.clock = clock;
		this.expiryWarning = expiryWarning;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> problems = new ArrayList<>();
		LedgerView view = this.state.ledger().view();
		EntitlementStatus entitlement = this.state.entitlement();
		if (entitlement != null) {
			builder.withDetail("entitlement", entitlement(entitlement, problems));
		}
		builder.withDetail("pending", pending(view, problems));
		builder.withDetail("deadLetters", deadLetters(view, problems));
		Cycle lastReport = this.state.lastReport();
		if (lastReport != null) {
			builder.withDetail("lastReport", lastReport(lastReport));
		}
		if (problems.isEmpty()) {
			builder.up();
		}
		else {
			builder.down().withDetail("problems", problems);
		}
	}

	private Map<String, Object> entitlement(EntitlementStatus status, List<String> problems) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", status.state());
		putIfPresent(details, "reason", status.reason());
		putIfPresent(details, "errorCode", status.errorCode());
		putIfPresent(details, "checkedAt", status.checkedAt());
		if (status.state() == EntitlementStatus.State.NOT_ENTITLED) {
			problems.add("not entitled: " + status.reason()
					+ ((status.errorCode() != null) ? " (" + status.errorCode() + ")" : ""));
		}
		return details;
	}

	private Map<String, Object> pending(LedgerView view, List<String> problems) {
		List<UsageReport> pendingReports = view.reports()
			.stream()
			.filter((report) -> report.state().isPending())
			.toList();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("reports", pendingReports.size());
		details.put("openHours", view.openUsage().stream().map(LedgerView.OpenUsage::hour).distinct().count());
		List<Unreported> unreported = Stream
			.concat(pendingReports.stream().map((report) -> new Unreported(report.hour(), report.customer() != null)),
					view.openUsage().stream().map((open) -> new Unreported(open.hour(), open.key().customer() != null)))
			.toList();
		unreported.stream()
			.map(Unreported::hour)
			.min(Instant::compareTo)
			.ifPresent((oldest) -> details.put("oldestUnreportedHour", oldest.toString()));
		unreported.stream().min(Comparator.comparing(Unreported::expiresAt)).ifPresent((first) -> {
			Instant expiresAt = first.expiresAt();
			Duration left = Duration.between(this.clock.instant(), expiresAt);
			details.put("expiresAt", expiresAt.toString());
			details.put("timeLeft", left.truncatedTo(ChronoUnit.SECONDS).toString());
			if (left.compareTo(this.expiryWarning) < 0) {
				problems.add("usage of hour " + first.hour() + " is unreported and leaves AWS's acceptance window at "
						+ expiresAt);
			}
		});
		return details;
	}

	private Map<String, Object> deadLetters(LedgerView view, List<String> problems) {
		List<UsageReport> deadLetters = view.reports()
			.stream()
			.filter((report) -> report.state() == ReportState.DEAD_LETTER)
			.toList();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("count", deadLetters.size());
		if (!deadLetters.isEmpty()) {
			List<String> lastReasons = new ArrayList<>();
			for (int i = deadLetters.size() - 1; i >= 0 && lastReasons.size() < LAST_REASONS; i--) {
				UsageReport report = deadLetters.get(i);
				lastReasons.add(report.hour() + " " + report.dimension() + ": " + report.reason());
			}
			details.put("lastReasons", lastReasons);
			problems.add(deadLetters.size() + " usage report(s) refused by AWS for good (dead letters)");
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
			details.put(name, (value instanceof Instant) ? value.toString() : value);
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
