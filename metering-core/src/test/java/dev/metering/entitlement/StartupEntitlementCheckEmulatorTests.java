package dev.metering.entitlement;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.metering.core.MeteringGateway;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.test.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * {@link StartupEntitlementCheck} with the real AWS SDK client against the emulator over
 * HTTP, on a {@link FakeTime} so that backoff never really waits.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupEntitlementCheckEmulatorTests {

	private static final String PRODUCT = "prod-container";

	private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

	private final FakeTime time = new FakeTime(START);

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	private MeteringGateway gateway;

	@AfterEach
	void stop() {
		this.client.close();
		this.emulator.close();
	}

	@Test
	void anEntitledBuyerIsConfirmedWithAVerifiedSignature() {
		start(UnaryOperator.identity());
		EntitlementStatus status = check(registerUsage()).check();
		assertThat(status).isEqualTo(EntitlementStatus.entitled(START, PRODUCT, 1));
		assertThat(this.time.sleeps()).isEmpty();
	}

	@Test
	void aBuyerWhoIsNotEntitledFailsStartupAtOnce() {
		start((builder) -> builder.entitled(false));
		StartupEntitlementCheck check = check(registerUsage());
		assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::check).satisfies((ex) -> {
			assertThat(ex.getReason()).isEqualTo(EntitlementReason.NOT_ENTITLED);
			assertThat(ex.getErrorCode()).isEqualTo("CustomerNotEntitledException");
		});
		assertThat(check.getStatus().state()).isEqualTo(EntitlementStatus.State.NOT_ENTITLED);
		assertThat(this.time.sleeps()).isEmpty();
	}

	@Test
	void degradeModeStartsAndKeepsTheReason(CapturedOutput output) {
		start((builder) -> builder.entitled(false));
		StartupEntitlementCheck check = check(registerUsage());
		check.setOnFailure(OnEntitlementFailure.DEGRADE);
		check.afterPropertiesSet();
		EntitlementStatus status = check.getStatus();
		assertThat(status.state()).isEqualTo(EntitlementStatus.State.NOT_ENTITLED);
		assertThat(status.reason()).isEqualTo(EntitlementReason.NOT_ENTITLED);
		assertThat(status.errorCode()).isEqualTo("CustomerNotEntitledException");
		assertThat(status.checkedAt()).isEqualTo(START);
		assertThat(status.message()).contains("The customer is not entitled to product prod-container");
		assertThat(output).contains("WARN")
			.contains("AWS Marketplace entitlement not confirmed (NOT_ENTITLED), starting anyway");
	}

	@Test
	void anUnsupportedPlatformIsRefused() {
		start((builder) -> builder.platformSupported(false));
		assertFailure(check(registerUsage()), EntitlementReason.PLATFORM_NOT_SUPPORTED,
				"PlatformNotSupportedException");
	}

	@Test
	void anotherRegionIsRefused() {
		start((builder) -> builder.region("eu-west-1"));
		assertFailure(check(registerUsage()), EntitlementReason.INVALID_REGION, "InvalidRegionException");
	}

	@Test
	void anUnknownPublicKeyVersionIsRefused() {
		start(UnaryOperator.identity());
		RegisterUsageProbe probe = new RegisterUsageProbe(this.gateway,
				new RegisterUsageSignatureVerifier(this.emulator.publicKey()), PRODUCT, 2);
		assertFailure(check(probe), EntitlementReason.INVALID_PUBLIC_KEY_VERSION, "InvalidPublicKeyVersionException");
	}

	@Test
	void aSignatureFromAnotherKeyIsRefused() throws GeneralSecurityException {
		KeyPair configured = Jwts.rsaKeyPair();
		KeyPair other = Jwts.rsaKeyPair();
		start((builder) -> builder.signingKey(other));
		RegisterUsageProbe probe = new RegisterUsageProbe(this.gateway,
				new RegisterUsageSignatureVerifier(configured.getPublic()), PRODUCT, 1);
		assertFailure(check(probe), EntitlementReason.BAD_SIGNATURE, null);
	}

	@Test
	void aReplayedSignatureIsRefused() {
		start(UnaryOperator.identity());
		RegisterUsageResponse earlier = this.gateway
			.registerUsage(RegisterUsageRequest.builder().publicKeyVersion(1).nonce("earlier-nonce").build());
		MeteringGateway replaying = mock(MeteringGateway.class);
		given(replaying.registerUsage(any())).willReturn(earlier);
		RegisterUsageProbe probe = new RegisterUsageProbe(replaying,
				new RegisterUsageSignatureVerifier(this.emulator.publicKey()), PRODUCT, 1);
		assertFailure(check(probe), EntitlementReason.NONCE_MISMATCH, null);
	}

	@Test
	void throttlingIsRetriedWithBackoffUntilEntitled() {
		start((builder) -> builder.faults(Faults.none().throttleRate(1.0)));
		this.time.afterSleep(() -> {
			if (this.time.sleeps().size() == 3) {
				this.emulator.faults().throttleRate(0);
			}
		});
		EntitlementStatus status = check(registerUsage()).check();
		assertThat(status).isEqualTo(EntitlementStatus.entitled(START.plusSeconds(30), PRODUCT, 1));
		assertThat(this.time.sleeps()).hasSize(3);
		assertThat(this.emulator.counters().rejected("ThrottlingException")).isEqualTo(3);
	}

	@Test
	void throttlingPastTheStartupTimeoutStartsWithTheEntitlementNotChecked() {
		start((builder) -> builder.faults(Faults.none().throttleRate(1.0)));
		StartupEntitlementCheck check = check(registerUsage());
		check.setRecheckBackoff((attempt) -> Duration.ofHours(1));
		EntitlementStatus status = check.check();
		check.destroy();
		assertThat(status.errorCode()).isEqualTo("ThrottlingException");
		assertThat(status.message()).contains("4 attempts failed within the startup timeout of PT30S");
		assertThat(this.time.sleeps()).hasSize(3);
		assertThat(this.emulator.counters().rejected("ThrottlingException")).isEqualTo(4);
		assertThat(check.getStatus().state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
		assertThat(check.getStatus().reason()).isEqualTo(EntitlementReason.TIMEOUT);
	}

	@Test
	void serverErrorsAtStartupStartNotCheckedAndALaterSuccessTurnsItEntitled(CapturedOutput output) {
		start((builder) -> builder.faults(Faults.none().serverErrorRate(1.0)));
		StartupEntitlementCheck check = check(registerUsage());
		check.setRecheckBackoff((attempt) -> Duration.ofMillis(20));
		try {
			check.afterPropertiesSet();
			EntitlementStatus status = check.getStatus();
			assertThat(status.state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
			assertThat(status.errorCode()).isEqualTo("InternalServiceErrorException");
			assertThat(status.uncheckedSince()).isEqualTo(START);
			assertThat(output)
				.contains("starting with the entitlement not checked and checking again in the background");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.emulator.counters().rejected("InternalServiceErrorException") > 5);
			assertThat(check.getStatus().state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
			this.emulator.faults().serverErrorRate(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> check.getStatus().isEntitled());
			assertThat(output).contains("AWS Marketplace entitlement confirmed for product prod-container after PT30S");
		}
		finally {
			check.destroy();
		}
	}

	@Test
	void droppedConnectionsAtStartupStartNotCheckedAndALaterSuccessTurnsItEntitled() {
		start((builder) -> builder.faults(Faults.none().dropConnectionRate(1.0)));
		StartupEntitlementCheck check = check(registerUsage());
		check.setRecheckBackoff((attempt) -> Duration.ofMillis(20));
		try {
			assertThat(check.check().state()).isEqualTo(EntitlementStatus.State.NOT_CHECKED);
			this.emulator.faults().dropConnectionRate(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> check.getStatus().isEntitled());
		}
		finally {
			check.destroy();
		}
	}

	@Test
	void aBuyerWhoIsNotEntitledStillFailsStartupAmidServerErrors() {
		start((builder) -> builder.entitled(false).faults(Faults.none().serverErrorRate(0.5).seed(7)));
		StartupEntitlementCheck check = check(registerUsage());
		assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::afterPropertiesSet)
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("CustomerNotEntitledException"));
	}

	@Test
	void anAmiProductIsCheckedWithADryRunThatRecordsNothing() {
		start(UnaryOperator.identity());
		EntitlementStatus status = check(dryRun()).check();
		assertThat(status.isEntitled()).isTrue();
		assertThat(this.emulator.records()).isEmpty();
	}

	@Test
	void anAmiBuyerWhoIsNotEntitledIsRefused() {
		start((builder) -> builder.entitled(false));
		assertFailure(check(dryRun()), EntitlementReason.NOT_ENTITLED, "CustomerNotEntitledException");
	}

	@Test
	void anAmiInstanceWhoseRoleMayNotMeterIsRefused() {
		start((builder) -> builder.unauthorizedAccessKey("AKIDTEST"));
		assertFailure(check(dryRun()), EntitlementReason.UNAUTHORIZED, "UnauthorizedException");
	}

	private void start(UnaryOperator<MarketplaceMeteringEmulator.Builder> customizer) {
		this.emulator = customizer
			.apply(MarketplaceMeteringEmulator.builder().clock(this.time).product(PRODUCT, Set.of("scans")))
			.start();
		this.client = TestClients.client(this.emulator.endpoint(), "AKIDTEST", Duration.ofSeconds(10));
		this.gateway = new MeteringGateway(this.client, PRODUCT);
	}

	private RegisterUsageProbe registerUsage() {
		return new RegisterUsageProbe(this.gateway, new RegisterUsageSignatureVerifier(this.emulator.publicKey()),
				PRODUCT, 1);
	}

	private DryRunMeterUsageProbe dryRun() {
		return new DryRunMeterUsageProbe(this.gateway, PRODUCT, "scans", this.time);
	}

	private StartupEntitlementCheck check(RegisterUsageProbe probe) {
		return onFakeTime(new StartupEntitlementCheck(probe, PRODUCT, 1));
	}

	private StartupEntitlementCheck check(DryRunMeterUsageProbe probe) {
		return onFakeTime(new StartupEntitlementCheck(probe, PRODUCT, null));
	}

	private StartupEntitlementCheck onFakeTime(StartupEntitlementCheck check) {
		check.setClock(this.time);
		check.setSleeper(this.time);
		check.setBackoff((attempt) -> Duration.ofSeconds(10));
		return check;
	}

	private static void assertFailure(StartupEntitlementCheck check, EntitlementReason reason, String errorCode) {
		assertThatExceptionOfType(EntitlementException.class).isThrownBy(check::check).satisfies((ex) -> {
			assertThat(ex.getReason()).isEqualTo(reason);
			assertThat(ex.getErrorCode()).isEqualTo(errorCode);
		});
		assertThat(check.getStatus().state()).isEqualTo(EntitlementStatus.State.NOT_ENTITLED);
		assertThat(check.getStatus().reason()).isEqualTo(reason);
	}

}
