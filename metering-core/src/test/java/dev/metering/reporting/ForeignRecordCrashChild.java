package dev.metering.reporting;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageReport;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * The JVM that {@link ForeignRecordCrashTests} kills with {@code kill -9}: it records
 * {@link #OWN_USAGE} and {@link #CUSTOMER_USAGE} into a {@link MeteringLedger}, then
 * reports the current hour, for which AWS already holds other records. It stops for good
 * at one point of one operation's report, prints {@code PAUSED} and waits for the kill:
 * <ul>
 * <li>{@code answered}: AWS answered that it holds another record, and the ledger has not
 * heard of it (before the journal write);</li>
 * <li>{@code journaled}: the ledger has journaled the move (after the journal
 * write).</li>
 * </ul>
 * Arguments: endpoint, ledger directory, the clock's instant, {@code answered} or
 * {@code journaled}, and {@code MeterUsage} or {@code BatchMeterUsage}.
 */
public final class ForeignRecordCrashChild {

	static final String PRODUCT = "prod-foreign";

	static final String CUSTOMER = "customer-1";

	/** The product's own usage, per tag set ({@code team}). */
	static final Map<String, Long> OWN_USAGE = Map.of("", 4L, "red", 3L);

	static final long CUSTOMER_USAGE = 11;

	private static final PrintStream out = System.out;

	private ForeignRecordCrashChild() {
	}

	public static void main(String[] args) {
		System.setOut(System.err);
		URI endpoint = URI.create(args[0]);
		Clock clock = Clock.fixed(Instant.parse(args[2]), ZoneOffset.UTC);
		boolean journaled = "journaled".equals(args[3]);
		boolean batch = "BatchMeterUsage".equals(args[4]);
		MeteringLedger ledger = ledger(Path.of(args[1]), clock);
		MarketplaceMeteringClient client = ReporterCrashChild.client(endpoint);
		MeteringGateway gateway = new MeteringGateway(client, PRODUCT);
		MeteringTemplate template = new MeteringTemplate(gateway,
				new UsageCapture(ledger, Set.of(), SaasIntegration.LEGACY));
		OWN_USAGE.forEach((team, quantity) -> template.record("scans", quantity,
				team.isEmpty() ? Map.of() : Map.of("team", team), (String) null));
		template.record("scans", CUSTOMER_USAGE, Map.of(), CUSTOMER);
		ReportOutbox reporting = journaled ? new PauseAfterMove(ledger.outbox(), batch) : ledger.outbox();
		MeteringGateway sending = journaled ? gateway : new PauseAfterAnswer(client, batch);
		new UsageReporter(reporting, sending, ReporterCrashChild.fastRetry(), ReportingFixture.unlimited(), clock,
				ReportingSettings.defaults())
			.report(true);
		print("NOT PAUSED");
	}

	/**
	 * The ledger of the child and of the check after it; it keeps a day of final reports
	 * (not the default 2 hours), so the check still sees the states of the first hour.
	 */
	static MeteringLedger ledger(Path directory, Clock clock) {
		return MeteringLedger.file(directory)
			.clock(clock)
			.productCode(PRODUCT)
			.reportingIdentity("pod-1")
			.retention(Duration.ofDays(1))
			.build();
	}

	private static void pause(String what) {
		print("PAUSED " + what);
		while (true) {
			// Killed here.
			LockSupport.park();
		}
	}

	private static void print(String line) {
		out.println(line);
		out.flush();
	}

	/**
	 * Stops the reporting thread right after AWS answered a call of one operation.
	 */
	private static final class PauseAfterAnswer extends MeteringGateway {

		private final boolean batch;

		PauseAfterAnswer(MarketplaceMeteringClient client, boolean batch) {
			super(client, PRODUCT);
			this.batch = batch;
		}

		@Override
		public MeterUsageResponse meterUsage(MeterUsageRequest request) {
			return answered(!this.batch, () -> super.meterUsage(request));
		}

		@Override
		public BatchMeterUsageResponse batchMeterUsage(BatchMeterUsageRequest request) {
			return answered(this.batch, () -> super.batchMeterUsage(request));
		}

		private static <T> T answered(boolean pause, Supplier<T> call) {
			if (!pause) {
				return call.get();
			}
			String answer = "answered";
			try {
				call.get();
			}
			catch (RuntimeException ex) {
				answer += " " + ex.getMessage();
			}
			pause(answer);
			return null;
		}

	}

	/**
	 * Stops the reporting thread right after the ledger journaled the move of one
	 * operation's report.
	 */
	private static final class PauseAfterMove implements ReportOutbox {

		private final ReportOutbox delegate;

		private final boolean batch;

		PauseAfterMove(ReportOutbox delegate, boolean batch) {
			this.delegate = delegate;
			this.batch = batch;
		}

		@Override
		public void settle(UsageReport report, Settlement settlement) {
			this.delegate.settle(report, settlement);
			if (settlement.state() == ReportState.MOVED_FORWARD && (report.customer() != null) == this.batch) {
				pause("journaled");
			}
		}

		@Override
		public List<UsageReport> seal(Instant before) {
			return this.delegate.seal(before);
		}

		@Override
		public List<UsageReport> pending() {
			return this.delegate.pending();
		}

		@Override
		public List<UsageReport> deadLetters() {
			return this.delegate.deadLetters();
		}

		@Override
		public void markSending(UsageReport report) {
			this.delegate.markSending(report);
		}

	}

}
