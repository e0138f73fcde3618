package dev.metering.actuate;

import java.time.Duration;
import java.util.Map;

import dev.metering.actuate.MeteringEndpoint.ReportDescriptor;
import dev.metering.autoconfigure.BootLine;
import dev.metering.core.ProductType;
import dev.metering.emulator.AcceptedRecord;
import dev.metering.entitlement.EntitlementStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clock-driven tests of {@link MeteringEndpoint}, asserting the JSON Actuator writes.
 */
class MeteringEndpointTests {

	private final MeteringFixture fixture = new MeteringFixture();

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void describesTheProductAndThePendingUsage() throws Exception {
		this.fixture.capture.record("scans", 2, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("scans", 3, Map.of("team", "a"), MeteringFixture.SUBSCRIBED);
		JsonContent<Object> json = json(endpoint().metering());
		assertThat(json).extractingJsonPathStringValue("$.productCode").isEqualTo(MeteringFixture.PRODUCT);
		assertThat(json).extractingJsonPathStringValue("$.mode").isEqualTo("saas");
		assertThat(json).extractingJsonPathStringValue("$.entitlement.state").isEqualTo("ENTITLED");
		assertThat(json).extractingJsonPathArrayValue("$.pending").hasSize(1);
		assertThat(json).extractingJsonPathStringValue("$.pending[0].hour").isEqualTo("2026-03-01T10:00:00Z");
		assertThat(json).extractingJsonPathStringValue("$.pending[0].dimension").isEqualTo("scans");
		assertThat(json).extractingJsonPathStringValue("$.pending[0].customer").isEqualTo(MeteringFixture.SUBSCRIBED);
		assertThat(json).extractingJsonPathNumberValue("$.pending[0].quantity").isEqualTo(5);
		assertThat(json).extractingJsonPathStringValue("$.pending[0].state").isEqualTo("OPEN");
		assertThat(json).doesNotHaveJsonPath("$.pending[0].meteringRecordId");
		assertThat(json).extractingJsonPathArrayValue("$.reports").isEmpty();
		assertThat(json).doesNotHaveJsonPath("$.lastReport");
		assertThat(json.getJson()).doesNotContain("secret", "AKID", "clientToken");
	}

	@Test
	void reportingNowSendsClosedHoursAndAnswersWithTheRecordIds() throws Exception {
		MeteringEndpoint endpoint = endpoint();
		this.fixture.capture.record("scans", 5, null, MeteringFixture.SUBSCRIBED);
		this.fixture.capture.record("pages", 1, null, "customer-2");
		this.fixture.clock.advance(Duration.ofHours(1));
		this.fixture.capture.record("scans", 7, null, MeteringFixture.SUBSCRIBED);
		ReportDescriptor report = endpoint.report(null);
		AcceptedRecord accepted = this.fixture.emulator.records().get(0);
		assertThat(this.fixture.emulator.records()).hasSize(1);
		JsonContent<Object> answer = json(report);
		assertThat(answer).extractingJsonPathNumberValue("$.reported").isEqualTo(1);
		assertThat(answer).extractingJsonPathNumberValue("$.deadLettered").isEqualTo(1);
		assertThat(answer).extractingJsonPathNumberValue("$.pending").isEqualTo(0);
		assertThat(answer).extractingJsonPathStringValue("$.started").isEqualTo("2026-03-01T11:30:00Z");
		assertThat(answer).extractingJsonPathArrayValue("$.settled").hasSize(2);
		assertThat(answer).extractingJsonPathArrayValue("$.settled[?(@.state == 'REPORTED')].meteringRecordId")
			.containsExactly(accepted.meteringRecordId());
		JsonContent<Object> json = json(endpoint.metering());
		assertThat(json).extractingJsonPathStringValue("$.reports[0].meteringRecordId")
			.isEqualTo(accepted.meteringRecordId());
		assertThat(json).extractingJsonPathStringValue("$.deadLetters[0].customer").isEqualTo("customer-2");
		assertThat(json).extractingJsonPathStringValue("$.deadLetters[0].reason")
			.isEqualTo("NOT_ENTITLED CustomerNotSubscribed");
		assertThat(json).extractingJsonPathStringValue("$.pending[0].hour").isEqualTo("2026-03-01T11:00:00Z");
		assertThat(json).extractingJsonPathNumberValue("$.pending[0].quantity").isEqualTo(7);
		assertThat(json).extractingJsonPathNumberValue("$.outcomes.REPORTED").isEqualTo(1);
		assertThat(json).extractingJsonPathNumberValue("$.outcomes.DEAD_LETTER").isEqualTo(1);
		assertThat(json).extractingJsonPathNumberValue("$.lastReport.pending").isEqualTo(0);
	}

	@Test
	void reportingNowCanIncludeTheCurrentHour() throws Exception {
		this.fixture.capture.record("scans", 4, null, MeteringFixture.SUBSCRIBED);
		ReportDescriptor report = endpoint().report(true);
		assertThat(report.reported()).isOne();
		assertThat(this.fixture.emulator.records()).singleElement()
			.satisfies((record) -> assertThat(record.hour()).isEqualTo(MeteringFixture.HOUR_10));
		assertThat(endpoint().metering().pending()).isEmpty();
	}

	private MeteringEndpoint endpoint() {
		EntitlementStatus entitled = EntitlementStatus.entitled(MeteringFixture.HOUR_10, MeteringFixture.PRODUCT, null);
		return new MeteringEndpoint(MeteringFixture.PRODUCT, ProductType.SAAS, this.fixture.state(() -> entitled));
	}

	private JsonContent<Object> json(Object body) throws Exception {
		return this.json.from(BootLine.endpointJson(body));
	}

}
