package dev.metering.emulator;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidPublicKeyVersionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * RegisterUsage and ResolveCustomer through the real AWS SDK v2 client.
 */
class RegisterAndResolveSdkTests {

	private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123Z");

	private final MutableClock clock = new MutableClock(NOW);

	private MarketplaceMeteringEmulator emulator;

	private MarketplaceMeteringClient client;

	@BeforeEach
	void start() {
		this.emulator = MarketplaceMeteringEmulator.builder()
			.clock(this.clock)
			.product("container-1", Set.of())
			.publicKeyVersion(1)
			.publicKeyVersion(2)
			.registrationToken("token-ok", "cust-1", "111122223333")
			.registrationToken("token-other", "cust-2", "444455556666", "saas-2")
			.expiredRegistrationToken("token-old")
			.build()
			.start();
		this.client = SdkClients.client(this.emulator.endpoint());
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.emulator.close();
	}

	@Test
	void registerUsageAnswersAPs256JwtThatVerifiesWithThePublicKey() throws Exception {
		RegisterUsageResponse response = this.client
			.registerUsage((r) -> r.productCode("container-1").publicKeyVersion(2).nonce("nonce-123"));
		String[] parts = response.signature().split("\\.");
		assertThat(parts).hasSize(3);
		Base64.Decoder decoder = Base64.getUrlDecoder();
		JsonNode header = Json.MAPPER.readTree(decoder.decode(parts[0]));
		JsonNode payload = Json.MAPPER.readTree(decoder.decode(parts[1]));
		assertThat(header.get("alg").asText()).isEqualTo("PS256");
		assertThat(header.get("typ").asText()).isEqualTo("JWT");
		assertThat(payload.get("productCode").asText()).isEqualTo("container-1");
		assertThat(payload.get("publicKeyVersion").asInt()).isEqualTo(2);
		assertThat(payload.get("nonce").asText()).isEqualTo("nonce-123");
		assertThat(payload.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
		assertThat(response.signature()).doesNotContain("=");
		Signature verifier = Signature.getInstance("RSASSA-PSS");
		verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
		verifier.initVerify(this.emulator.publicKey());
		verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
		assertThat(verifier.verify(decoder.decode(parts[2]))).isTrue();
		verifier.initVerify(this.emulator.publicKey());
		verifier.update((parts[0] + "." + parts[1] + "x").getBytes(StandardCharsets.US_ASCII));
		assertThat(verifier.verify(decoder.decode(parts[2]))).isFalse();
	}

	@Test
	void unknownPublicKeyVersionIsRefused() {
		assertThatExceptionOfType(InvalidPublicKeyVersionException.class)
			.isThrownBy(() -> this.client.registerUsage((r) -> r.productCode("container-1").publicKeyVersion(3)));
	}

	@Test
	void registerUsageModelViolationsAreValidationException() {
		assertThatExceptionOfType(MarketplaceMeteringException.class)
			.isThrownBy(() -> this.client.registerUsage((r) -> r.productCode("container-1").publicKeyVersion(0)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
		assertThatExceptionOfType(MarketplaceMeteringException.class)
			.isThrownBy(() -> this.client
				.registerUsage((r) -> r.productCode("container-1").publicKeyVersion(1).nonce("n".repeat(256))))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
	}

	@Test
	void registerUsageRefusals() {
		assertThatExceptionOfType(InvalidProductCodeException.class)
			.isThrownBy(() -> this.client.registerUsage((r) -> r.productCode("other").publicKeyVersion(1)));
		this.emulator.setEntitled(false);
		assertThatExceptionOfType(CustomerNotEntitledException.class)
			.isThrownBy(() -> this.client.registerUsage((r) -> r.productCode("container-1").publicKeyVersion(1)));
	}

	@Test
	void unsupportedPlatformAndWrongRegionAreRefused() {
		try (MarketplaceMeteringEmulator laptop = MarketplaceMeteringEmulator.builder()
			.platformSupported(false)
			.region("eu-west-1")
			.start();
				MarketplaceMeteringClient inRegion = SdkClients.client(laptop.endpoint(), "AKID1", Region.EU_WEST_1);
				MarketplaceMeteringClient outOfRegion = SdkClients.client(laptop.endpoint(), "AKID1",
						Region.US_EAST_1)) {
			assertThatExceptionOfType(PlatformNotSupportedException.class)
				.isThrownBy(() -> inRegion.registerUsage((r) -> r.productCode("p").publicKeyVersion(1)));
			assertThatExceptionOfType(InvalidRegionException.class)
				.isThrownBy(() -> outOfRegion.registerUsage((r) -> r.productCode("p").publicKeyVersion(1)));
		}
	}

	@Test
	void resolveCustomerAnswersTheConfiguredCustomer() {
		ResolveCustomerResponse response = this.client.resolveCustomer((r) -> r.registrationToken("token-ok"));
		assertThat(response.customerIdentifier()).isEqualTo("cust-1");
		assertThat(response.customerAWSAccountId()).isEqualTo("111122223333");
		assertThat(response.productCode()).isEqualTo("container-1");
		assertThat(this.client.resolveCustomer((r) -> r.registrationToken("token-other")).productCode())
			.isEqualTo("saas-2");
	}

	@Test
	void resolveCustomerRefusals() {
		assertThatExceptionOfType(ExpiredTokenException.class)
			.isThrownBy(() -> this.client.resolveCustomer((r) -> r.registrationToken("token-old")));
		assertThatExceptionOfType(InvalidTokenException.class)
			.isThrownBy(() -> this.client.resolveCustomer((r) -> r.registrationToken("token-unknown")));
		assertThatExceptionOfType(MarketplaceMeteringException.class)
			.isThrownBy(() -> this.client.resolveCustomer((r) -> r.registrationToken("")))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
	}

}
