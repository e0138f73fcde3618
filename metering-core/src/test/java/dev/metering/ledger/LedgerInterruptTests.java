package dev.metering.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metering.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An interrupted thread never closes the {@link MeteringLedger} for the others, and keeps
 * its interrupt status (GUIDE R9).
 */
class LedgerInterruptTests {

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private static final int KEYS = 1_000;

	@TempDir
	Path temp;

	private final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	private final FaultyIo io = new FaultyIo();

	private MeteringLedger ledger;

	@AfterEach
	void close() throws IOException {
		this.ledger.close();
	}

	private MeteringLedger open() {
		this.ledger = MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode("prod-1")
			.reportingIdentity("pod-a")
			.segmentBytes(64 * Segment.ENTRY_BYTES)
			.io(this.io)
			.build();
		return this.ledger;
	}

	private static UsageKey key(int i) {
		return UsageKey.of("scans", null, Map.of("key", "k" + i));
	}

	@Test
	void aRecordOnAnInterruptedThreadIsTakenAndThe1000NewKeysAfterItAreExact() throws Exception {
		MeteringLedger ledger = open();
		AtomicBoolean stillInterrupted = new AtomicBoolean();
		Thread interrupted = new Thread(() -> {
			Thread.currentThread().interrupt();
			ledger.record(key(-1), 7);
			stillInterrupted.set(Thread.currentThread().isInterrupted());
		});
		interrupted.start();
		interrupted.join();
		assertThat(stillInterrupted).isTrue();
		assertThat(ledger.summary().storage().isSafe()).as("written, not held: no file was closed").isTrue();
		Concurrently.run(4, (thread) -> {
			for (int i = thread; i < KEYS; i += 4) {
				ledger.record(key(i), i + 1);
			}
		});
		assertThat(allocationsOf(ledger.outbox().seal(TEN.plus(Duration.ofHours(1))))).isEqualTo(expected());
		ledger.close();
		MeteringLedger reopened = open();
		assertThat(reopened.recovery().isClean()).isTrue();
		assertThat(allocationsOf(reopened.outbox().pending())).isEqualTo(expected());
	}

	@Test
	void anInterruptInTheMiddleOfAKeySegmentOrJournalWriteLosesNothingAndClosesNothing() throws Exception {
		MeteringLedger ledger = open();
		this.io.interruptAt("keys", 3).interruptAt("segment", 1);
		AtomicInteger stillInterrupted = new AtomicInteger();
		Concurrently.run(4, (thread) -> {
			for (int i = thread; i < KEYS; i += 4) {
				ledger.record(key(i), i + 1);
			}
			if (Thread.currentThread().isInterrupted()) {
				stillInterrupted.incrementAndGet();
			}
		});
		// the key write was interrupted on a recording thread, the segment's maybe too
		assertThat(stillInterrupted).hasValueBetween(1, 2);
		ledger.record(key(-1), 7);
		this.io.interruptAt("state", 1);
		List<UsageReport> sealed = ledger.outbox().seal(TEN.plus(Duration.ofHours(1)));
		assertThat(this.io.interrupts()).isEqualTo(3);
		assertThat(Thread.currentThread().isInterrupted()).as("the sealing thread keeps its interrupt").isTrue();
		assertThat(allocationsOf(sealed)).isEqualTo(expected());
		ledger.close();
		MeteringLedger reopened = open();
		assertThat(Thread.interrupted()).as("the opening thread keeps its interrupt").isTrue();
		assertThat(reopened.recovery().isClean()).isTrue();
		assertThat(allocationsOf(reopened.outbox().pending())).isEqualTo(expected());
	}

	private static Map<String, Long> expected() {
		Map<String, Long> expected = new HashMap<>();
		expected.put("k-1", 7L);
		for (int i = 0; i < KEYS; i++) {
			expected.put("k" + i, i + 1L);
		}
		return expected;
	}

	private static Map<String, Long> allocationsOf(List<UsageReport> reports) {
		assertThat(reports).singleElement().extracting(UsageReport::hour).isEqualTo(TEN);
		Map<String, Long> allocations = new HashMap<>();
		reports.get(0)
			.allocations()
			.forEach((allocation) -> allocations.put(allocation.tags().get("key"), allocation.quantity()));
		return allocations;
	}

}
