package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.MeteringGateway;
import dev.metering.core.MeteringTemplate;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.test.CapturingMeteringServer;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The reporter, run once on the project's SDK version (2.41.4), for customers of the
 * license integration: one account holding two licenses.
 */
class LicenseReportingTests {

	private static final Instant TEN = Instant.parse("2026-07-01T10:00:00Z");

	private static final String ACCOUNT = "111122223333";

	private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license:l-aaaa1111";

	private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license:l-bbbb2222";

	@Test
	void oneAccountWithTwoLicensesInOneHourGetsTwoAcceptedRecordsWithLicenseArnAndNoProductCode() throws Exception {
		MutableClock clock = new MutableClock(TEN.plusSeconds(600));
		try (CapturingMeteringServer server = new CapturingMeteringServer();
				MarketplaceMeteringClient client = TestClients.licenseClient(server.endpoint());
				MeteringLedger ledger = MeteringLedger.inMemory(clock, "prod-saas", "seller")) {
			MeteringGateway gateway = new MeteringGateway(client, "prod-saas");
			MeteringTemplate template = new MeteringTemplate(gateway,
					new UsageCapture(ledger, Set.of(), SaasIntegration.LICENSE));
			template.record("scans", 2, Map.of(), MarketplaceCustomer.license(ACCOUNT, LICENSE_A));
			template.record("scans", 5, Map.of(), MarketplaceCustomer.license(ACCOUNT, LICENSE_B));
			template.record("scans", 1, Map.of(), MarketplaceCustomer.license(ACCOUNT, LICENSE_A));
			clock.set(TEN.plus(Duration.ofHours(1)).plusSeconds(60));
			UsageReporter reporter = new UsageReporter(ledger.outbox(), gateway, ReportingFixture.fastRetry(3),
					ReportingFixture.unlimited(), clock, ReportingSettings.defaults());
			reporter.report(false);
			assertThat(ledger.view().reports())
				.extracting(UsageReport::customer, UsageReport::license, UsageReport::quantity, UsageReport::state)
				.containsExactlyInAnyOrder(tuple(ACCOUNT, LICENSE_A, 3L, ReportState.REPORTED),
						tuple(ACCOUNT, LICENSE_B, 5L, ReportState.REPORTED));
			// one account, dimension and hour: AWS answers records by them, so one
			// request each
			assertThat(server.requests()).extracting(CapturingMeteringServer.Captured::body)
				.containsExactlyInAnyOrder(body(3, LICENSE_A), body(5, LICENSE_B));
		}
	}

	@Test
	void theEmulatorAcceptsOneRecordPerLicenseOfOneAccountAndNoMixedShape() throws Exception {
		try (ReportingFixture fixture = new ReportingFixture(
				(emulator) -> emulator.license(LICENSE_A, ACCOUNT, ReportingFixture.PRODUCT)
					.license(LICENSE_B, ACCOUNT, ReportingFixture.PRODUCT),
				ReportingSettings.defaults())) {
			fixture.ledger.record(UsageKey.of("scans", ACCOUNT, LICENSE_A, Map.of()), 2);
			fixture.ledger.record(UsageKey.of("scans", ACCOUNT, LICENSE_B, Map.of("team", "red")), 5);
			fixture.clock.set(ReportingFixture.START.plus(Duration.ofHours(1)).plusSeconds(60));
			fixture.reporter.report(false);
			assertThat(fixture.emulator.records())
				.extracting(AcceptedRecord::customer, AcceptedRecord::licenseArn, AcceptedRecord::quantity)
				.containsExactlyInAnyOrder(tuple(ACCOUNT, LICENSE_A, 2L), tuple(ACCOUNT, LICENSE_B, 5L));
			assertThat(fixture.emulator.mixedShapes()).isEmpty();
		}
	}

	@Test
	void anInvalidLicenseDeadLettersItsOwnRecordOnly() throws Exception {
		try (ReportingFixture fixture = new ReportingFixture(
				(emulator) -> emulator.license(LICENSE_A, ACCOUNT, ReportingFixture.PRODUCT),
				ReportingSettings.defaults())) {
			fixture.ledger.record(UsageKey.of("scans", ACCOUNT, LICENSE_A, Map.of()), 2);
			fixture.ledger.record(UsageKey.of("scans", "444455556666", LICENSE_B, Map.of()), 5);
			fixture.clock.set(ReportingFixture.START.plus(Duration.ofHours(1)).plusSeconds(60));
			fixture.reporter.report(false);
			assertThat(fixture.ledger.view().reports())
				.extracting(UsageReport::license, UsageReport::state, UsageReport::reason)
				.containsExactlyInAnyOrder(tuple(LICENSE_A, ReportState.REPORTED, null),
						tuple(LICENSE_B, ReportState.DEAD_LETTER, "REJECTED InvalidLicenseException"));
			assertThat(fixture.emulator.records()).extracting(AcceptedRecord::licenseArn).containsExactly(LICENSE_A);
		}
	}

	private static String body(int quantity, String license) {
		return "{\"UsageRecords\":[{\"Timestamp\":1782900000.000,\"Dimension\":\"scans\",\"Quantity\":" + quantity
				+ ",\"CustomerAWSAccountId\":\"" + ACCOUNT + "\",\"LicenseArn\":\"" + license + "\"}]}";
	}

}
