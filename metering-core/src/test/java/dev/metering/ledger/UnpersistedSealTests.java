package dev.metering.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.metering.test.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A seal whose persistence fails (say, a full disk) must leave the ledger as if it had
 * not happened, so that nothing sealed in memory only is lost.
 *
 * @author metering-spring-boot
 */
class UnpersistedSealTests {

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));

	private static final Instant TWELVE = ELEVEN.plus(Duration.ofHours(1));

	private static final UsageKey SCANS = UsageKey.of("scans");

	private final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	private final MeteringLedger ledger = new MeteringLedger(this.clock, "prod-1", "pod-a", 0, Set.of(),
			MeteringLedger.DEFAULT_RETENTION, new JournalFailingOnce());

	@Test
	void aSealThatCannotBePersistedLeavesItsHoursOpenWithTheirUsage() {
		this.ledger.record(SCANS, 3);
		this.clock.set(ELEVEN.plusSeconds(5));
		this.ledger.record(SCANS, 4);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.ledger.outbox().seal(TWELVE));
		assertThat(this.ledger.view().sealedBefore()).isNull();
		assertThat(this.ledger.view().openUsage()).containsExactly(new LedgerView.OpenUsage(SCANS, TEN, 3),
				new LedgerView.OpenUsage(SCANS, ELEVEN, 4));
		this.ledger.record(SCANS, 1);
		assertThat(this.ledger.outbox().seal(TWELVE)).extracting(UsageReport::hour, UsageReport::quantity)
			.containsExactly(tuple(TEN, 3L), tuple(ELEVEN, 5L));
		assertThat(this.ledger.outbox().pending()).hasSize(2);
	}

	private static final class JournalFailingOnce implements LedgerPersistence {

		private boolean failed;

		@Override
		public void persist(LedgerEvent event) {
			if (!this.failed) {
				this.failed = true;
				throw new UncheckedIOException(new IOException("No space left on device"));
			}
		}

	}

}
