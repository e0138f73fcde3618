package dev.metering.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The heap a ledger retains over a simulated week: on a {@link MutableClock}, 30,000
 * customer reports an hour are recorded, sealed and settled for 168 hours; at the end of
 * each simulated day the used heap after a full GC is read through the
 * {@link MemoryMXBean}. Reported as secondary results: the retained heap at day 1 and day
 * 7 in MB, and their ratio (flat: about 1), and each day's figure on the fork's output.
 * {@code file} and {@code memory} keep final reports for the default 2 hours;
 * {@code file-7d} is the file ledger as it was before that window (a week of final
 * reports kept), in the same run. One invocation is one simulated week.
 *
 * @author metering-spring-boot
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms6g", "-Xmx6g", "-XX:+UseG1GC" })
@Warmup(iterations = 0)
@Measurement(iterations = 1, time = 1, batchSize = 1)
@State(Scope.Thread)
public class HeapWeekBenchmark {

	static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

	static final int HOURS = 168;

	/** {@code file}, {@code file-7d} (retention 7 days) or {@code memory}. */
	@Param({ "file", "file-7d", "memory" })
	public String ledgerType;

	/** Customer reports per hour. */
	@Param({ "30000" })
	public int reportsPerHour;

	private UsageKey[] keys;

	private Path directory;

	private MutableClock clock;

	private MeteringLedger ledger;

	@Setup(Level.Invocation)
	public void open() throws IOException {
		this.keys = FleetBenchmark.customerKeys(this.reportsPerHour, "scans");
		this.clock = new MutableClock(START);
		if (this.ledgerType.startsWith("file")) {
			Path shm = Paths.get("/dev/shm");
			this.directory = Files.isWritable(shm) ? Files.createTempDirectory(shm, "heap-week")
					: Files.createTempDirectory("heap-week");
			this.ledger = MeteringLedger.file(this.directory.resolve("ledger"))
				.clock(this.clock)
				.productCode(FleetBenchmark.PRODUCT)
				.reportingIdentity("seller")
				.syncInterval(Duration.ofMillis(50))
				.retention(this.ledgerType.equals("file-7d") ? Duration.ofDays(7) : MeteringLedger.DEFAULT_RETENTION)
				.build();
		}
		else {
			this.ledger = MeteringLedger.inMemory(this.clock, FleetBenchmark.PRODUCT, "seller");
		}
	}

	@TearDown(Level.Invocation)
	public void close() throws IOException {
		this.ledger.close();
		if (this.directory != null) {
			try (Stream<Path> files = Files.walk(this.directory)) {
				for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(file);
				}
			}
		}
	}

	/**
	 * One simulated week: each hour, one record of 1 unit per customer, the seal after
	 * the hour, and each report settled as reported.
	 * @param heap the retained heap per simulated day
	 * @return the number of reports settled
	 */
	@Benchmark
	public long week(RetainedHeap heap) {
		long settled = 0;
		for (int hour = 0; hour < HOURS; hour++) {
			Instant start = START.plus(Duration.ofHours(hour));
			this.clock.set(start.plusSeconds(600));
			for (UsageKey key : this.keys) {
				this.ledger.record(key, 1);
			}
			this.clock.set(start.plus(Duration.ofHours(1)).plusSeconds(60));
			List<UsageReport> sealed = retrying(heap, () -> this.ledger.outbox().seal(this.clock.instant()));
			for (UsageReport report : sealed) {
				retrying(heap, () -> {
					this.ledger.outbox().settle(report, Settlement.reported("rec-" + report.id()));
					return report;
				});
			}
			settled += sealed.size();
			if ((hour + 1) % 24 == 0) {
				heap.day((hour + 1) / 24, usedHeapAfterGc());
			}
		}
		return settled;
	}

	/**
	 * Seal or settle, again until the journal takes it. An hour's seal of 30,000 reports
	 * is one journal record of about 5 MB, and its settlements about 15 MB, written here
	 * in seconds instead of an hour: the file ledger refuses a record while its 1 MB
	 * space reserve is exhausted (a seal: not full) until the sync thread renews it, and
	 * the change is then not applied, so it is tried again, as the reporter's next run
	 * would.
	 */
	private static <T> T retrying(RetainedHeap heap, Supplier<T> change) {
		while (true) {
			try {
				return change.get();
			}
			catch (UncheckedIOException ex) {
				heap.journalRetries++;
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
		}
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	/**
	 * The retained heap at day 1 and day 7 of the simulated week, and their ratio.
	 */
	@AuxCounters(AuxCounters.Type.EVENTS)
	@State(Scope.Thread)
	public static class RetainedHeap {

		/** Used heap after a full GC at the end of day 1, in MB. */
		public double day1Mb;

		/** Used heap after a full GC at the end of day 7, in MB. */
		public double day7Mb;

		/** Day 7 over day 1: flat heap is about 1. */
		public double day7OverDay1;

		/** Seals and settlements refused for want of space reserve and tried again. */
		public int journalRetries;

		@Setup(Level.Iteration)
		public void reset() {
			this.day1Mb = 0;
			this.day7Mb = 0;
			this.day7OverDay1 = 0;
			this.journalRetries = 0;
		}

		void day(int day, long usedBytes) {
			double mb = usedBytes / (1024.0 * 1024.0);
			System.out.printf("day %d: %.1f MB retained%n", day, mb);
			if (day == 1) {
				this.day1Mb = mb;
			}
			else if (day == 7) {
				this.day7Mb = mb;
				this.day7OverDay1 = mb / this.day1Mb;
			}
		}

	}

}
