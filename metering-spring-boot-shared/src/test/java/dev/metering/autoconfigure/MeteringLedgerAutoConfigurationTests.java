package dev.metering.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.core.UsageNotRecordedException;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageKey;
import dev.metering.ledger.UsageLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link MeteringLedgerAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeteringLedgerAutoConfigurationTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeteringLedgerAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.dimensions=scans");

	@Test
	void aDurableFileLedgerInTheConfiguredDirectoryByDefault() throws IOException {
		Path ledger = this.directory.resolve("ledger");
		this.contextRunner.withPropertyValues("aws.marketplace.metering.ledger.directory=" + ledger).run((context) -> {
			assertThat(context).hasSingleBean(MeteringLedger.class).hasSingleBean(UsageCapture.class);
			context.getBean(UsageCapture.class).record("scans", 2, null, null);
			assertThat(context.getBean(UsageLedger.class).view().openUsage()).singleElement()
				.satisfies((open) -> assertThat(open.key()).isEqualTo(UsageKey.of("scans")));
		});
		assertThat(Files.list(ledger)).isNotEmpty();
	}

	@Test
	void theFileLedgerIsClosedWithTheContextAndRecoveredByTheNext() {
		Path ledger = this.directory.resolve("ledger");
		ApplicationContextRunner runner = this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.directory=" + ledger);
		runner.run((context) -> context.getBean(UsageCapture.class).record("scans", 5, null, null));
		runner.run((context) -> assertThat(context.getBean(UsageLedger.class).view().openUsage()).singleElement()
			.satisfies((open) -> assertThat(open.quantity()).isEqualTo(5)));
	}

	@Test
	void aMemoryLedgerWhenAskedForWithAWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.ledger.type=memory").run((context) -> {
			assertThat(context).hasSingleBean(MeteringLedger.class);
			assertThat(output).contains("usage not yet reported to AWS is lost on every restart");
		});
	}

	@Test
	void theCaptureKeepsToTheLicenseIntegrationByDefault() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.ledger.type=memory")
			.run((context) -> assertThat(context.getBean(UsageCapture.class).getIntegration())
				.isEqualTo(SaasIntegration.LICENSE));
	}

	@Test
	void theCaptureKeepsToTheConfiguredIntegration() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.type=memory",
					"aws.marketplace.metering.saas.integration=legacy")
			.run((context) -> assertThat(context.getBean(UsageCapture.class).getIntegration())
				.isEqualTo(SaasIntegration.LEGACY));
	}

	@Test
	void theCaptureRefusesDimensionsThatAreNotConfigured() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.ledger.type=memory")
			.run((context) -> assertThat(context.getBean(UsageCapture.class)).satisfies((capture) -> {
				org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
					.isThrownBy(() -> capture.record("pages", 1, null, null))
					.withMessageContaining("pages");
			}));
	}

	@Test
	void backsOffToTheApplicationsLedger() {
		this.contextRunner.withUserConfiguration(OwnLedgerConfiguration.class)
			.run((context) -> assertThat(context.getBean(UsageLedger.class))
				.isSameAs(context.getBean(OwnLedgerConfiguration.class).ledger));
	}

	@Test
	void theReportersOutboxIsTheLedgersOwnAndTheZeroUsageDimensionsAreTheLedgers() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.type=memory",
					"aws.marketplace.metering.report-zero-usage=scans")
			.run((context) -> {
				MeteringLedger ledger = context.getBean(MeteringLedger.class);
				assertThat(context.getBean(ReportOutbox.class)).isSameAs(ledger.outbox());
				Instant nextHour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
				assertThat(ledger.outbox().seal(nextHour)).isNotEmpty().allSatisfy((report) -> {
					assertThat(report.dimension()).isEqualTo("scans");
					assertThat(report.quantity()).isZero();
				});
			});
	}

	@Test
	void anApplicationsLedgerOfAnotherKindWithoutItsOutboxFailsNamingWhatToAdd() {
		this.contextRunner.withBean(UsageLedger.class, () -> mock(UsageLedger.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("not a MeteringLedger, and there is no ReportOutbox bean")
				.hasMessageContaining("define the ReportOutbox of that ledger as a bean too"));
	}

	@Test
	void theReportingIdentityDefaultsToTheHostName() throws UnknownHostException {
		MeteringProperties properties = new MeteringProperties();
		String hostname = System.getenv("HOSTNAME");
		String expected = (hostname != null && !hostname.isBlank()) ? hostname
				: InetAddress.getLocalHost().getHostName();
		assertThat(MeteringLedgerAutoConfiguration.reportingIdentity(properties)).isEqualTo(expected);
		properties.setReportingIdentity("pod-7");
		assertThat(MeteringLedgerAutoConfiguration.reportingIdentity(properties)).isEqualTo("pod-7");
	}

	@Test
	void aMissingProductCodeFailsStartup() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeteringLedgerAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.ledger.type=memory")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidMeteringConfigurationException.class)
				.hasMessageContaining("product-code is required"));
	}

	@Test
	void theHoldLimitIsBoundFromProperties() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.directory=" + this.directory.resolve("ledger"),
					"aws.marketplace.metering.capture.hold-limit=25")
			.run((context) -> assertThat(context.getBean(UsageLedger.class).summary().storage().holdLimit())
				.isEqualTo(25));
	}

	@Test
	void onFailureFailHoldsNothingAndFailsTheCall() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.directory=" + this.directory.resolve("ledger"),
					"aws.marketplace.metering.capture.on-failure=fail")
			.run((context) -> assertThat(context.getBean(UsageLedger.class).summary().storage().holdLimit()).isZero());
		this.contextRunner.withPropertyValues("aws.marketplace.metering.capture.on-failure=fail")
			.withUserConfiguration(FullLedgerConfiguration.class)
			.run((context) -> assertThatExceptionOfType(UsageNotRecordedException.class)
				.isThrownBy(() -> context.getBean(UsageCapture.class).record("scans", 1, null, null))
				.withMessage("1 units were lost"));
	}

	@Test
	void onFailureHoldLetsTheCallSucceed() {
		this.contextRunner.withUserConfiguration(FullLedgerConfiguration.class)
			.run((context) -> context.getBean(UsageCapture.class).record("scans", 1, null, null));
	}

	@Test
	void aNegativeHoldLimitFailsStartup() {
		this.contextRunner.withPropertyValues("aws.marketplace.metering.capture.hold-limit=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidMeteringConfigurationException.class)
				.hasMessageContaining("aws.marketplace.metering.capture.hold-limit is -1; it must be at least 0"));
	}

	@Test
	void aNegativeAuditHistoryFailsStartup() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.directory=" + this.directory.resolve("ledger"),
					"aws.marketplace.metering.ledger.audit.max-history=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidMeteringConfigurationException.class)
				.hasMessageContaining(
						"aws.marketplace.metering.ledger.audit.max-history is -1, but must not be negative"));
	}

	@Test
	void anAuditFileSizeOfZeroFailsStartup() {
		this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.directory=" + this.directory.resolve("ledger"),
					"aws.marketplace.metering.ledger.audit.max-file-size=0B")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidMeteringConfigurationException.class)
				.hasMessageContaining(
						"aws.marketplace.metering.ledger.audit.max-file-size is 0B, but must be positive"));
	}

	@Configuration(proxyBeanMethods = false)
	static class FullLedgerConfiguration {

		@Bean
		UsageLedger fullLedger() {
			UsageLedger ledger = mock(UsageLedger.class);
			willThrow(new UncheckedIOException("1 units were lost", new IOException("No space left on device")))
				.given(ledger)
				.record(any(), anyLong());
			return ledger;
		}

		@Bean
		ReportOutbox fullLedgerOutbox() {
			return mock(ReportOutbox.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnLedgerConfiguration {

		final UsageLedger ledger = mock(UsageLedger.class);

		@Bean
		UsageLedger ownLedger() {
			return this.ledger;
		}

		@Bean
		ReportOutbox ownOutbox() {
			return mock(ReportOutbox.class);
		}

	}

}
