package dev.metering.reporting;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import dev.metering.emulator.AcceptedRecord;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Clock-driven tests of the BatchMeterUsage path of {@link UsageReporter} (usage recorded
 * with a customer).
 */
class BatchReportingTests {

	private static final Instant HOUR_10 = ReportingFixture.START;

	private static final Instant HOUR_11 = HOUR_10.plus(1, ChronoUnit.HOURS);

	private ReportingFixture fixture;

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void sendsCustomersUsageInBatchesOfAtMost25() {
		this.fixture = new ReportingFixture();
		for (int customer = 0; customer < 60; customer++) {
			this.fixture.ledger.record(UsageKey.of("scans", "customer-" + customer, Map.of()), customer + 1);
		}
		this.fixture.ledger.record(UsageKey.of("scans", "111122223333", Map.of("team", "a")), 7);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).hasSize(61)
			.allSatisfy((record) -> assertThat(record.operation()).isEqualTo("BatchMeterUsage"));
		assertThat(this.fixture.acceptedTotal()).isEqualTo(60 * 61 / 2 + 7);
		assertThat(this.fixture.emulator.records()).filteredOn((record) -> "111122223333".equals(record.customer()))
			.singleElement()
			.satisfies((record) -> assertThat(record.allocations()).extracting(AcceptedRecord.Allocation::quantity)
				.containsExactly(7L));
		assertThat(this.fixture.emulator.counters().rejected()).isEmpty();
	}

	@Test
	void splitsBatchesBelowOneMegabyte() {
		this.fixture = new ReportingFixture();
		String longValue = "v".repeat(200);
		for (String customer : new String[] { "customer-1", "customer-2" }) {
			for (int tagSet = 0; tagSet < 2400; tagSet++) {
				this.fixture.ledger.record(UsageKey.of("scans", customer, Map.of("k", tagSet + longValue)), 1);
			}
		}
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.reporter.getStatistics().calls()).as("one call per record of ~600 KB").isEqualTo(2);
		assertThat(this.fixture.emulator.records()).hasSize(2)
			.allSatisfy((record) -> assertThat(record.allocations()).hasSize(2400));
		assertThat(this.fixture.emulator.counters().rejected()).isEmpty();
	}

	@Test
	void aRecordTooLargeForOneCallIsBilledWithoutItsAllocations() {
		this.fixture = new ReportingFixture();
		Map<String, String> tags = new HashMap<>();
		for (int tag = 0; tag < 4; tag++) {
			tags.put("key-" + tag + "-" + "k".repeat(90), "v".repeat(256));
		}
		for (int tagSet = 0; tagSet < 2500; tagSet++) {
			Map<String, String> tagSetTags = new HashMap<>(tags);
			tagSetTags.put("set", String.valueOf(tagSet));
			this.fixture.ledger.record(UsageKey.of("scans", "customer-1", tagSetTags), 2);
		}
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.quantity()).isEqualTo(5000);
			assertThat(record.allocations()).isEmpty();
		});
	}

	@Test
	void appliesEachRecordStatus() {
		this.fixture = new ReportingFixture(
				(emulator) -> emulator.subscribedCustomer("customer-1").subscribedCustomer("customer-2"),
				ReportingSettings.defaults());
		this.fixture.template.batchMeterUsage(BatchMeterUsageRequest.builder()
			.usageRecords(UsageRecord.builder()
				.customerIdentifier("customer-2")
				.dimension("scans")
				.timestamp(HOUR_10)
				.quantity(99)
				.build())
			.build());
		this.fixture.ledger.record(UsageKey.of("scans", "customer-1", Map.of()), 1);
		this.fixture.ledger.record(UsageKey.of("scans", "customer-2", Map.of()), 2);
		this.fixture.ledger.record(UsageKey.of("scans", "customer-3", Map.of()), 3);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.ledger.view().reports()).extracting(UsageReport::customer, UsageReport::state)
			.containsExactlyInAnyOrder(tuple("customer-1", ReportState.REPORTED),
					tuple("customer-2", ReportState.MOVED_FORWARD), tuple("customer-3", ReportState.DEAD_LETTER));
		assertThat(this.fixture.ledger.view().reports()).extracting(UsageReport::reason)
			.containsExactlyInAnyOrder(null, "NOT_ENTITLED CustomerNotSubscribed",
					"DuplicateRecord: AWS already holds another record for this key and hour, one this ledger did "
							+ "not send; the quantity moved into the next open hour");
		assertThat(this.fixture.ledger.view().openUsage()).singleElement().satisfies((usage) -> {
			assertThat(usage.key().customer()).isEqualTo("customer-2");
			assertThat(usage.hour()).isEqualTo(HOUR_11);
			assertThat(usage.quantity()).isEqualTo(2);
		});
	}

	@Test
	void unprocessedRecordsAreResent() {
		this.fixture = new ReportingFixture();
		this.fixture.emulator.faults().unprocessedRate(0.5);
		for (int customer = 0; customer < 20; customer++) {
			this.fixture.ledger.record(UsageKey.of("scans", "customer-" + customer, Map.of()), 1);
		}
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		for (int run = 0; run < 10 && this.fixture.reporter.report(false).pending() > 0; run++) {
			this.fixture.clock.advance(Duration.ofMinutes(1));
		}
		assertThat(this.fixture.ledger.outbox().pending()).isEmpty();
		assertThat(this.fixture.acceptedTotal()).isEqualTo(20);
		assertThat(this.fixture.reporter.getStatistics().retries()).isPositive();
	}

	@Test
	void aRecordOutOfTheWindowDoesNotSinkItsBatch() {
		this.fixture = new ReportingFixture((emulator) -> emulator.batchAcceptanceWindow(Duration.ofMinutes(90)),
				ReportingSettings.defaults());
		this.fixture.ledger.record(UsageKey.of("scans", "customer-old", Map.of()), 4);
		this.fixture.clock.set(HOUR_11.plusSeconds(60));
		this.fixture.emulator.faults().throttleRate(1.0);
		this.fixture.reporter.report(false);
		this.fixture.emulator.faults().throttleRate(0);
		this.fixture.ledger.record(UsageKey.of("scans", "customer-new", Map.of()), 5);
		this.fixture.clock.set(HOUR_11.plus(Duration.ofMinutes(61)));
		this.fixture.reporter.report(false);
		assertThat(this.fixture.emulator.records()).singleElement().satisfies((record) -> {
			assertThat(record.customer()).isEqualTo("customer-new");
			assertThat(record.quantity()).isEqualTo(5);
		});
		assertThat(this.fixture.ledger.view().openUsage()).singleElement().satisfies((open) -> {
			assertThat(open.key().customer()).isEqualTo("customer-old");
			assertThat(open.quantity()).isEqualTo(4);
		});
	}

}
