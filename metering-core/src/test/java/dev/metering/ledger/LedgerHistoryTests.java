package dev.metering.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.metering.test.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The bounded history of a ledger: final reports leave memory (and a file ledger's
 * journal, for its audit log) once their hour is older than the retention; pending
 * reports and open dead letters stay, and a late record never re-opens a dropped hour.
 */
class LedgerHistoryTests {

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));

	private static final Instant TWELVE = ELEVEN.plus(Duration.ofHours(1));

	private static final Instant THIRTEEN = TWELVE.plus(Duration.ofHours(1));

	private static final UsageKey PAID = UsageKey.of("scans", "cust-paid", Map.of());

	private static final UsageKey GONE = UsageKey.of("scans", "cust-gone", Map.of());

	private static final UsageKey LATER = UsageKey.of("scans", "cust-later", Map.of());

	@TempDir
	Path temp;

	private final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	@Test
	void theInMemoryLedgerKeepsOnlyTheRecentWindowOfFinalReports() throws IOException {
		try (MeteringLedger ledger = MeteringLedger.inMemory(this.clock, "prod-1", "seller")) {
			settleTwoHours(ledger);
			assertBounded(ledger);
		}
	}

	@Test
	void theFileLedgerAuditsTheReportsItDropsAndRecoversExactly() throws IOException {
		LedgerView before;
		try (MeteringLedger ledger = openFile()) {
			settleTwoHours(ledger);
			assertBounded(ledger);
			before = ledger.view();
		}
		assertThat(Files.readString(this.temp.resolve("ledger").resolve("audit.log")))
			.contains("2026-01-01T10:00:00Z\tscans\tcust-paid\t-\t3\tREPORTED\trec-10\n")
			.doesNotContain("cust-gone")
			.doesNotContain("rec-11");
		try (MeteringLedger reopened = openFile()) {
			assertThat(reopened.view()).isEqualTo(before);
			this.clock.set(TEN.plusSeconds(1200));
			reopened.record(PAID, 4);
			assertThat(reopened.view().openUsage()).extracting(LedgerView.OpenUsage::key, LedgerView.OpenUsage::hour)
				.containsExactlyInAnyOrder(tuple(GONE, THIRTEEN), tuple(PAID, THIRTEEN));
		}
	}

	@Test
	void thePendingViewHoldsOpenUsageAndPendingReportsOnly() throws IOException {
		try (MeteringLedger ledger = MeteringLedger.inMemory(this.clock, "prod-1", "seller")) {
			ledger.record(PAID, 3);
			ledger.record(GONE, 1);
			List<UsageReport> sealed = ledger.outbox().seal(ELEVEN);
			settle(ledger, sealed, PAID, Settlement.reported("rec-10"));
			this.clock.set(ELEVEN.plusSeconds(60));
			ledger.record(LATER, 5);
			LedgerView pending = ledger.pendingView();
			assertThat(pending.reports()).extracting(UsageReport::customer, UsageReport::state)
				.containsExactly(tuple("cust-gone", ReportState.CLOSED));
			assertThat(pending.openUsage()).isEqualTo(ledger.view().openUsage());
			assertThat(pending.sealedBefore()).isEqualTo(ELEVEN);
			assertThat(ledger.view().reports()).hasSize(2);
		}
	}

	@Test
	void usageStillMovingForwardStaysUntilAwsTakesIt() throws IOException {
		UsageKey own = UsageKey.of("scans");
		try (MeteringLedger ledger = MeteringLedger.inMemory(this.clock, "prod-1", "pod-a")) {
			ledger.record(own, 3);
			ledger.outbox().settle(ledger.outbox().seal(ELEVEN).get(0), Settlement.movedForward("DuplicateRecord"));
			this.clock.set(ELEVEN.plusSeconds(600));
			ledger.outbox().settle(ledger.outbox().seal(TWELVE).get(0), Settlement.movedForward("DuplicateRecord"));
			this.clock.set(THIRTEEN.plus(Duration.ofHours(1)).plusSeconds(300));
			UsageReport twelve = ledger.outbox().seal(this.clock.instant()).get(0);
			assertThat(ledger.view().reports()).extracting(UsageReport::hour, UsageReport::state)
				.containsExactly(tuple(TEN, ReportState.MOVED_FORWARD), tuple(ELEVEN, ReportState.MOVED_FORWARD),
						tuple(TWELVE, ReportState.CLOSED));
			ledger.outbox().settle(twelve, Settlement.reported("rec-12"));
			this.clock.set(this.clock.instant().plus(Duration.ofHours(1)));
			ledger.outbox().seal(this.clock.instant());
			assertThat(ledger.view().reports()).isEmpty();
		}
	}

	private MeteringLedger openFile() {
		return MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode("prod-1")
			.reportingIdentity("seller")
			.build();
	}

	/**
	 * Hour 10: one report settled, one dead-lettered; hour 11: one settled, one left
	 * pending; then the seal of hour 12 at 12:05 drops what is older than 10:05.
	 */
	private void settleTwoHours(MeteringLedger ledger) {
		ledger.record(PAID, 3);
		ledger.record(GONE, 2);
		List<UsageReport> ten = ledger.outbox().seal(ELEVEN);
		settle(ledger, ten, PAID, Settlement.reported("rec-10"));
		settle(ledger, ten, GONE, Settlement.deadLettered("REJECTED CustomerNotSubscribed: gone"));
		this.clock.set(ELEVEN.plusSeconds(600));
		ledger.record(PAID, 5);
		ledger.record(LATER, 7);
		List<UsageReport> eleven = ledger.outbox().seal(TWELVE);
		settle(ledger, eleven, PAID, Settlement.reported("rec-11"));
		this.clock.set(TWELVE.plusSeconds(300));
		assertThat(ledger.outbox().seal(THIRTEEN)).isEmpty();
	}

	private void assertBounded(MeteringLedger ledger) {
		assertThat(ledger.view().reports()).extracting(UsageReport::hour, UsageReport::customer, UsageReport::state)
			.containsExactly(tuple(TEN, "cust-gone", ReportState.DEAD_LETTER),
					tuple(ELEVEN, "cust-later", ReportState.CLOSED), tuple(ELEVEN, "cust-paid", ReportState.REPORTED));
		assertThat(ledger.outbox().deadLetters()).extracting(UsageReport::customer).containsExactly("cust-gone");
		assertThat(ledger.summary().reports()).containsEntry(ReportState.REPORTED, new LedgerSummary.Totals(1, 5));
		// the clock behind the sealed hours: the record goes into the first open hour
		this.clock.set(TEN.plusSeconds(1800));
		ledger.record(GONE, 1);
		assertThat(ledger.view().openUsage())
			.extracting(LedgerView.OpenUsage::key, LedgerView.OpenUsage::hour, LedgerView.OpenUsage::quantity)
			.containsExactly(tuple(GONE, THIRTEEN, 1L));
	}

	private static void settle(MeteringLedger ledger, List<UsageReport> reports, UsageKey key, Settlement settlement) {
		UsageReport report = reports.stream()
			.filter((candidate) -> key.customer().equals(candidate.customer()))
			.findFirst()
			.orElseThrow();
		ledger.outbox().settle(report, settlement);
	}

}
