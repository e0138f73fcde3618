package dev.metering.actuate;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.metering.core.ProductType;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.fleet.FleetLedger;
import dev.metering.fleet.FleetMonitor;
import dev.metering.fleet.FleetStatus;
import dev.metering.ledger.LedgerSummary;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportSettler;
import dev.metering.reporting.ReportingStatistics;
import dev.metering.reporting.ReportingStatistics.Cycle;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} to inspect AWS Marketplace metering and to report now. It
 * shows customer identifiers, never credentials or client tokens.
 * <ul>
 * <li>{@code GET /actuator/metering}: a summary of constant size, from the ledger's
 * {@link dev.metering.ledger.UsageLedger#summary() summary}: the product, its
 * entitlement, the pending usage, the reports per state, the last report run and the runs
 * asked for here.</li>
 * <li>{@code GET /actuator/metering?page=0&size=100&hour=...&customer=...&state=...}: the
 * summary and one page of the usage, selected by hour, customer and state, with the
 * totals to page through it.</li>
 * <li>{@code POST /actuator/metering}: report now, on a thread of its own; the answer
 * comes after at most a bounded wait, with the run's id and state.</li>
 * <li>{@code GET /actuator/metering/{id}}: the progress or result of that run.</li>
 * <li>{@code POST /actuator/metering/{reportId}/acknowledge} or {@code .../replay}: an
 * operator's decision about a dead letter, recorded with the principal's name; in fleet
 * mode, about a dead letter of the shared ledger too.</li>
 * </ul>
 * Its default access is read-only: the write operations need
 * {@code management.endpoint.metering.access=unrestricted}.
 *
 * @author metering-spring-boot
 */
@Endpoint(id = "metering", defaultAccess = Access.READ_ONLY)
public class MeteringEndpoint implements DisposableBean {

	/** The size of a page of usage when none is asked for. */
	public static final int DEFAULT_PAGE_SIZE = 100;

	/** The largest page of usage. */
	public static final int MAX_PAGE_SIZE = 500;

	/** How long a write request waits for its run before it answers. */
	public static final Duration DEFAULT_WRITE_WAIT = Duration.ofSeconds(2);

	private static final String OPEN = "OPEN";

	private final String productCode;

	private final ProductType productType;

	private final MeteringSources state;

	private final ReportRuns runs;

	@Nullable
	private final FleetMonitor fleet;

	@Nullable
	private final ReportSettler fleetSettler;

	/**
	 * Create a new endpoint on the system clock, whose write requests wait for their run
	 * at most {@link #DEFAULT_WRITE_WAIT}.
	 * @param productCode the product code
	 * @param productType how the product is delivered
	 * @param state what metering holds locally; its reporter is required
	 */
	public MeteringEndpoint(String productCode, ProductType productType, MeteringSources state) {
		this(productCode, productType, state, Clock.systemUTC(), DEFAULT_WRITE_WAIT, null);
	}

	/**
	 * Create a new endpoint.
	 * @param productCode the product code
	 * @param productType how the product is delivered
	 * @param state what metering holds locally; its reporter is required
	 * @param clock the clock of the request times
	 * @param writeWait how long a write request waits for its run before it answers
	 * @param fleet the fleet's monitor, or {@code null} outside fleet mode
	 */
	public MeteringEndpoint(String productCode, ProductType productType, MeteringSources state, Clock clock,
			Duration writeWait, @Nullable FleetMonitor fleet) {
		Assert.notNull(state.reporter(), "'state' must have a reporter");
		Assert.isTrue(writeWait != null && !writeWait.isNegative(), "'writeWait' must not be negative");
		this.productCode = productCode;
		this.productType = productType;
		this.state = state;
		this.runs = new ReportRuns(state.reporter(), clock, writeWait);
		this.fleet = fleet;
		this.fleetSettler = (fleet != null) ? ReportSettler.detached(fleet.getLedger().outbox()) : null;
	}

	/**
	 * Summarize metering and, when asked for with any of the parameters, one page of the
	 * usage.
	 * @param page the page, from 0; 0 if not given
	 * @param size the page size, 1 to {@value #MAX_PAGE_SIZE};
	 * {@value #DEFAULT_PAGE_SIZE} if not given
	 * @param hour only the usage of the hour that holds this instant (ISO-8601, e.g.
	 * {@code 2026-03-01T10:00:00Z})
	 * @param customer only the usage of this customer (its id or license ARN)
	 * @param state only the usage in this state: {@code OPEN} or a report state
	 * @return the summary, with the page asked for
	 */
	@ReadOperation
	public MeteringSummary metering(@Nullable Integer page, @Nullable Integer size, @Nullable String hour,
			@Nullable String customer, @Nullable String state) {
		UsagePage usage = (page != null || size != null || hour != null || customer != null || state != null)
				? usage(new UsageSelection(page, size, hour, customer, state)) : null;
		LedgerSummary summary = this.state.ledger().summary();
		Map<ReportState, LedgerSummary.Totals> reports = new LinkedHashMap<>();
		for (ReportState reportState : ReportState.values()) {
			reports.put(reportState, summary.reports().get(reportState));
		}
		ReportingStatistics statistics = this.state.statistics();
		return new MeteringSummary(this.productCode, this.productType.name().toLowerCase(Locale.ROOT),
				this.state.entitlement(),
				new PendingUsage(summary.pendingQuantity(), summary.pendingReports(), summary.openHours(),
						summary.oldestUnreportedHour()),
				reports, statistics.lastCycle(), outcomes(statistics), this.runs.recent(), usage,
				(this.fleet != null) ? this.fleet.status() : null);
	}

	/**
	 * Return the reports settled per state since the start, and the attempts retried
	 * ({@code RETRIED}).
	 * @param statistics the reporter's statistics
	 * @return the counts, in state order
	 */
	static Map<String, Long> outcomes(ReportingStatistics statistics) {
		Map<String, Long> outcomes = new LinkedHashMap<>();
		statistics.counts().forEach((state, count) -> outcomes.put(state.name(), count));
		outcomes.put("RETRIED", statistics.retries());
		return outcomes;
	}

	/**
	 * Return a report run asked for through this endpoint.
	 * @param id the run's id
	 * @return its progress or result, or {@code null} (404) if no such run is kept
	 */
	@ReadOperation
	@Nullable
	public ReportRun run(@Selector String id) {
		return this.runs.find(id);
	}

	/**
	 * Report every hour that has ended and, optionally, the current hour, which is then
	 * sealed: usage recorded later in it moves to the next hour, and the answer says so.
	 * The report runs on a thread of its own; this answers once it ended or after a
	 * bounded wait, whichever comes first. While a run is in progress, no other starts:
	 * the answer is that run.
	 * @param includeCurrentHour whether to seal and report the current hour too
	 * @return the run, with its id to read its progress
	 */
	@WriteOperation
	public ReportRun report(@Nullable Boolean includeCurrentHour) {
		return this.runs.start(Boolean.TRUE.equals(includeCurrentHour));
	}

	/**
	 * Acknowledge or replay an open dead letter, for the principal who asks
	 * ({@code anonymous} without one). Acknowledged, it stays in the ledger and no longer
	 * counts as an open dead letter: its usage is not billed. Replayed, its quantities
	 * move into the open hour and are reported with it: replay once the cause is fixed (a
	 * subscription, a dimension, a tag). Both write the ledger only, so they answer at
	 * once. In fleet mode, a report of the shared ledger (customers' usage) is decided
	 * there, from any replica, the leader or not; the replica's own usage in its local
	 * ledger.
	 * @param reportId the dead letter's report id
	 * @param action {@code acknowledge} or {@code replay}
	 * @param securityContext who asks
	 * @return the report after the change
	 */
	@WriteOperation
	public DeadLetterDecision deadLetter(@Selector String reportId, @Selector String action,
			SecurityContext securityContext) {
		Principal principal = securityContext.getPrincipal();
		String actor = (principal != null) ? principal.getName() : "anonymous";
		FleetLedger fleetLedger = (this.fleet != null) ? this.fleet.getLedger() : null;
		boolean inFleet = fleetLedger != null && fleetLedger.report(reportId) != null;
		ReportSettler settler = inFleet ? this.fleetSettler : this.state.reporter().getSettler();
		try {
			switch (action) {
				case "acknowledge" -> settler.acknowledge(reportId, actor);
				case "replay" -> settler.replay(reportId, actor);
				default -> throw UsageSelection.invalid("action", action, "must be acknowledge or replay");
			}
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		if (inFleet) {
			return new DeadLetterDecision(action, actor, UsageDescriptor.of(fleetLedger.report(reportId)));
		}
		UsageDescriptor report = this.state.ledger()
			.view()
			.reports()
			.stream()
			.filter((candidate) -> candidate.id().equals(reportId))
			.findFirst()
			.map(UsageDescriptor::of)
			.orElse(null);
		return new DeadLetterDecision(action, actor, report);
	}

	@Override
	public void destroy() {
		this.runs.close();
	}

	private UsagePage usage(UsageSelection selection) {
		LedgerView view = this.state.ledger().view();
		Stream<UsageDescriptor> sealed = view.reports().stream().map(UsageDescriptor::of);
		Stream<UsageDescriptor> open = view.openUsage()
			.stream()
			.collect(Collectors.groupingBy(OpenHour::of, LinkedHashMap::new,
					Collectors.summingLong(LedgerView.OpenUsage::quantity)))
			.entrySet()
			.stream()
			.map((entry) -> entry.getKey().describe(entry.getValue()));
		List<UsageDescriptor> selected = Stream.concat(sealed, open)
			.filter(selection)
			.sorted(Comparator.comparing(UsageDescriptor::hour))
			.toList();
		int from = (int) Math.min((long) selection.page() * selection.size(), selected.size());
		int to = Math.min(from + selection.size(), selected.size());
		int pages = (selected.size() + selection.size() - 1) / selection.size();
		return new UsagePage(selection.page(), selection.size(), selected.size(), pages,
				List.copyOf(selected.subList(from, to)));
	}

	/**
	 * Which usage a read asks for, checked as the request comes in.
	 */
	private static final class UsageSelection implements Predicate<UsageDescriptor> {

		private final int page;

		private final int size;

		private final Instant hour;

		private final String customer;

		private final String state;

		UsageSelection(@Nullable Integer page, @Nullable Integer size, @Nullable String hour, @Nullable String customer,
				@Nullable String state) {
			this.page = (page != null) ? page : 0;
			this.size = (size != null) ? size : DEFAULT_PAGE_SIZE;
			if (this.page < 0) {
				throw invalid("page", page, "must be 0 or more");
			}
			if (this.size < 1 || this.size > MAX_PAGE_SIZE) {
				throw invalid("size", size, "must be from 1 to " + MAX_PAGE_SIZE);
			}
			this.hour = (hour != null) ? hour(hour) : null;
			this.customer = customer;
			this.state = (state != null) ? state(state) : null;
		}

		int page() {
			return this.page;
		}

		int size() {
			return this.size;
		}

		@Override
		public boolean test(UsageDescriptor usage) {
			return (this.hour == null || this.hour.equals(usage.hour()))
					&& (this.customer == null || this.customer.equals(usage.customer())
							|| this.customer.equals(usage.license()))
					&& (this.state == null || this.state.equals(usage.state()));
		}

		private static Instant hour(String hour) {
			try {
				return Instant.parse(hour).truncatedTo(ChronoUnit.HOURS);
			}
			catch (DateTimeParseException ex) {
				throw invalid("hour", hour, "must be an ISO-8601 instant such as 2026-03-01T10:00:00Z");
			}
		}

		private static String state(String state) {
			String name = state.toUpperCase(Locale.ROOT);
			List<String> states = Stream
				.concat(Stream.of(OPEN), Arrays.stream(ReportState.values()).map(ReportState::name))
				.toList();
			if (!states.contains(name)) {
				throw invalid("state", state, "must be one of " + states);
			}
			return name;
		}

		static InvalidEndpointRequestException invalid(String parameter, Object value, String rule) {
			String message = "Invalid '" + parameter + "' " + value + ": " + rule;
			return new InvalidEndpointRequestException(message, message);
		}

	}

	/**
	 * The summary of metering, the read operation's answer: its size does not grow with
	 * the usage the ledger holds, unless a page of usage is asked for.
	 *
	 * @param productCode the product code
	 * @param mode how the product is delivered: {@code container}, {@code ami} or
	 * {@code saas}
	 * @param entitlement the result of the startup entitlement check, or {@code null}
	 * when the check is off
	 * @param pending the usage not yet confirmed by AWS
	 * @param reports the count and quantity of the reports kept, per state
	 * @param lastReport the last report run, or {@code null} before the first
	 * @param outcomes the count of reports settled per state since the start, and of
	 * attempts retried ({@code RETRIED})
	 * @param runs the report runs asked for through this endpoint, the newest first, at
	 * most {@value ReportRuns#KEPT}
	 * @param usage the page of usage asked for, or {@code null}
	 * @param fleet in fleet mode, the shared ledger: the pending hours, the leader, each
	 * replica's last publish and the dead letters; else {@code null}
	 */
	public record MeteringSummary(String productCode, String mode, EntitlementStatus entitlement, PendingUsage pending,
			Map<ReportState, LedgerSummary.Totals> reports, Cycle lastReport, Map<String, Long> outcomes,
			List<ReportRun> runs, UsagePage usage, FleetStatus fleet) implements OperationResponseBody {

	}

	/**
	 * The usage not yet confirmed by AWS.
	 *
	 * @param quantity its quantity, all dimensions together
	 * @param reports the reports sealed and waiting to be sent
	 * @param openHours the hours not sealed yet that hold usage
	 * @param oldestUnreportedHour the oldest hour with usage not yet confirmed, or
	 * {@code null}
	 */
	public record PendingUsage(long quantity, int reports, int openHours, Instant oldestUnreportedHour) {

	}

	/**
	 * One page of the usage selected.
	 *
	 * @param page the page, from 0
	 * @param size the page size
	 * @param total how much usage was selected, on all pages
	 * @param pages how many pages it fills
	 * @param items the usage on this page, the oldest hour first
	 */
	public record UsagePage(int page, int size, int total, int pages, List<UsageDescriptor> items) {

	}

	/**
	 * The usage of one dimension and customer in one hour.
	 *
	 * @param id the report's id, or {@code null} for an hour not sealed yet
	 * @param hour the start of the hour
	 * @param dimension the dimension name
	 * @param customer the customer, or {@code null} for the product's own usage
	 * @param license the customer's license ARN (license integration), or {@code null}
	 * @param quantity the quantity
	 * @param state {@code OPEN} for an hour not sealed yet, else the report's
	 * {@link ReportState}
	 * @param meteringRecordId the record id AWS answered, or {@code null}
	 * @param reason why the report was carried forward or dead-lettered, or {@code null}
	 */
	public record UsageDescriptor(String id, Instant hour, String dimension, String customer, String license,
			long quantity, String state, String meteringRecordId, String reason) {

		static UsageDescriptor of(UsageReport report) {
			return new UsageDescriptor(report.id(), report.hour(), report.dimension(), report.customer(),
					report.license(), report.quantity(), report.state().name(), report.meteringRecordId(),
					report.reason());
		}

	}

	/**
	 * The usage of an open hour, all tag sets together.
	 */
	private record OpenHour(Instant hour, String dimension, String customer, String license) {

		static OpenHour of(LedgerView.OpenUsage open) {
			return new OpenHour(open.hour(), open.key().dimension(), open.key().customer(), open.key().license());
		}

		UsageDescriptor describe(long quantity) {
			return new UsageDescriptor(null, this.hour, this.dimension, this.customer, this.license, quantity, OPEN,
					null, null);
		}

	}

	/**
	 * What an operator decided about a dead letter.
	 *
	 * @param action {@code acknowledge} or {@code replay}
	 * @param actor who decided
	 * @param report the report after the change ({@code ACKNOWLEDGED} or
	 * {@code REPLAYED}, its reason naming the actor), or {@code null} if the ledger no
	 * longer keeps it
	 */
	public record DeadLetterDecision(String action, String actor,
			UsageDescriptor report) implements OperationResponseBody {

	}

	/**
	 * Where a report run asked for through the endpoint is.
	 */
	public enum RunState {

		/** Waiting for the reporter, or reporting. */
		RUNNING,

		/** Ended; reports AWS did not confirm stay pending for the next run. */
		DONE,

		/** Ended with a failure. */
		FAILED

	}

	/**
	 * A report run asked for through the endpoint: the write operation's answer, and what
	 * {@code GET /actuator/metering/{id}} shows.
	 *
	 * @param id the run's id
	 * @param state where it is
	 * @param includeCurrentHour whether it seals and reports the current hour too
	 * @param requested when it was asked for
	 * @param started when the reporter started it, once it ended
	 * @param ended when it ended
	 * @param outcomes the reports settled per state, and the attempts retried
	 * ({@code RETRIED}), since it was asked for, live while it runs (a scheduled run the
	 * reporter ran meanwhile counts too)
	 * @param pending how many reports are still waiting to be sent, once it ended
	 * @param failure why it failed, or {@code null}
	 * @param note what it did to the current hour, when it includes it: later usage of
	 * that hour moves to the next one
	 */
	public record ReportRun(String id, RunState state, boolean includeCurrentHour, Instant requested, Instant started,
			Instant ended, Map<String, Long> outcomes, Integer pending, String failure,
			String note) implements OperationResponseBody {

	}

}
