package dev.metering.reporting;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.test.TestClients;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * The JVM that {@link ReporterCrashTests} kills with {@code kill -9}: a
 * {@link MeteringLedger} on a directory, a {@link MeteringTemplate} and a
 * {@link UsageReporter} against the emulator, recording threads and a reporting loop.
 * <p>
 * Arguments: endpoint, ledger directory, simulated clock base instant, real start millis,
 * speed-up, recording threads, and {@code pause} or {@code run}. Prints, each line ending
 * in {@code " ."} so that a line cut by the kill is recognisable:
 * <ul>
 * <li>{@code READY pending=N sending=M} once the ledger is open;</li>
 * <li>{@code BEGIN thread key quantity} before each {@code record()} and
 * {@code ACK thread key quantity} after it returned, key = dimension/customer ({@code -}
 * for the product's own usage);</li>
 * <li>with {@code pause}: {@code ANSWERED operation} when AWS answered the first call,
 * after which the reporting thread stops before the ledger hears of the answer, so that
 * the kill lands between "AWS committed" and "ledger updated".</li>
 * </ul>
 * Exits when its stdin closes (the test died).
 */
public final class ReporterCrashChild {

	static final String PRODUCT = "prod-crash";

	/**
	 * Ledger segments of 32 counters (64 bytes each), so that a few simulated hours roll
	 * them and kills land across rolls.
	 */
	static final int SEGMENT_BYTES = 32 * 64;

	static final String[] DIMENSIONS = { "scans", "pages", "bytes" };

	static final String[] CUSTOMERS = { "customer-1", "customer-2", "customer-3" };

	private static final String[] TEAMS = { "red", "blue" };

	private static final PrintStream out = System.out;

	private ReporterCrashChild() {
	}

	public static void main(String[] args) throws Exception {
		// Logs go to stderr: stdout carries only the lines the test reads.
		System.setOut(System.err);
		URI endpoint = URI.create(args[0]);
		Path directory = Path.of(args[1]);
		SimulatedClock clock = new SimulatedClock(Instant.parse(args[2]), Long.parseLong(args[3]),
				Long.parseLong(args[4]));
		int threads = Integer.parseInt(args[5]);
		boolean pauseAfterAnswer = "pause".equals(args[6]);
		MeteringLedger ledger = MeteringLedger.file(directory)
			.clock(clock)
			.productCode(PRODUCT)
			.reportingIdentity("pod-1")
			.segmentBytes(Integer.getInteger("crash.segmentBytes", SEGMENT_BYTES))
			.build();
		MarketplaceMeteringClient client = client(endpoint);
		MeteringGateway gateway = new MeteringGateway(client, PRODUCT);
		MeteringTemplate template = new MeteringTemplate(gateway,
				new UsageCapture(ledger, Set.of(), SaasIntegration.LEGACY));
		MeteringGateway outbound = pauseAfterAnswer ? new PauseAfterAnswer(client) : gateway;
		UsageReporter reporter = new UsageReporter(ledger.outbox(), outbound, fastRetry(), ReportingFixture.unlimited(),
				clock, ReportingSettings.defaults());
		long sending = ledger.outbox()
			.pending()
			.stream()
			.filter((report) -> report.state() == ReportState.SENDING)
			.count();
		print("READY pending=" + ledger.outbox().pending().size() + " sending=" + sending + " recovered="
				+ ledger.recovery().recoveredEntries() + " damages=" + ledger.recovery().damages().size());
		for (int thread = 0; thread < threads; thread++) {
			int id = thread;
			Thread capture = new Thread(() -> record(template, id), "capture-" + id);
			capture.setDaemon(true);
			capture.start();
		}
		ScheduledExecutorService reporting = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "reporter");
			thread.setDaemon(true);
			return thread;
		});
		reporting.scheduleWithFixedDelay(() -> reporter.report(false), 0, 50, TimeUnit.MILLISECONDS);
		waitForStdinToClose(System.in);
		Runtime.getRuntime().halt(0);
	}

	static MarketplaceMeteringClient client(URI endpoint) {
		return TestClients.client(endpoint, "AKIDPOD1", Duration.ofSeconds(2));
	}

	static Retry fastRetry() {
		return Retry.of("marketplaceMetering", RetryConfig.custom()
			.maxAttempts(8)
			.intervalFunction(
					IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(5), 2, 0.5, Duration.ofMillis(200)))
			.build());
	}

	private static void record(MeteringTemplate template, int thread) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (true) {
			String dimension = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
			String customer = (random.nextInt(3) == 0) ? CUSTOMERS[random.nextInt(CUSTOMERS.length)] : null;
			Map<String, String> tags = random.nextBoolean() ? Map.of()
					: Map.of("team", TEAMS[random.nextInt(TEAMS.length)]);
			long quantity = random.nextInt(1, 21);
			String key = dimension + "/" + ((customer != null) ? customer : "-");
			print("BEGIN " + thread + " " + key + " " + quantity);
			template.record(dimension, quantity, tags, customer);
			print("ACK " + thread + " " + key + " " + quantity);
			LockSupport.parkNanos(1_000_000);
		}
	}

	private static void print(String line) {
		out.println(line + " .");
	}

	private static void waitForStdinToClose(InputStream in) throws IOException {
		byte[] buffer = new byte[256];
		while (in.read(buffer) >= 0) {
			// Nothing is expected on stdin.
		}
	}

	/**
	 * A gateway that stops the reporting thread for good right after AWS answered its
	 * first call, before the reporter can write the answer to the ledger.
	 */
	private static final class PauseAfterAnswer extends MeteringGateway {

		PauseAfterAnswer(MarketplaceMeteringClient client) {
			super(client, PRODUCT);
		}

		@Override
		public MeterUsageResponse meterUsage(MeterUsageRequest request) {
			return paused("MeterUsage", super.meterUsage(request));
		}

		@Override
		public BatchMeterUsageResponse batchMeterUsage(BatchMeterUsageRequest request) {
			return paused("BatchMeterUsage", super.batchMeterUsage(request));
		}

		private static <T> T paused(String operation, T answer) {
			print("ANSWERED " + operation);
			while (true) {
				// Killed here: AWS holds the record, the ledger still says SENDING.
				LockSupport.park();
			}
		}

	}

}
