package dev.metering.ledger;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Usage kept per license (license integration) in the ledger, and ledger directories
 * written before licenses existed.
 */
class LicenseLedgerTests {

	private static final Instant TEN = Instant.parse("2026-01-01T10:00:00Z");

	private static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));

	private static final String ACCOUNT = "111122223333";

	private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license:l-aaaa";

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-bbbb";

	private static final UsageKey A = UsageKey.of("scans", ACCOUNT, LICENSE_A, Map.of());

	private static final UsageKey B = UsageKey.of("scans", ACCOUNT, LICENSE_B, Map.of("team", "red"));

	@TempDir
	Path temp;

	private final MutableClock clock = new MutableClock(TEN.plusSeconds(600));

	private MeteringLedger open() {
		return MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode("prod-1")
			.reportingIdentity("seller")
			.build();
	}

	@Test
	void twoLicensesOfOneAccountInOneHourAreTwoReportsWithTheirOwnTokens() throws IOException {
		try (MeteringLedger ledger = open()) {
			ledger.record(A, 2);
			ledger.record(B, 3);
			ledger.record(A, 4);
			List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
			assertThat(reports).extracting(UsageReport::customer, UsageReport::license, UsageReport::quantity)
				.containsExactly(tuple(ACCOUNT, LICENSE_A, 6L), tuple(ACCOUNT, LICENSE_B, 3L));
			assertThat(reports.get(0).clientToken()).isNotEqualTo(reports.get(1).clientToken());
		}
	}

	@Test
	void legacyUsageOfAnAccountBesideItsLicenseUsageInOneHourIsKeptNeverSent() throws IOException {
		try (MeteringLedger ledger = open()) {
			ledger.record(A, 2);
			ledger.record(UsageKey.of("scans", ACCOUNT, Map.of()), 5);
			ledger.record(UsageKey.of("scans", "cust-1", Map.of()), 1);
			List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
			assertThat(reports).extracting(UsageReport::customer, UsageReport::license, UsageReport::state)
				.containsExactlyInAnyOrder(tuple(ACCOUNT, LICENSE_A, ReportState.CLOSED),
						tuple(ACCOUNT, null, ReportState.DEAD_LETTER), tuple("cust-1", null, ReportState.CLOSED));
			assertThat(ledger.outbox().pending()).extracting(UsageReport::customer)
				.containsExactlyInAnyOrder(ACCOUNT, "cust-1")
				.hasSize(2);
			assertThat(ledger.outbox().pending()).allSatisfy(
					(report) -> assertThat(report.license() != null || !report.customer().equals(ACCOUNT)).isTrue());
		}
	}

	@Test
	void licensesSurviveARestartInOpenUsageReportsAndCarries() throws IOException {
		LedgerView before;
		try (MeteringLedger ledger = open()) {
			ledger.record(A, 2);
			ledger.record(B, 3);
			List<UsageReport> reports = ledger.outbox().seal(ELEVEN);
			this.clock.set(ELEVEN.plusSeconds(5));
			ledger.outbox().settle(reports.get(1), Settlement.carriedForward("TimestampOutOfBoundsException"));
			ledger.record(A, 7);
			before = ledger.view();
		}
		try (MeteringLedger reopened = open()) {
			assertThat(reopened.view()).isEqualTo(before);
			assertThat(reopened.view().openUsage())
				.extracting(LedgerView.OpenUsage::key, LedgerView.OpenUsage::quantity)
				.containsExactlyInAnyOrder(tuple(A, 7L), tuple(B, 3L));
			assertThat(reopened.outbox().pending()).extracting(UsageReport::license).containsExactly(LICENSE_A);
		}
	}

	@Test
	void theAuditLogNamesTheLicense() throws IOException {
		try (MeteringLedger ledger = MeteringLedger.file(this.temp.resolve("ledger"))
			.clock(this.clock)
			.productCode("prod-1")
			.reportingIdentity("seller")
			.retention(Duration.ZERO)
			.build()) {
			ledger.record(A, 2);
			UsageReport report = ledger.outbox().seal(ELEVEN).get(0);
			ledger.outbox().settle(report, Settlement.reported("rec-1"));
			this.clock.set(ELEVEN.plus(Duration.ofHours(2)));
			ledger.outbox().seal(this.clock.instant());
		}
		assertThat(Files.readString(this.temp.resolve("ledger").resolve("audit.log")))
			.contains("\tscans\t" + ACCOUNT + "\t" + LICENSE_A + "\t2\tREPORTED\trec-1\n");
	}

	@Test
	void aKeyWrittenBeforeLicensesIsReadWithoutALicense() throws IOException {
		byte[] version1 = write((out) -> {
			out.writeInt(7);
			writeString(out, "scans");
			writeString(out, "cust-1");
			out.writeInt(1);
			writeString(out, "team");
			writeString(out, "red");
		});
		KeyRef key = JournalCodec.decodeKey(version1);
		assertThat(key.id()).isEqualTo(7);
		assertThat(key.key()).isEqualTo(UsageKey.of("scans", "cust-1", Map.of("team", "red")));
		KeyRef licensed = new KeyRef(8, B);
		assertThat(JournalCodec.decodeKey(JournalCodec.encodeKey(licensed)).key()).isEqualTo(B);
	}

	@Test
	void aJournalRecordWrittenBeforeLicensesIsReadInTheLegacyShape() throws IOException {
		// type 1 (sealed), as written before licenses: no license in reports or carries
		byte[] version1 = write((out) -> {
			out.writeByte(1);
			out.writeInt(42);
			out.writeInt(1);
			writeString(out, "report-1");
			out.writeLong(TEN.getEpochSecond());
			writeString(out, "scans");
			writeString(out, "cust-1");
			out.writeLong(5);
			out.writeInt(1);
			out.writeInt(0);
			out.writeLong(5);
			writeString(out, "token-1");
			out.writeByte(ReportState.CLOSED.ordinal());
			writeString(out, null);
			writeString(out, null);
			out.writeInt(1);
			writeString(out, "scans");
			writeString(out, "cust-1");
			out.writeInt(0);
			out.writeInt(43);
			out.writeLong(2);
		});
		LedgerEvent.Sealed sealed = (LedgerEvent.Sealed) JournalCodec.decode(version1);
		assertThat(sealed.openFrom()).isEqualTo(42);
		assertThat(sealed.reports()).singleElement().satisfies((report) -> {
			assertThat(report.customer()).isEqualTo("cust-1");
			assertThat(report.license()).isNull();
			assertThat(report.quantity()).isEqualTo(5);
			assertThat(report.clientToken()).isEqualTo("token-1");
		});
		assertThat(sealed.carries()).containsExactly(new Carry(UsageKey.of("scans", "cust-1", null), 43, 2));
	}

	private static byte[] write(Writer writer) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(bytes);
		writer.write(out);
		out.flush();
		return bytes.toByteArray();
	}

	private static void writeString(DataOutputStream out, String value) throws IOException {
		if (value == null) {
			out.writeInt(-1);
			return;
		}
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	@FunctionalInterface
	private interface Writer {

		void write(DataOutputStream out) throws IOException;

	}

}
