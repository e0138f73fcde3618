package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.metering.actuate.MeteringHealth;
import dev.metering.actuate.MeteringMetrics;
import dev.metering.actuate.MeteringSources;
import dev.metering.annotation.MeteredUsage;
import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.core.UsageNotRecordedException;
import dev.metering.reporting.UsageReporter;
import dev.metering.test.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A full disk, a failed or half-done write of the {@link MeteringLedger}'s keys, journal
 * and segments, injected through its file I/O ({@link FaultyIo}): usage is held in memory
 * and shown, written when space returns and reported exactly once; only past the hold
 * limit is it lost, and counted (GUIDE R5, R9).
 */
@ExtendWith(OutputCaptureExtension.class)
class LedgerFullDiskTests {

	private static final Instant TEN = Instant.parse("2026-03-01T10:00:00Z");

	private static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));

	@TempDir
	Path temp;

	private final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	private final FaultyIo io = new FaultyIo();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void closeAll() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	private MeteringLedger open(int holdLimit) {
		MeteringLedger ledger = MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode(EmulatedReporting.PRODUCT)
			.reportingIdentity("pod-a")
			.segmentBytes(10 * Segment.ENTRY_BYTES)
			.syncInterval(Duration.ofMillis(20))
			.holdLimit(holdLimit)
			.io(this.io)
			.build();
		this.resources.add(ledger);
		return ledger;
	}

	private static Map<String, String> key(int i) {
		return Map.of("key", "k" + i);
	}

	@Test
	void aFullDiskHoldsUsageShowsItAndReportsItExactlyOnceWhenSpaceReturns(CapturedOutput output) throws Exception {
		MeteringLedger ledger = open(100);
		UsageCapture capture = new UsageCapture(ledger, Set.of());
		MeteringHealth health = health(ledger);
		new MeteringMetrics(capture, new MeteringSources(ledger, null, null)).bindTo(this.registry);
		Map<String, Long> acknowledged = new HashMap<>();
		for (int i = 0; i < 5; i++) {
			record(capture, acknowledged, i, 2);
		}
		// the 21st key definition is cut off halfway, and nothing can be written after it
		this.io.fullFrom("segment", 1, true).fullFrom("state", 1, true).fullFrom("keys", 21, true);
		for (int i = 0; i < 5; i++) {
			record(capture, acknowledged, i, 1);
		}
		for (int i = 5; i < 45; i++) {
			record(capture, acknowledged, i, 3);
		}
		LedgerStorage storage = ledger.summary().storage();
		assertThat(storage.heldUnits()).isGreaterThanOrEqualTo(20 * 3);
		assertThat(storage.lostUnits()).isZero();
		MeteringHealth.Check down = health.check();
		assertThat(down.up()).isFalse();
		assertThat(down.details().get("ledger")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("heldUnits", storage.heldUnits())
			.containsEntry("freeSpace", 0L)
			.containsEntry("lostUnits", 0L)
			.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains(FaultyIo.NO_SPACE));
		assertThat(this.registry.get("marketplace.metering.usage.held").gauge().value()).isEqualTo(storage.heldUnits());
		assertThat(output).contains("are held in memory, not durable");

		EmulatedReporting reporting = new EmulatedReporting(this.clock);
		this.resources.add(0, reporting);
		UsageReporter reporter = reporting.reporter(ledger);
		this.clock.set(ELEVEN.plusSeconds(120));
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> reporter.report(false))
			.withMessageContaining("journal");
		assertThat(reporting.records()).isEmpty();

		this.io.heal();
		await().atMost(Duration.ofSeconds(10)).until(() -> ledger.summary().storage().heldUnits() == 0);
		reporter.report(false);
		assertThat(reporting.billed()).isEqualTo(acknowledged);
		assertThat(health.check().up()).isTrue();
		assertThat(this.registry.get("marketplace.metering.usage.lost").functionCounter().count()).isZero();

		ledger.close();
		MeteringLedger reopened = open(100);
		assertThat(reopened.recovery().isClean()).isTrue();
		assertThat(reopened.outbox().pending()).isEmpty();
		assertThat(reopened.view().openUsage()).isEmpty();
		reporting.reporter(reopened).report(true);
		assertThat(reporting.billed()).isEqualTo(acknowledged);
	}

	@Test
	void aFullDiskFirstShowsWhenTheSpaceReserveIsRenewedWhileKeysAndJournalGoOnFromTheReserve() throws Exception {
		MeteringLedger ledger = MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode(EmulatedReporting.PRODUCT)
			.reportingIdentity("pod-a")
			.segmentBytes(4096 * Segment.ENTRY_BYTES)
			.syncInterval(Duration.ofMillis(20))
			.reserveBytes(8 * 4096)
			.io(this.io)
			.build();
		this.resources.add(ledger);
		UsageCapture capture = new UsageCapture(ledger, Set.of());
		MeteringHealth health = health(ledger);
		Map<String, Long> acknowledged = new HashMap<>();
		for (int i = 0; i < 5; i++) {
			record(capture, acknowledged, i, 2);
		}
		// the spare segment is written whole before the disk fills, so only the reserve
		// meets the full disk at renewal
		await().atMost(Duration.ofSeconds(10)).until(() -> wholeSegments(this.temp.resolve("ledger")) == 2);
		// the keys written on the full disk need new blocks of keys.log
		this.io.fill();
		for (int i = 5; i < 200; i++) {
			record(capture, acknowledged, i, 3);
		}
		assertThat(ledger.summary().storage().heldUnits()).isZero();
		assertThat(Files.size(this.temp.resolve("ledger").resolve("keys.log"))).isGreaterThan(4096);
		await().atMost(Duration.ofSeconds(10)).until(() -> ledger.summary().storage().failure() != null);
		assertThat(ledger.summary().storage().failure()).contains("space reserve", FaultyIo.NO_SPACE);
		MeteringHealth.Check down = health.check();
		assertThat(down.up()).isFalse();
		assertThat(down.details().get("ledger")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains("space reserve"));

		// the journal still takes the seal of the hour from the reserve
		EmulatedReporting reporting = new EmulatedReporting(this.clock);
		this.resources.add(0, reporting);
		UsageReporter reporter = reporting.reporter(ledger);
		this.clock.set(ELEVEN.plusSeconds(120));
		reporter.report(false);
		assertThat(reporting.billed()).isEqualTo(acknowledged);

		// once the reserve is used up, a new key is refused before it writes, and held
		int next = 200;
		while (ledger.summary().storage().heldUnits() == 0) {
			assertThat(next).isLessThan(10_000);
			record(capture, acknowledged, next++, 1);
		}
		assertThat(ledger.summary().storage().heldUnits()).isOne();
		assertThat(this.io.metFullDisk()).contains(SpaceReserve.FILE)
			.noneMatch((file) -> file.startsWith("keys"))
			.noneMatch((file) -> file.startsWith("state"));

		this.io.heal();
		await().atMost(Duration.ofSeconds(10)).until(() -> ledger.summary().storage().isSafe());
		this.clock.set(ELEVEN.plus(Duration.ofHours(1)).plusSeconds(120));
		reporter.report(false);
		assertThat(reporting.billed()).isEqualTo(acknowledged);
		assertThat(health.check().up()).isTrue();

		ledger.close();
		MeteringLedger reopened = open(100);
		assertThat(reopened.recovery().isClean()).isTrue();
		assertThat(reopened.outbox().pending()).isEmpty();
		assertThat(reopened.view().openUsage()).isEmpty();
		reporting.reporter(reopened).report(true);
		assertThat(reporting.billed()).isEqualTo(acknowledged);
	}

	@Test
	void aDirectoryWrittenWithoutASpaceReserveOpensCleanAndGetsOne() throws IOException {
		MeteringLedger ledger = open(100);
		ledger.record(UsageKey.of("scans", null, key(0)), 7);
		ledger.close();
		Path reserve = this.temp.resolve("ledger").resolve(SpaceReserve.FILE);
		Files.delete(reserve);
		MeteringLedger reopened = open(100);
		assertThat(reopened.recovery().isClean()).isTrue();
		assertThat(reopened.view().openUsage()).singleElement()
			.satisfies((usage) -> assertThat(usage.quantity()).isEqualTo(7));
		assertThat(reserve).hasSize(1024 * 1024);
	}

	@Test
	void pastTheHoldLimitUsageIsLostAndCountedExactly(CapturedOutput output) throws Exception {
		MeteringLedger ledger = open(10);
		UsageCapture capture = new UsageCapture(ledger, Set.of());
		new MeteringMetrics(capture, new MeteringSources(ledger, null, null)).bindTo(this.registry);
		Map<String, Long> acknowledged = new HashMap<>();
		this.io.fullFrom("keys", 1, false);
		for (int i = 0; i < 25; i++) {
			record(capture, acknowledged, i, 4);
		}
		record(capture, acknowledged, 0, 5);
		assertThat(ledger.summary().storage().heldUnits()).isEqualTo(10 * 4 + 5);
		assertThat(this.registry.get("marketplace.metering.usage.lost").functionCounter().count()).isEqualTo(15 * 4);
		assertThat(output).contains("4 units of dimension \"scans\" were lost");
		MeteringHealth.Check down = health(ledger).check();
		assertThat(down.up()).isFalse();
		assertThat(down.details().get("ledger")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("lostUnits", 60L);

		this.io.heal();
		await().atMost(Duration.ofSeconds(10)).until(() -> ledger.summary().storage().heldUnits() == 0);
		List<UsageReport> sealed = ledger.outbox().seal(ELEVEN);
		Map<String, Long> kept = new HashMap<>();
		for (int i = 0; i < 10; i++) {
			kept.put("k" + i, (i == 0) ? 9L : 4L);
		}
		assertThat(allocations(sealed)).isEqualTo(kept);
		ledger.close();
		assertThat(open(10).recovery().isClean()).isTrue();
	}

	@Test
	void usageHeldWhileItsHourIsSealedMovesToTheNextOpenHourOnce() {
		MeteringLedger ledger = MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode(EmulatedReporting.PRODUCT)
			.reportingIdentity("pod-a")
			.syncInterval(Duration.ofHours(1))
			.io(this.io)
			.build();
		this.resources.add(ledger);
		ledger.record(UsageKey.of("scans", null, key(0)), 1);
		this.io.fullFrom("keys", 1, false);
		ledger.record(UsageKey.of("scans", null, key(1)), 5);
		assertThat(ledger.summary().storage().heldUnits()).isEqualTo(5);
		assertThat(allocations(ledger.outbox().seal(ELEVEN))).containsExactly(Map.entry("k0", 1L));
		this.io.heal();
		this.clock.set(ELEVEN.plusSeconds(60));
		ledger.record(UsageKey.of("scans", null, key(0)), 2);
		assertThat(ledger.summary().storage().heldUnits()).isZero();
		List<UsageReport> eleven = ledger.outbox().seal(ELEVEN.plus(Duration.ofHours(1)));
		assertThat(eleven).extracting(UsageReport::hour).containsOnly(ELEVEN);
		assertThat(allocations(eleven)).containsOnly(Map.entry("k0", 2L), Map.entry("k1", 5L));
	}

	@Test
	void withOnFailureFailAMeteredCallThrowsWhileTheDiskIsFullAndSucceedsOnceSpaceReturns() {
		MeteringLedger ledger = open(0);
		UsageCapture capture = new UsageCapture(ledger, Set.of(), SaasIntegration.LEGACY, UsageCapture.OnFailure.FAIL);
		ProxyFactory proxies = new ProxyFactory(new ScanService());
		proxies.setProxyTargetClass(true);
		proxies.addAdvisor(new MeteredUsageAspect(capture));
		ScanService service = (ScanService) proxies.getProxy();
		this.io.fullFrom("keys", 1, false);
		assertThatExceptionOfType(UsageNotRecordedException.class).isThrownBy(() -> service.scan("doc"))
			.withMessageContaining("1 units of dimension \"scans\" were lost")
			.withMessageContaining(FaultyIo.NO_SPACE);
		assertThat(ledger.summary().storage().lostUnits()).isOne();
		assertThat(ledger.summary().storage().heldUnits()).isZero();
		this.io.heal();
		assertThat(service.scan("doc")).isEqualTo("scanned doc");
		assertThat(ledger.view().openUsage()).singleElement()
			.satisfies((usage) -> assertThat(usage.quantity()).isOne());
	}

	@Test
	void recoveryKeepsEveryKeyAfterATornOne() throws IOException {
		MeteringLedger ledger = open(100);
		for (int i = 0; i < 3; i++) {
			ledger.record(UsageKey.of("scans", null, key(i)), i + 1);
		}
		ledger.close();
		Path keys = this.temp.resolve("ledger").resolve("keys.log");
		Frames.Read read = Frames.read(Files.readAllBytes(keys));
		ByteBuffer torn = Frames.frame(JournalCodec.encodeKey(new KeyRef(99, UsageKey.of("torn"))));
		ByteBuffer damaged = ByteBuffer.allocate((int) Files.size(keys) + torn.limit() / 2);
		damaged.put(Frames.frame(read.frames().get(0).payload()));
		damaged.put(torn.limit(torn.limit() / 2));
		damaged.put(Frames.frame(read.frames().get(1).payload()));
		damaged.put(Frames.frame(read.frames().get(2).payload()));
		Files.write(keys, damaged.array());
		MeteringLedger reopened = open(100);
		assertThat(reopened.recovery().damages()).singleElement()
			.satisfies((damage) -> assertThat(damage.problem()).contains("torn"));
		assertThat(reopened.view().openUsage()).extracting(LedgerView.OpenUsage::quantity)
			.containsExactlyInAnyOrder(1L, 2L, 3L);
		reopened.close();
		assertThat(open(100).recovery().isClean()).isTrue();
	}

	@Test
	void tooLittleSpaceAtStartupFailsWithTheDirectoryItsFreeSpaceAndWhatTheLedgerNeeds() {
		this.io.fullFrom("segment", 1, false);
		assertThatExceptionOfType(InsufficientLedgerSpaceException.class).isThrownBy(() -> open(100))
			.satisfies((ex) -> {
				assertThat(ex.getDirectory()).isEqualTo(this.temp.resolve("ledger"));
				assertThat(ex.getUsableSpace()).isZero();
				assertThat(ex.getNeededSpace()).isEqualTo(2 * 10 * Segment.ENTRY_BYTES + 1024 * 1024);
			});
		this.io.heal();
		assertThat(open(100).recovery().isClean()).isTrue();
	}

	@Test
	void aNegativeHoldLimitIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> open(-1)).withMessageContaining("'holdLimit'");
	}

	/**
	 * Record through the programmatic API, which never throws for a ledger failure (R5),
	 * and note what it acknowledged: what was written or held, not what was lost.
	 */
	private static void record(UsageCapture capture, Map<String, Long> acknowledged, int i, long quantity) {
		long before = capture.recordedQuantity("scans");
		capture.record("scans", quantity, key(i), null);
		if (capture.recordedQuantity("scans") == before + quantity) {
			acknowledged.merge("k" + i, quantity, Long::sum);
		}
	}

	private static long wholeSegments(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().startsWith("segment-"))
				.filter((file) -> file.toFile().length() == 4096 * Segment.ENTRY_BYTES)
				.count();
		}
	}

	private MeteringHealth health(MeteringLedger ledger) {
		return new MeteringHealth(new MeteringSources(ledger, null, null), this.clock, Duration.ofHours(1),
				DataSize.ofMegabytes(1));
	}

	private static Map<String, Long> allocations(List<UsageReport> reports) {
		Map<String, Long> allocations = new HashMap<>();
		reports.forEach((report) -> report.allocations()
			.forEach(
					(allocation) -> allocations.merge(allocation.tags().get("key"), allocation.quantity(), Long::sum)));
		return allocations;
	}

	static class ScanService {

		@MeteredUsage(dimension = "scans")
		public String scan(String document) {
			return "scanned " + document;
		}

	}

}
