package dev.metering.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import dev.metering.ledger.Allocation;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * The fleet's shared ledger on PostgreSQL, as the reporter sees it: the outbox of the
 * customers' usage of every replica.
 * <p>
 * An hour closes on the database's clock once its end plus the grace period has passed:
 * the replicas' contributions are summed into reports and frozen (each contribution's
 * {@code counted} takes its quantity). A contribution that arrives or grows after its
 * hour closed is counted into the next hour that closes, never into the closed one. The
 * reports, their state and outcomes (record ids, moves, dead letters) live in the
 * database; every change of state is a conditional update, so that two reporters at a
 * handover settle a report once, and a quantity moved forward moves once.
 *
 * @author metering-spring-boot
 */
public class FleetLedger {

	/** The replica id under which the fleet holds the usage it moved forward itself. */
	static final String CARRY = "~carry";

	private static final Log logger = LogFactory.getLog(FleetLedger.class);

	private static final String COLUMNS = "id, hour, dimension, customer, license, quantity, allocations, "
			+ "client_token, state, record_id, reason, settled_at";

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final TransactionTemplate transaction;

	private final FleetSchema schema;

	private final Clock databaseClock;

	private final Duration grace;

	private final FleetReportAssembler assembler;

	private final ReportOutbox outbox = new Outbox();

	/**
	 * Create the shared ledger.
	 * @param dataSource the database
	 * @param schema its tables
	 * @param databaseClock the database's clock ({@link DatabaseClock})
	 * @param grace how long after its end an hour closes: longer than a flush interval
	 * plus the replicas' clock skew
	 * @param productCode the product code, part of each report's id
	 */
	public FleetLedger(DataSource dataSource, FleetSchema schema, Clock databaseClock, Duration grace,
			String productCode) {
		Assert.isTrue(grace != null && !grace.isNegative(), () -> "'grace' must not be negative, was " + grace);
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		this.batch = new NamedParameterJdbcTemplate(dataSource);
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.schema = schema;
		this.databaseClock = databaseClock;
		this.grace = grace;
		this.assembler = new FleetReportAssembler(productCode);
	}

	/**
	 * Close every hour that ended before the given instant and whose end plus the grace
	 * period has passed on the database's clock, and seal the fleet's usage of it into
	 * reports. Usage of hours closed before that grew since is counted into the first
	 * hour this call closes.
	 * @param before the instant before which hours may close
	 * @return the reports this call created
	 */
	public List<UsageReport> seal(Instant before) {
		Instant now = this.databaseClock.instant();
		Instant limit = min(before, now.minus(this.grace)).truncatedTo(ChronoUnit.HOURS);
		return this.transaction.execute((status) -> {
			Instant closedThrough = this.jdbc
				.sql("select closed_through from " + this.schema.table("fleet") + " where id = 1 for update")
				.query((rs, row) -> Timestamps.read(rs, "closed_through"))
				.list()
				.get(0);
			Instant firstClosing = (closedThrough != null) ? closedThrough.plus(1, ChronoUnit.HOURS) : null;
			if (firstClosing != null && !firstClosing.isBefore(limit)) {
				return List.of();
			}
			Map<Instant, Map<UsageKey, Long>> byHour = new TreeMap<>();
			this.jdbc.sql(countUncounted()).param("limit", Timestamps.of(limit)).query((rs) -> {
				Instant hour = Timestamps.read(rs, "hour");
				Instant reportHour = (firstClosing != null && hour.isBefore(firstClosing)) ? firstClosing : hour;
				byHour.computeIfAbsent(reportHour, (key) -> new HashMap<>())
					.merge(key(rs), rs.getLong("delta"), Long::sum);
			});
			Map<UsageKey, Long> carries = new HashMap<>();
			List<UsageReport> created = new ArrayList<>();
			byHour.forEach((hour, usage) -> created.addAll(this.assembler.assemble(hour, usage, carries)));
			insert(created, now);
			carry(carries, limit);
			this.jdbc.sql("update " + this.schema.table("fleet") + " set closed_through = :hour where id = 1")
				.param("hour", Timestamps.of(limit.minus(1, ChronoUnit.HOURS)))
				.update();
			return created;
		});
	}

	/**
	 * Freeze the contributions of the hours before the limit: each one's counted part
	 * takes its quantity, and the statement returns what it counted now. One statement,
	 * one snapshot: a contribution written meanwhile stays uncounted for the next close.
	 */
	private String countUncounted() {
		String contribution = this.schema.table("contribution");
		return "with late as (select replica_id, hour, dimension, customer, license, tags, quantity, counted from "
				+ contribution + " where quantity > counted and hour < :limit for update) update " + contribution
				+ " c set counted = late.quantity from late where c.replica_id = late.replica_id and c.hour = late.hour"
				+ " and c.dimension = late.dimension and c.customer = late.customer and c.license = late.license"
				+ " and c.tags = late.tags returning late.hour, late.dimension, late.customer, late.license,"
				+ " late.tags, late.quantity - late.counted as delta";
	}

	private static UsageKey key(ResultSet rs) throws SQLException {
		String license = rs.getString("license");
		return new UsageKey(rs.getString("dimension"), rs.getString("customer"), license.isEmpty() ? null : license,
				FleetCodec.tags(rs.getString("tags")));
	}

	private void insert(List<UsageReport> reports, Instant now) {
		if (reports.isEmpty()) {
			return;
		}
		String sql = "insert into " + this.schema.table("report") + " (" + COLUMNS + ", sealed_at) values (:id, "
				+ ":hour, :dimension, :customer, :license, :quantity, :allocations, :clientToken, :state, null, "
				+ ":reason, :settledAt, :now)";
		SqlParameterSource[] rows = reports.stream()
			.map((report) -> new MapSqlParameterSource().addValue("id", report.id())
				.addValue("hour", Timestamps.of(report.hour()))
				.addValue("dimension", report.dimension())
				.addValue("customer", report.customer())
				.addValue("license", report.license())
				.addValue("quantity", report.quantity())
				.addValue("allocations", FleetCodec.allocations(report.allocations()))
				.addValue("clientToken", report.clientToken())
				.addValue("state", report.state().name())
				.addValue("reason", report.reason())
				.addValue("settledAt", report.state().isPending() ? null : Timestamps.of(now))
				.addValue("now", Timestamps.of(now)))
			.toArray(SqlParameterSource[]::new);
		this.batch.batchUpdate(sql, rows);
	}

	/**
	 * Add usage to the fleet's own contribution of an hour: it is counted when that hour
	 * closes or, if it closed meanwhile, in the next one.
	 */
	private void carry(Map<UsageKey, Long> carries, Instant hour) {
		if (carries.isEmpty()) {
			return;
		}
		String sql = "insert into " + this.schema.table("contribution")
				+ " (replica_id, hour, dimension, customer, license, tags, quantity)"
				+ " values (:replica, :hour, :dimension, :customer, :license, :tags, :quantity)"
				+ " on conflict (replica_id, hour, dimension, customer, license, tags) do update set quantity = "
				+ this.schema.table("contribution") + ".quantity + excluded.quantity";
		SqlParameterSource[] rows = carries.entrySet()
			.stream()
			.map((carry) -> Contributions.row(CARRY, new Contribution(carry.getKey(), hour), carry.getValue()))
			.toArray(SqlParameterSource[]::new);
		this.batch.batchUpdate(sql, rows);
	}

	/**
	 * Return the reports that still have to be sent, oldest hour first.
	 * @return the pending reports
	 */
	public List<UsageReport> pending() {
		return this.jdbc
			.sql("select " + COLUMNS + " from " + this.schema.table("report")
					+ " where state in ('CLOSED', 'SENDING') order by hour, id")
			.query(FleetLedger::report)
			.list();
	}

	/**
	 * Return a report.
	 * @param id the report id
	 * @return the report, or {@code null} if there is none with that id
	 */
	public UsageReport report(String id) {
		return this.jdbc.sql("select " + COLUMNS + " from " + this.schema.table("report") + " where id = ?")
			.param(id)
			.query(FleetLedger::report)
			.optional()
			.orElse(null);
	}

	private static UsageReport report(ResultSet rs, int row) throws SQLException {
		return new UsageReport(rs.getString("id"), Timestamps.read(rs, "hour"), rs.getString("dimension"),
				rs.getString("customer"), rs.getString("license"), rs.getLong("quantity"),
				FleetCodec.allocations(rs.getString("allocations")), rs.getString("client_token"),
				ReportState.valueOf(rs.getString("state")), rs.getString("record_id"), rs.getString("reason"),
				Timestamps.read(rs, "settled_at"));
	}

	/**
	 * Note that a closed report is being sent.
	 * @param reportId the report's id
	 */
	void markSending(String reportId) {
		this.jdbc
			.sql("update " + this.schema.table("report") + " set state = 'SENDING' where id = ? and state = 'CLOSED'")
			.param(reportId)
			.update();
	}

	/**
	 * Return the dead letters no operator acknowledged or replayed yet, oldest hour
	 * first.
	 * @return the open dead letters
	 */
	public List<UsageReport> deadLetters() {
		return this.jdbc
			.sql("select " + COLUMNS + " from " + this.schema.table("report")
					+ " where state = 'DEAD_LETTER' order by hour, id")
			.query(FleetLedger::report)
			.list();
	}

	/**
	 * Settle a report, once: a pending report becomes reported, carried forward, moved
	 * forward or a dead letter; a dead letter becomes acknowledged or replayed (its
	 * reason then says by whom). A report carried, moved forward or replayed adds its
	 * stored quantities, per tag set, to the first open hour in the same transaction.
	 * @param reportId the report's id
	 * @param settlement how it ended
	 * @return whether the report changed; {@code false} when it was settled already (by
	 * another reporter, at a handover) or is no open dead letter
	 */
	boolean apply(String reportId, Settlement settlement) {
		ReportState state = settlement.state();
		boolean operator = state == ReportState.ACKNOWLEDGED || state == ReportState.REPLAYED;
		String reason = operator ? "reason || :suffix" : "coalesce(:reason, reason)";
		String suffix = operator ? "; " + state.name().toLowerCase(Locale.ROOT) + " by " + settlement.actor()
				+ ((settlement.reason() != null) ? ": " + settlement.reason() : "") : null;
		Instant now = this.databaseClock.instant();
		return Boolean.TRUE.equals(this.transaction.execute((status) -> {
			List<UsageReport> settled = this.jdbc
				.sql("update " + this.schema.table("report") + " set state = :state, record_id = "
						+ "coalesce(:recordId, record_id), reason = " + reason + ", settled_at = :now, settled_by = "
						+ ":actor where id = :id and state in (" + (operator ? "'DEAD_LETTER'" : "'CLOSED', 'SENDING'")
						+ ") returning " + COLUMNS)
				.param("state", state.name())
				.param("recordId", settlement.meteringRecordId())
				.param("reason", settlement.reason())
				.param("suffix", suffix)
				.param("now", Timestamps.of(now))
				.param("actor", (settlement.actor() != null) ? settlement.actor() : "reporter")
				.param("id", reportId)
				.query(FleetLedger::report)
				.list();
			if (!settled.isEmpty() && moves(state)) {
				carry(carriesOf(settled.get(0)), firstOpenHour(now));
			}
			return !settled.isEmpty();
		}));
	}

	private static boolean moves(ReportState state) {
		return state == ReportState.CARRIED_FORWARD || state == ReportState.MOVED_FORWARD
				|| state == ReportState.REPLAYED;
	}

	private static Map<UsageKey, Long> carriesOf(UsageReport report) {
		Map<UsageKey, Long> carries = new HashMap<>();
		for (Allocation allocation : report.allocations()) {
			if (allocation.quantity() > 0) {
				carries.merge(new UsageKey(report.dimension(), report.customer(), report.license(), allocation.tags()),
						allocation.quantity(), Long::sum);
			}
		}
		return carries;
	}

	private Instant firstOpenHour(Instant now) {
		Instant closedThrough = this.jdbc
			.sql("select closed_through from " + this.schema.table("fleet") + " where id = 1")
			.query((rs, row) -> Timestamps.read(rs, "closed_through"))
			.list()
			.get(0);
		Instant hour = now.truncatedTo(ChronoUnit.HOURS);
		return (closedThrough != null && !closedThrough.isBefore(hour)) ? closedThrough.plus(1, ChronoUnit.HOURS)
				: hour;
	}

	/**
	 * Read the fleet's state: the leader, the hours pending, each replica's last publish
	 * and the open dead letters (the oldest {@value FleetStatus#DEAD_LETTERS_SHOWN}
	 * listed).
	 * @return the status
	 */
	public FleetStatus status() {
		Instant now = this.databaseClock.instant();
		FleetStatus[] status = new FleetStatus[1];
		this.jdbc
			.sql("select leader, lease_until, last_report, closed_through from " + this.schema.table("fleet")
					+ " where id = 1")
			.query((rs) -> {
				status[0] = new FleetStatus(now, rs.getString("leader"), Timestamps.read(rs, "lease_until"),
						Timestamps.read(rs, "last_report"), Timestamps.read(rs, "closed_through"), List.of(), List.of(),
						0, null, List.of());
			});
		List<FleetStatus.PendingHour> pending = this.jdbc
			.sql("select hour, count(*) as reports, sum(quantity) as quantity from " + this.schema.table("report")
					+ " where state in ('CLOSED', 'SENDING') group by hour order by hour")
			.query((rs, row) -> new FleetStatus.PendingHour(Timestamps.read(rs, "hour"), rs.getInt("reports"),
					rs.getLong("quantity")))
			.list();
		List<FleetStatus.Replica> replicas = this.jdbc
			.sql("select replica_id, reporting_identity, last_publish, clock_skew_millis from "
					+ this.schema.table("replica") + " order by replica_id")
			.query((rs, row) -> new FleetStatus.Replica(rs.getString("replica_id"), rs.getString("reporting_identity"),
					Timestamps.read(rs, "last_publish"), rs.getLong("clock_skew_millis")))
			.list();
		Object[] deadLetters = this.jdbc
			.sql("select count(*), min(settled_at) from " + this.schema.table("report")
					+ " where state = 'DEAD_LETTER'")
			.query((rs, row) -> new Object[] { rs.getInt(1), Timestamps.read(rs, "min") })
			.single();
		List<FleetStatus.DeadLetter> oldestDeadLetters = this.jdbc
			.sql("select id, hour, dimension, customer, license, quantity, reason from " + this.schema.table("report")
					+ " where state = 'DEAD_LETTER' order by hour, id limit " + FleetStatus.DEAD_LETTERS_SHOWN)
			.query((rs, row) -> new FleetStatus.DeadLetter(rs.getString("id"), Timestamps.read(rs, "hour"),
					rs.getString("dimension"), rs.getString("customer"), rs.getString("license"),
					rs.getLong("quantity"), rs.getString("reason")))
			.list();
		FleetStatus fleet = status[0];
		return new FleetStatus(now, fleet.leader(), fleet.leaseUntil(), fleet.lastReport(), fleet.closedThrough(),
				pending, replicas, (int) deadLetters[0], (Instant) deadLetters[1], oldestDeadLetters);
	}

	/**
	 * Return the database of this shared ledger.
	 * @return the data source
	 */
	public DataSource getDataSource() {
		return this.dataSource;
	}

	/**
	 * Return the tables of this shared ledger.
	 * @return the schema
	 */
	public FleetSchema getSchema() {
		return this.schema;
	}

	/**
	 * Return the clock hours close by.
	 * @return the database's clock
	 */
	public Clock getDatabaseClock() {
		return this.databaseClock;
	}

	/**
	 * Return the reporter's face of this shared ledger.
	 * @return the outbox
	 */
	public ReportOutbox outbox() {
		return this.outbox;
	}

	private static Instant min(Instant first, Instant second) {
		return first.isBefore(second) ? first : second;
	}

	/**
	 * The shared ledger as the reporter sees it. A report that another reporter settled
	 * already (at a handover) is left as it is.
	 */
	private final class Outbox implements ReportOutbox {

		@Override
		public List<UsageReport> seal(Instant before) {
			return FleetLedger.this.seal(before);
		}

		@Override
		public List<UsageReport> pending() {
			return FleetLedger.this.pending();
		}

		@Override
		public List<UsageReport> deadLetters() {
			return FleetLedger.this.deadLetters();
		}

		@Override
		public void markSending(UsageReport report) {
			FleetLedger.this.markSending(report.id());
		}

		@Override
		public void settle(UsageReport report, Settlement settlement) {
			if (!apply(report.id(), settlement) && logger.isDebugEnabled()) {
				logger.debug("Report " + report.id() + " was settled already; " + settlement.state() + " not applied");
			}
		}

	}

}
