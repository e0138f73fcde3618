package dev.metering.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.metering.ledger.LedgerView;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.UsageLedger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.util.Assert;

/**
 * Per-call cost of capturing usage, side by side with its baselines:
 * <ul>
 * <li>{@code direct}: the method on an unproxied instance (reference only);</li>
 * <li>(a) {@code plain}: the method on a Spring AOP CGLIB proxy, where it matches no
 * advice (the bean is proxied because another of its methods is advised);</li>
 * <li>(b) {@code counted}: Micrometer {@code @Counted} through
 * {@code CountedAspect};</li>
 * <li>(c) {@code meteredInMemory}: {@code @MeteredUsage} on the in-memory ledger;</li>
 * <li>(d) {@code meteredFile}: {@code @MeteredUsage} on the durable file ledger (a
 * temporary directory, deleted after the trial);</li>
 * <li>(e) {@code template}: {@code MeteringTemplate.record} on the in-memory ledger,
 * called from a method proxied like (a).</li>
 * </ul>
 * Each runs at 1 and 4 threads, in average time (ns/op, per thread) and throughput
 * (ops/us, all threads together), through the nested subclasses. The ledgers' clock is
 * fixed in the middle of an hour, so no run crosses an hour.
 *
 * @author metering-spring-boot
 */
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class CaptureBenchmark {

	@Benchmark
	public int direct(Direct direct, Input input) {
		return direct.service.scan(input.value);
	}

	@Benchmark
	public int plain(InMemory beans, Input input) {
		return beans.context.plain.scan(input.value);
	}

	@Benchmark
	public int counted(InMemory beans, Input input) {
		return beans.context.counted.scan(input.value);
	}

	@Benchmark
	public int meteredInMemory(InMemory beans, Input input) {
		return beans.context.metered.scan(input.value);
	}

	@Benchmark
	public int meteredFile(Durable beans, Input input) {
		return beans.context.metered.scan(input.value);
	}

	@Benchmark
	public int template(InMemory beans, Input input) {
		return beans.context.template.scan(input.value);
	}

	/**
	 * Average time per call, one thread.
	 */
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	@Threads(1)
	public static class AvgTime1Thread extends CaptureBenchmark {

	}

	/**
	 * Average time per call of each of four threads.
	 */
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	@Threads(4)
	public static class AvgTime4Threads extends CaptureBenchmark {

	}

	/**
	 * Calls per microsecond, one thread.
	 */
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	@Threads(1)
	public static class Throughput1Thread extends CaptureBenchmark {

	}

	/**
	 * Calls per microsecond of four threads together.
	 */
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	@Threads(4)
	public static class Throughput4Threads extends CaptureBenchmark {

	}

	/**
	 * The argument of each call, per thread, so that it is not a constant.
	 */
	@State(Scope.Thread)
	public static class Input {

		int value = 42;

	}

	/**
	 * The unproxied service.
	 */
	@State(Scope.Benchmark)
	public static class Direct {

		final ScanService service = new ScanService();

	}

	/**
	 * The context over an in-memory ledger.
	 */
	@State(Scope.Benchmark)
	public static class InMemory {

		UsageLedger ledger;

		CaptureContext context;

		@Setup(Level.Trial)
		public void open() {
			this.ledger = MeteringLedger.inMemory(CaptureContext.CLOCK, CaptureContext.PRODUCT, "benchmark");
			this.context = new CaptureContext(this.ledger);
		}

		@TearDown(Level.Trial)
		public void close() throws IOException {
			checkNoFailures(this.context);
			this.context.close();
			this.ledger.close();
		}

	}

	/**
	 * The context over a file ledger in a temporary directory.
	 */
	@State(Scope.Benchmark)
	public static class Durable {

		Path directory;

		MeteringLedger ledger;

		CaptureContext context;

		@Setup(Level.Trial)
		public void open() throws IOException {
			this.directory = Files.createTempDirectory("metering-benchmark-ledger");
			this.ledger = MeteringLedger.file(this.directory.resolve("ledger"))
				.clock(CaptureContext.CLOCK)
				.productCode(CaptureContext.PRODUCT)
				.reportingIdentity("benchmark")
				.build();
			this.context = new CaptureContext(this.ledger);
		}

		@TearDown(Level.Trial)
		public void close() throws IOException {
			checkNoFailures(this.context);
			long recorded = openUsage(this.ledger.view());
			Assert.state(recorded > 0, "Nothing was recorded in the file ledger");
			this.context.close();
			this.ledger.close();
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}

	}

	static void checkNoFailures(CaptureContext context) {
		long failures = context.aspect().getFailureCount();
		Assert.state(failures == 0, () -> failures + " usages could not be recorded");
	}

	static long openUsage(LedgerView view) {
		return view.openUsage().stream().mapToLong(LedgerView.OpenUsage::quantity).sum();
	}

}
