package dev.metering.actuate;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.metering.core.ProductType;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.fleet.FleetMonitor;
import dev.metering.fleet.FleetStatus;
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportingStatistics;
import dev.metering.reporting.ReportingStatistics.Cycle;
import dev.metering.reporting.UsageReporter;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} to inspect AWS Marketplace metering: what is pending, what
 * was reported with which MeteringRecordId, what was carried forward or refused; and to
 * report closed hours now. It shows customer identifiers, never credentials.
 *
 * @author metering-spring-boot
 */
@Endpoint(id = "metering")
public class MeteringEndpoint {

	/** The most reported and carried-forward reports shown, the newest first. */
	static final int RECENT_REPORTS = 100;

	private final String productCode;

	private final ProductType productType;

	private final MeteringSources state;

	@Nullable
	private final FleetMonitor fleet;

	/**
	 * Create a new endpoint.
	 * @param productCode the product code
	 * @param productType how the product is delivered
	 * @param state what metering holds locally; its reporter is required
	 */
	public MeteringEndpoint(String productCode, ProductType productType, MeteringSources state) {
		this(productCode, productType, state, null);
	}

	/**
	 * Create a new endpoint of a replica of a fleet.
	 * @param productCode the product code
	 * @param productType how the product is delivered
	 * @param state what metering holds locally; its reporter is required
	 * @param fleet the fleet's monitor, or {@code null} outside fleet mode
	 */
	public MeteringEndpoint(String productCode, ProductType productType, MeteringSources state,
			@Nullable FleetMonitor fleet) {
		Assert.notNull(state.reporter(), "'state' must have a reporter");
		this.productCode = productCode;
		this.productType = productType;
		this.state = state;
		this.fleet = fleet;
	}

	/**
	 * Describe the product, its entitlement and the usage the ledger holds.
	 * @return the description
	 */
	@ReadOperation
	public MeteringDescriptor metering() {
		LedgerView view = this.state.ledger().view();
		Stream<UsageDescriptor> open = view.openUsage()
			.stream()
			.collect(Collectors.groupingBy(OpenHour::of, LinkedHashMap::new,
					Collectors.summingLong(LedgerView.OpenUsage::quantity)))
			.entrySet()
			.stream()
			.map((entry) -> entry.getKey().describe(entry.getValue()));
		Stream<UsageDescriptor> sealed = view.reports()
			.stream()
			.filter((report) -> report.state().isPending())
			.map(UsageDescriptor::of);
		ReportingStatistics statistics = this.state.statistics();
		return new MeteringDescriptor(this.productCode, this.productType.name().toLowerCase(Locale.ROOT),
				this.state.entitlement(), Stream.concat(sealed, open).toList(), recent(view, ReportState.REPORTED),
				recent(view, ReportState.CARRIED_FORWARD),
				inState(view, ReportState.DEAD_LETTER).map(UsageDescriptor::of).toList(), statistics.lastCycle(),
				outcomes(statistics), (this.fleet != null) ? this.fleet.status() : null);
	}

	/**
	 * Report every hour that has ended now and, optionally, the current hour, which is
	 * then sealed: usage recorded later in it moves on to the next hour.
	 * @param includeCurrentHour whether to seal and report the current hour too
	 * @return what the report did
	 */
	@WriteOperation
	public ReportDescriptor report(@Nullable Boolean includeCurrentHour) {
		Set<String> finalBefore = inState(this.state.ledger().view(), (state) -> !state.isPending())
			.map(UsageReport::id)
			.collect(Collectors.toSet());
		UsageReporter reporter = this.state.reporter();
		Cycle cycle = reporter.report(Boolean.TRUE.equals(includeCurrentHour));
		List<UsageDescriptor> settled = inState(this.state.ledger().view(), (state) -> !state.isPending())
			.filter((report) -> !finalBefore.contains(report.id()))
			.map(UsageDescriptor::of)
			.toList();
		return new ReportDescriptor(cycle.started(), cycle.ended(), count(settled, ReportState.REPORTED),
				count(settled, ReportState.CARRIED_FORWARD), count(settled, ReportState.DEAD_LETTER), cycle.pending(),
				cycle.failure(), settled);
	}

	private static Map<String, Long> outcomes(ReportingStatistics statistics) {
		Map<String, Long> outcomes = new LinkedHashMap<>();
		statistics.counts().forEach((state, count) -> outcomes.put(state.name(), count));
		outcomes.put("RETRIED", statistics.retries());
		return outcomes;
	}

	private static long count(List<UsageDescriptor> reports, ReportState state) {
		return reports.stream().filter((report) -> report.state().equals(state.name())).count();
	}

	private static List<UsageDescriptor> recent(LedgerView view, ReportState state) {
		return inState(view, state).sorted(Comparator.comparing(UsageReport::hour).reversed())
			.limit(RECENT_REPORTS)
			.map(UsageDescriptor::of)
			.toList();
	}

	private static Stream<UsageReport> inState(LedgerView view, ReportState state) {
		return inState(view, state::equals);
	}

	private static Stream<UsageReport> inState(LedgerView view, Predicate<ReportState> state) {
		return view.reports().stream().filter((report) -> state.test(report.state()));
	}

	/**
	 * Description of metering, the read operation's answer.
	 *
	 * @param productCode the product code
	 * @param mode how the product is delivered: {@code container}, {@code ami} or
	 * {@code saas}
	 * @param entitlement the result of the startup entitlement check, or {@code null}
	 * when the check is off
	 * @param pending usage not yet confirmed by AWS: sealed hours waiting to be sent
	 * ({@code CLOSED}, {@code SENDING}), then the hours still open ({@code OPEN}, all tag
	 * sets of a dimension and customer together)
	 * @param reports the reports AWS confirmed, with their MeteringRecordId, the newest
	 * hour first, at most {@value #RECENT_REPORTS}
	 * @param carriedForward the reports whose hour left the acceptance window and whose
	 * quantity moved into a later hour, the newest hour first, at most
	 * {@value #RECENT_REPORTS}
	 * @param deadLetters the reports AWS refused for good, with the reason
	 * @param lastReport the last report run, or {@code null} before the first
	 * @param outcomes the count of reports settled per state since the start, and of
	 * attempts retried ({@code RETRIED})
	 * @param fleet in fleet mode, the shared ledger: the pending hours, the leader, each
	 * replica's last publish and the dead letters; else {@code null}
	 */
	public record MeteringDescriptor(String productCode, String mode, EntitlementStatus entitlement,
			List<UsageDescriptor> pending, List<UsageDescriptor> reports, List<UsageDescriptor> carriedForward,
			List<UsageDescriptor> deadLetters, Cycle lastReport, Map<String, Long> outcomes,
			FleetStatus fleet) implements OperationResponseBody {

	}

	/**
	 * The usage of one dimension and customer in one hour.
	 *
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
	public record UsageDescriptor(Instant hour, String dimension, String customer, String license, long quantity,
			String state, String meteringRecordId, String reason) {

		static UsageDescriptor of(UsageReport report) {
			return new UsageDescriptor(report.hour(), report.dimension(), report.customer(), report.license(),
					report.quantity(), report.state().name(), report.meteringRecordId(), report.reason());
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
			return new UsageDescriptor(this.hour, this.dimension, this.customer, this.license, quantity, "OPEN", null,
					null);
		}

	}

	/**
	 * What a report triggered by the write operation did.
	 *
	 * @param started when it started
	 * @param ended when it ended
	 * @param reported how many reports AWS confirmed in this run
	 * @param carriedForward how many reports were carried forward in this run
	 * @param deadLettered how many reports AWS refused for good in this run
	 * @param pending how many reports are still waiting to be sent
	 * @param failure why the run failed, or {@code null}
	 * @param settled the reports that reached a final state in this run: reported with
	 * their MeteringRecordId, carried forward or dead-lettered with the reason
	 */
	public record ReportDescriptor(Instant started, Instant ended, long reported, long carriedForward,
			long deadLettered, int pending, String failure,
			List<UsageDescriptor> settled) implements OperationResponseBody {

	}

}
