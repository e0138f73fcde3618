package dev.metering.actuate;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.metering.actuate.MeteringEndpoint.MeteringSummary;
import dev.metering.actuate.MeteringEndpoint.ReportRun;
import dev.metering.actuate.MeteringEndpoint.RunState;
import dev.metering.actuate.MeteringEndpoint.UsageDescriptor;
import dev.metering.actuate.MeteringEndpoint.UsagePage;
import dev.metering.autoconfigure.BootLine;
import dev.metering.core.ProductType;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.ReportState;
import dev.metering.reporting.UsageReporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

/**
 * Clock-driven tests of {@link MeteringEndpoint}, asserting the JSON Actuator writes.
 */
class MeteringEndpointTests {

	private static final Instant HOUR_10 = MeteringFixture.HOUR_10;

	private final MeteringFixture fixture = new MeteringFixture();

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	private MeteringEndpoint endpoint;

	@AfterEach
	void close() throws Exception {
		if (this.endpoint != null) {
			this.endpoint.destroy();
		}
		this.fixture.close();
	}

	@Test
	void theSummaryDescribesTheProductAndThePendingUsageWithoutListingIt() throws Exception {
		this.fixture.capture.record("scans", 2, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("scans", 3, Map.of("team", "a"), MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 4, null, null);
		JsonContent<Object> json = json(endpoint().metering(null, null, null, null, null));
		assertThat(json).extractingJsonPathStringValue("$.productCode").isEqualTo(MeteringFixture.PRODUCT);
		assertThat(json).extractingJsonPathStringValue("$.mode").isEqualTo("saas");
		assertThat(json).extractingJsonPathStringValue("$.entitlement.state").isEqualTo("ENTITLED");
		assertThat(json).extractingJsonPathNumberValue("$.pending.quantity").isEqualTo(9);
		assertThat(json).extractingJsonPathNumberValue("$.pending.openHours").isEqualTo(1);
		assertThat(json).extractingJsonPathNumberValue("$.pending.reports").isEqualTo(0);
		assertThat(json).extractingJsonPathStringValue("$.pending.oldestUnreportedHour")
			.isEqualTo("2026-03-01T10:00:00Z");
		assertThat(json).extractingJsonPathNumberValue("$.reports.DEAD_LETTER.count").isEqualTo(0);
		assertThat(json).doesNotHaveJsonPath("$.usage");
		assertThat(json).doesNotHaveJsonPath("$.lastReport");
		assertThat(json.getJson()).doesNotContain("secret", "AKID", "clientToken", MeteringFixture.SUBSCRIBED);
	}

	@Test
	void aPageSelectsUsageByCustomerHourAndState() throws Exception {
		MeteringEndpoint endpoint = endpoint();
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 1, null, "customer-2");
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.capture.record("scans", 7, null, MeteringFixture.SUBSCRIBED);
		awaitDone(endpoint.report(null));
		AcceptedRecord accepted = this.fixture.emulator.records().get(0);

		UsagePage reported = endpoint.metering(null, null, null, null, "reported").usage();
		assertThat(reported.total()).isOne();
		assertThat(reported.items()).singleElement().satisfies((usage) -> {
			assertThat(usage.meteringRecordId()).isEqualTo(accepted.meteringRecordId());
			assertThat(usage.id()).isNotNull();
		});
		UsagePage deadLetters = endpoint.metering(null, null, null, "customer-2", null).usage();
		assertThat(deadLetters.items()).singleElement().satisfies((usage) -> {
			assertThat(usage.state()).isEqualTo("DEAD_LETTER");
			assertThat(usage.reason()).isEqualTo("NOT_ENTITLED CustomerNotSubscribed");
		});
		UsagePage hour11 = endpoint.metering(null, null, "2026-03-01T11:20:00Z", null, null).usage();
		assertThat(hour11.items()).singleElement().satisfies((usage) -> {
			assertThat(usage.state()).isEqualTo("OPEN");
			assertThat(usage.id()).isNull();
			assertThat(usage.quantity()).isEqualTo(7);
		});
		JsonContent<Object> json = json(endpoint.metering(0, 2, null, null, null));
		assertThat(json).extractingJsonPathNumberValue("$.usage.total").isEqualTo(3);
		assertThat(json).extractingJsonPathNumberValue("$.usage.pages").isEqualTo(2);
		assertThat(json).extractingJsonPathArrayValue("$.usage.items").hasSize(2);
		assertThat(json).extractingJsonPathNumberValue("$.reports.REPORTED.count").isEqualTo(1);
		assertThat(json).extractingJsonPathNumberValue("$.reports.DEAD_LETTER.quantity").isEqualTo(1);
		assertThat(json).extractingJsonPathNumberValue("$.outcomes.REPORTED").isEqualTo(1);
		assertThat(json).extractingJsonPathNumberValue("$.lastReport.pending").isEqualTo(0);
		assertThat(json.getJson()).doesNotContain("clientToken");
	}

	@Test
	void twentyThousandPendingCustomersHaveASmallSummaryAndArePagedByAtMost500() throws Exception {
		int customers = 20_000;
		for (int i = 0; i < customers / 2; i++) {
			this.fixture.capture.record("scans", 1, null, "customer-" + i);
		}
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.ledger.outbox().seal(this.fixture.clock.instant().truncatedTo(ChronoUnit.HOURS));
		for (int i = customers / 2; i < customers; i++) {
			this.fixture.capture.record("scans", 1, null, "customer-" + i);
		}
		MeteringEndpoint endpoint = endpoint();

		String summary = BootLine.endpointJson(endpoint.metering(null, null, null, null, null));
		assertThat(summary.getBytes(StandardCharsets.UTF_8)).as("summary of %s pending customers", customers)
			.hasSizeLessThan(10 * 1024);
		assertThat(this.json.from(summary)).extractingJsonPathNumberValue("$.pending.reports").isEqualTo(10_000);

		Set<String> seen = new HashSet<>();
		UsagePage page = endpoint.metering(0, MeteringEndpoint.MAX_PAGE_SIZE, null, null, null).usage();
		assertThat(page.total()).isEqualTo(customers);
		assertThat(page.pages()).isEqualTo(40);
		for (int number = 0; number < page.pages(); number++) {
			UsagePage next = endpoint.metering(number, MeteringEndpoint.MAX_PAGE_SIZE, null, null, null).usage();
			assertThat(next.items()).hasSize(MeteringEndpoint.MAX_PAGE_SIZE);
			next.items().forEach((usage) -> assertThat(seen.add(usage.customer())).as(usage.customer()).isTrue());
		}
		assertThat(seen).hasSize(customers);
		assertThat(endpoint.metering(40, 500, null, null, null).usage().items()).isEmpty();
		assertThat(endpoint.metering(null, null, null, null, "closed").usage().total()).isEqualTo(10_000);
		assertThat(endpoint.metering(null, null, null, null, null).usage()).isNull();
		assertThat(endpoint.metering(0, null, null, null, null).usage().items())
			.hasSize(MeteringEndpoint.DEFAULT_PAGE_SIZE);
	}

	@Test
	void aPageLargerThan500OrAnotherBadSelectionIsRefusedNamingTheParameter() {
		MeteringEndpoint endpoint = endpoint();
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.metering(0, 501, null, null, null))
			.withMessage("Invalid 'size' 501: must be from 1 to 500");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.metering(-1, null, null, null, null))
			.withMessage("Invalid 'page' -1: must be 0 or more");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.metering(null, null, "yesterday", null, null))
			.withMessageStartingWith("Invalid 'hour' yesterday: must be an ISO-8601 instant");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.metering(null, null, null, null, "LOST"))
			.withMessageStartingWith("Invalid 'state' LOST: must be one of [OPEN, CLOSED, SENDING, REPORTED");
	}

	@Test
	void aWriteAnswersAtOnceWhileItsRunIsBlockedAndItsProgressIsVisible() throws Exception {
		CountDownLatch sealing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ReportOutbox outbox = mock(ReportOutbox.class, delegatesTo(this.fixture.ledger.outbox()));
		doAnswer((invocation) -> {
			sealing.countDown();
			assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
			return this.fixture.ledger.outbox().seal(invocation.getArgument(0));
		}).when(outbox).seal(any());
		UsageReporter reporter = this.fixture.reporter(outbox);
		this.endpoint = new MeteringEndpoint(MeteringFixture.PRODUCT, ProductType.SAAS,
				new MeteringSources(this.fixture.ledger, reporter, null), this.fixture.clock, Duration.ZERO, null);
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.clock.advance(Duration.ofHours(1));

		ReportRun started = this.endpoint.report(false);
		assertThat(started.state()).isEqualTo(RunState.RUNNING);
		assertThat(started.requested()).isEqualTo(this.fixture.clock.instant());
		assertThat(sealing.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.endpoint.run(started.id()).state()).isEqualTo(RunState.RUNNING);
		assertThat(this.endpoint.report(true).id()).as("no second run while one runs").isEqualTo(started.id());
		JsonContent<Object> running = json(this.endpoint.metering(null, null, null, null, null));
		assertThat(running).extractingJsonPathStringValue("$.runs[0].id").isEqualTo(started.id());
		assertThat(running).extractingJsonPathStringValue("$.runs[0].state").isEqualTo("RUNNING");

		release.countDown();
		ReportRun done = awaitDone(started);
		assertThat(done.state()).isEqualTo(RunState.DONE);
		assertThat(done.outcomes()).containsEntry("REPORTED", 1L);
		assertThat(done.pending()).isZero();
		assertThat(done.started()).isNotNull();
		assertThat(done.note()).isNull();
		assertThat(this.fixture.emulator.records()).hasSize(1);
	}

	@Test
	void reportingTheCurrentHourSaysThatItsLaterUsageMovesToTheNextHour() throws Exception {
		MeteringEndpoint endpoint = endpoint();
		this.fixture.capture.record("scans", 4, null, MeteringFixture.SUBSCRIBED);
		ReportRun run = awaitDone(endpoint.report(true));
		assertThat(json(run)).extractingJsonPathStringValue("$.note")
			.isEqualTo("The current hour (2026-03-01T10:00:00Z) is sealed and reported: usage recorded later in "
					+ "that hour moves to the next hour (2026-03-01T11:00:00Z)");
		assertThat(this.fixture.emulator.records()).singleElement()
			.satisfies((record) -> assertThat(record.hour()).isEqualTo(HOUR_10));

		this.fixture.capture.record("scans", 2, null, MeteringFixture.SUBSCRIBED);
		assertThat(endpoint.metering(null, null, null, null, "open").usage().items()).singleElement()
			.extracting(UsageDescriptor::hour)
			.isEqualTo(HOUR_10.plus(Duration.ofHours(1)));
	}

	@Test
	void aDeadLetterIsAcknowledgedForThePrincipalAndLeavesTheOpenDeadLetters() throws Exception {
		MeteringEndpoint endpoint = endpoint();
		this.fixture.capture.record("scans", 2, null, "customer-2");
		this.fixture.clock.advance(Duration.ofHours(1));
		awaitDone(endpoint.report(null));
		String id = endpoint.metering(null, null, null, null, "DEAD_LETTER").usage().items().get(0).id();

		JsonContent<Object> decision = json(endpoint.deadLetter(id, "acknowledge", principal("alice")));
		assertThat(decision).extractingJsonPathStringValue("$.actor").isEqualTo("alice");
		assertThat(decision).extractingJsonPathStringValue("$.report.state").isEqualTo("ACKNOWLEDGED");
		assertThat(decision).extractingJsonPathStringValue("$.report.reason").contains("acknowledged by alice");
		JsonContent<Object> summary = json(endpoint.metering(null, null, null, null, null));
		assertThat(summary).extractingJsonPathNumberValue("$.reports.DEAD_LETTER.count").isEqualTo(0);
		assertThat(summary).extractingJsonPathNumberValue("$.reports.ACKNOWLEDGED.count").isEqualTo(1);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.deadLetter(id, "acknowledge", SecurityContext.NONE))
			.withMessageContaining(id)
			.withMessageContaining("no open dead letter");
	}

	@Test
	void aReplayedDeadLetterIsReportedWithTheOpenHourAndAnAnonymousActorIsNamedSo() {
		MeteringEndpoint endpoint = endpoint();
		this.fixture.capture.record("scans", 2, null, "customer-2");
		this.fixture.clock.advance(Duration.ofHours(1));
		awaitDone(endpoint.report(null));
		String id = endpoint.metering(null, null, null, null, "DEAD_LETTER").usage().items().get(0).id();

		MeteringEndpoint.DeadLetterDecision decision = endpoint.deadLetter(id, "replay", SecurityContext.NONE);
		assertThat(decision.actor()).isEqualTo("anonymous");
		assertThat(decision.report().state()).isEqualTo("REPLAYED");
		assertThat(endpoint.metering(null, null, null, "customer-2", "OPEN").usage().items()).singleElement()
			.satisfies((usage) -> {
				assertThat(usage.hour()).isEqualTo(HOUR_10.plus(Duration.ofHours(1)));
				assertThat(usage.quantity()).isEqualTo(2);
			});
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.deadLetter(id, "forget", SecurityContext.NONE))
			.withMessage("Invalid 'action' forget: must be acknowledge or replay");
	}

	private static SecurityContext principal(String name) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> name;
			}

			@Override
			public boolean isUserInRole(String role) {
				return false;
			}

		};
	}

	@Test
	void anUnknownRunIsNotFound() {
		assertThat(endpoint().run("no-such-run")).isNull();
	}

	@Test
	void theReportStatesOfTheSummaryAreAllListed() {
		MeteringSummary summary = endpoint().metering(null, null, null, null, null);
		assertThat(summary.reports()).containsOnlyKeys(ReportState.values());
	}

	private ReportRun awaitDone(ReportRun run) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> this.endpoint.run(run.id()), (state) -> state.state() != RunState.RUNNING);
	}

	private MeteringEndpoint endpoint() {
		EntitlementStatus entitled = EntitlementStatus.entitled(HOUR_10, MeteringFixture.PRODUCT, null);
		this.endpoint = new MeteringEndpoint(MeteringFixture.PRODUCT, ProductType.SAAS,
				this.fixture.state(() -> entitled), this.fixture.clock, Duration.ofSeconds(5), null);
		return this.endpoint;
	}

	private JsonContent<Object> json(Object body) throws Exception {
		return this.json.from(BootLine.endpointJson(body));
	}

}
