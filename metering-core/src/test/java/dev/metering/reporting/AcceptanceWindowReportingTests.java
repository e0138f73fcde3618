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
import dev.metering.ledger.LedgerView;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import dev.metering.test.CapturingMeteringServer;
import dev.metering.test.MutableClock;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The reporter follows each operation's acceptance window ({@link AcceptanceWindow}):
 * MeterUsage 6 hours, BatchMeterUsage 24 hours but never past 06:00 UTC on the 1st for
 * the previous month. The peer accepts everything, so what is sent or carried is the
 * reporter's own decision.
 */
class AcceptanceWindowReportingTests {

	private static final String ACCOUNT = "111122223333";

	private static final String LICENSE = "arn:aws:license-manager::123456789012:license:l-aaaa1111";

	private static final MarketplaceCustomer CUSTOMER = MarketplaceCustomer.license(ACCOUNT, LICENSE);

	private static final UsageKey CUSTOMER_SCANS = UsageKey.of("scans", ACCOUNT, LICENSE, Map.of());

	private MutableClock clock;

	private CapturingMeteringServer server;

	private MarketplaceMeteringClient client;

	private MeteringLedger ledger;

	private MeteringTemplate template;

	private UsageReporter reporter;

	private void start(Instant now) throws Exception {
		this.clock = new MutableClock(now);
		this.server = new CapturingMeteringServer();
		this.client = TestClients.licenseClient(this.server.endpoint());
		this.ledger = MeteringLedger.inMemory(this.clock, "prod-saas", "seller");
		MeteringGateway gateway = new MeteringGateway(this.client, "prod-saas");
		this.template = new MeteringTemplate(gateway, new UsageCapture(this.ledger, Set.of(), SaasIntegration.LICENSE));
		this.reporter = new UsageReporter(this.ledger.outbox(), gateway, ReportingFixture.fastRetry(3),
				ReportingFixture.unlimited(), this.clock, ReportingSettings.defaults());
	}

	@AfterEach
	void close() throws Exception {
		this.ledger.close();
		this.client.close();
		this.server.close();
	}

	@Test
	void aSaasHour20HoursOldIsSentNotCarried() throws Exception {
		Instant hour = Instant.parse("2026-07-14T10:00:00Z");
		start(hour.plusSeconds(600));
		this.template.record("scans", 4, Map.of(), CUSTOMER);
		this.clock.set(hour.plus(Duration.ofHours(20)));
		this.reporter.report(false);
		assertThat(this.ledger.view().reports())
			.extracting(UsageReport::hour, UsageReport::quantity, UsageReport::state)
			.containsExactly(tuple(hour, 4L, ReportState.REPORTED));
		assertThat(this.server.requests()).singleElement()
			.satisfies((request) -> assertThat(request.body()).contains("\"Timestamp\":1784023200.000"));
	}

	@Test
	void anHourOfOctober31StillPendingAt0700OnNovember1IsCarriedIntoTheOpenHourNeverSent() throws Exception {
		Instant hour = Instant.parse("2026-10-31T23:00:00Z");
		start(hour.plusSeconds(600));
		this.template.record("scans", 4, Map.of(), CUSTOMER);
		Instant now = Instant.parse("2026-11-01T07:00:00Z");
		this.clock.set(now);
		this.reporter.report(false);
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.ledger.view().reports()).extracting(UsageReport::hour, UsageReport::state)
			.containsExactly(tuple(hour, ReportState.CARRIED_FORWARD));
		assertThat(this.ledger.view().openUsage()).containsExactly(new LedgerView.OpenUsage(CUSTOMER_SCANS, now, 4));
	}

	@Test
	void anHourOfOctober31IsStillSentAt0500OnNovember1() throws Exception {
		Instant hour = Instant.parse("2026-10-31T23:00:00Z");
		start(hour.plusSeconds(600));
		this.template.record("scans", 4, Map.of(), CUSTOMER);
		this.clock.set(Instant.parse("2026-11-01T05:00:00Z"));
		this.reporter.report(false);
		assertThat(this.ledger.view().reports()).extracting(UsageReport::state).containsExactly(ReportState.REPORTED);
	}

	@Test
	void aMeterUsageHour7HoursOldIsCarried() throws Exception {
		Instant hour = Instant.parse("2026-07-14T10:00:00Z");
		start(hour.plusSeconds(600));
		this.template.record("scans", 3);
		Instant now = hour.plus(Duration.ofHours(7));
		this.clock.set(now);
		this.reporter.report(false);
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.ledger.view().reports()).extracting(UsageReport::state)
			.containsExactly(ReportState.CARRIED_FORWARD);
		assertThat(this.ledger.view().openUsage())
			.containsExactly(new LedgerView.OpenUsage(UsageKey.of("scans"), now, 3));
	}

}
