package dev.metering.ledger;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.metering.test.MutableClock;

/**
 * The child JVM of {@link FileLedgerCrashTests}: records one unit at a time into a
 * {@link MeteringLedger} until it is killed, printing the running count of acknowledged
 * records (each printed after its {@code record()} returned). With sealing on, another
 * thread advances the clock an hour and seals in a loop, printing {@code SEALING} before
 * each seal.
 * <p>
 * Arguments: directory, writer threads, whether to seal, segment size in bytes.
 *
 * @author metering-spring-boot
 */
public final class CrashingRecorder {

	static final String SEALING = "SEALING";

	/** Keys each writer cycles through, so that its counters fill several segments. */
	static final int KEYS_PER_WRITER = 100;

	private static final Duration SELF_DESTRUCT = Duration.ofMinutes(2);

	private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);

	private long acknowledged;

	private CrashingRecorder() {
	}

	public static void main(String[] args) {
		Path directory = Path.of(args[0]);
		int writers = Integer.parseInt(args[1]);
		boolean seal = Boolean.parseBoolean(args[2]);
		int segmentBytes = Integer.parseInt(args[3]);
		// never outlive a test JVM that died without killing us
		Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task);
			thread.setDaemon(true);
			return thread;
		}).schedule(() -> Runtime.getRuntime().halt(3), SELF_DESTRUCT.toSeconds(), TimeUnit.SECONDS);
		MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
		MeteringLedger ledger = MeteringLedger.file(directory)
			.clock(clock)
			.productCode("prod-1")
			.reportingIdentity("pod-a")
			.segmentBytes(segmentBytes)
			.build();
		new CrashingRecorder().run(ledger, clock, writers, seal);
	}

	private void run(MeteringLedger ledger, MutableClock clock, int writers, boolean seal) {
		for (int w = 0; w < writers; w++) {
			UsageKey[] keys = new UsageKey[KEYS_PER_WRITER];
			for (int k = 0; k < keys.length; k++) {
				keys[k] = UsageKey.of("scans", null, Map.of("writer", Integer.toString(w), "key", Integer.toString(k)));
			}
			new Thread(() -> {
				for (long n = 0;; n++) {
					ledger.record(keys[(int) (n % keys.length)], 1);
					acknowledge();
				}
			}, "writer-" + w).start();
		}
		if (seal) {
			new Thread(() -> {
				while (true) {
					clock.advance(Duration.ofHours(1));
					print(SEALING);
					ledger.outbox().seal(clock.instant().truncatedTo(ChronoUnit.HOURS));
				}
			}, "sealer").start();
		}
	}

	private synchronized void acknowledge() {
		this.acknowledged++;
		print(Long.toString(this.acknowledged));
	}

	private synchronized void print(String line) {
		this.out.println(line);
		this.out.flush();
	}

}
