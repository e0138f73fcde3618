package dev.metering.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Set;

import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.EntitlementException;
import dev.metering.entitlement.EntitlementReason;
import dev.metering.entitlement.EntitlementStatus;
import dev.metering.entitlement.RegisterUsageSignatureVerifier;
import dev.metering.entitlement.StartupEntitlementCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeteringEntitlementAutoConfiguration}.
 */
class MeteringEntitlementAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MeteringEmulatorAutoConfiguration.class, MeteringAutoConfiguration.class,
						MeteringLedgerAutoConfiguration.class, MeteringEntitlementAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.ledger.type=memory",
				"aws.marketplace.metering.product-code=prod-container", "aws.marketplace.metering.dimensions=scans");

	private final ApplicationContextRunner onEmulator = this.contextRunner
		.withPropertyValues("aws.marketplace.metering.emulator.enabled=true");

	private final ApplicationContextRunner withoutEmulator = this.contextRunner
		.withPropertyValues("aws.marketplace.metering.region=us-east-1");

	@TempDir
	Path keys;

	@Test
	void checksAContainerProductAtStartupByDefault() {
		this.onEmulator.run((context) -> {
			assertThat(context).hasSingleBean(EntitlementCheck.class);
			EntitlementStatus status = context.getBean(EntitlementCheck.class).getStatus();
			assertThat(status.state()).isEqualTo(EntitlementStatus.State.ENTITLED);
			assertThat(status.productCode()).isEqualTo("prod-container");
			assertThat(status.publicKeyVersion()).isEqualTo(1);
			assertThat(status.checkedAt()).isNotNull();
		});
	}

	@Test
	void aBuyerWhoIsNotEntitledStopsStartupWithAnExplanation() {
		this.onEmulator.withUserConfiguration(NotEntitledEmulatorConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).startsWith(
					"The AWS Marketplace entitlement check failed at startup (NOT_ENTITLED, AWS answered CustomerNotEntitledException)");
			assertThat(analysis.getAction()).contains("check the buyer's AWS Marketplace subscription");
		});
	}

	@Test
	void theCheckRunsAtStartupEvenWithLazyInitialization() {
		this.onEmulator.withUserConfiguration(NotEntitledEmulatorConfiguration.class)
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context.getStartupFailure()).getDescription())
					.startsWith("The AWS Marketplace entitlement check failed at startup (NOT_ENTITLED");
			});
	}

	@Test
	void degradeModeStartsAndReportsTheReason() {
		this.onEmulator.withUserConfiguration(NotEntitledEmulatorConfiguration.class)
			.withPropertyValues("aws.marketplace.metering.entitlement.on-failure=degrade")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				EntitlementStatus status = context.getBean(EntitlementCheck.class).getStatus();
				assertThat(status.state()).isEqualTo(EntitlementStatus.State.NOT_ENTITLED);
				assertThat(status.reason()).isEqualTo(EntitlementReason.NOT_ENTITLED);
				assertThat(status.errorCode()).isEqualTo("CustomerNotEntitledException");
			});
	}

	@Test
	void theEmulatorsKeyIsUsedEvenWhenAPublicKeyIsConfigured() throws Exception {
		this.onEmulator.withPropertyValues("aws.marketplace.metering.entitlement.public-key=" + writeKey(rsaKeyPair()))
			.run((context) -> assertThat(context.getBean(EntitlementCheck.class).getStatus().isEntitled()).isTrue());
	}

	@Test
	void isOffByDefaultForSaasAndAmiProducts() {
		this.withoutEmulator.withPropertyValues("aws.marketplace.metering.product-type=saas")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EntitlementCheck.class));
		this.withoutEmulator.withPropertyValues("aws.marketplace.metering.product-type=ami")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EntitlementCheck.class));
	}

	@Test
	void canBeSwitchedOffForAContainerProduct() {
		this.withoutEmulator.withPropertyValues("aws.marketplace.metering.entitlement.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EntitlementCheck.class));
	}

	@Test
	void checksAnAmiProductWithADryRunWhenEnabled() {
		this.onEmulator
			.withPropertyValues("aws.marketplace.metering.product-type=ami",
					"aws.marketplace.metering.entitlement.enabled=true")
			.run((context) -> {
				EntitlementStatus status = context.getBean(EntitlementCheck.class).getStatus();
				assertThat(status.isEntitled()).isTrue();
				assertThat(status.publicKeyVersion()).isNull();
				assertThat(context.getBean(MarketplaceMeteringEmulator.class).records()).isEmpty();
			});
	}

	@Test
	void anAmiCheckNeedsADimension() {
		this.onEmulator
			.withPropertyValues("aws.marketplace.metering.product-type=ami",
					"aws.marketplace.metering.entitlement.enabled=true", "aws.marketplace.metering.dimensions=")
			.run((context) -> assertConfigurationFailure(context, "aws.marketplace.metering.dimensions",
					"aws.marketplace.metering.dimensions is empty, but the ami entitlement check"));
	}

	@Test
	void aRecheckMaxIntervalBelowTheFirstDelayIsRefused() {
		this.onEmulator.withPropertyValues("aws.marketplace.metering.entitlement.recheck-max-interval=1s")
			.run((context) -> assertConfigurationFailure(context,
					MeteringEntitlementAutoConfiguration.RECHECK_MAX_INTERVAL,
					"aws.marketplace.metering.entitlement.recheck-max-interval is PT1S, but must be at least PT10S"));
	}

	@Test
	void aSaasProductHasNoStartupCheck() {
		this.withoutEmulator
			.withPropertyValues("aws.marketplace.metering.product-type=saas",
					"aws.marketplace.metering.entitlement.enabled=true")
			.run((context) -> assertConfigurationFailure(context, MeteringEntitlementAutoConfiguration.ENABLED,
					"aws.marketplace.metering.entitlement.enabled=true is not supported for "
							+ "aws.marketplace.metering.product-type=saas"));
	}

	@Test
	void backsOffToTheApplicationsEntitlementCheck() {
		this.withoutEmulator.withUserConfiguration(OwnEntitlementCheckConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EntitlementCheck.class).doesNotHaveBean(StartupEntitlementCheck.class);
			assertThat(context.getBean(EntitlementCheck.class).getStatus().state())
				.isEqualTo(EntitlementStatus.State.NOT_CHECKED);
		});
	}

	@Test
	void aContainerCheckWithoutTheEmulatorNeedsThePublicKey() {
		this.withoutEmulator.run((context) -> assertConfigurationFailure(context,
				MeteringEntitlementAutoConfiguration.PUBLIC_KEY,
				"aws.marketplace.metering.entitlement.public-key is required when the container entitlement check"));
	}

	@Test
	void anUnreadablePublicKeyIsRefused() throws IOException {
		Path notAKey = Files.writeString(this.keys.resolve("not-a-key.pem"), "MIIB...");
		this.withoutEmulator.withPropertyValues("aws.marketplace.metering.entitlement.public-key=file:" + notAKey)
			.run((context) -> assertConfigurationFailure(context, MeteringEntitlementAutoConfiguration.PUBLIC_KEY,
					"is unusable: a public key must be PEM text from -----BEGIN PUBLIC KEY-----"));
	}

	@Test
	void aPublicKeyLocationThatDoesNotExistIsRefused() {
		Path missing = this.keys.resolve("missing.pem");
		this.withoutEmulator.withPropertyValues("aws.marketplace.metering.entitlement.public-key=file:" + missing)
			.run((context) -> assertConfigurationFailure(context, MeteringEntitlementAutoConfiguration.PUBLIC_KEY,
					"aws.marketplace.metering.entitlement.public-key (URL [file:" + missing + "]) is unusable"));
	}

	@Test
	void aPublicKeyVersionBelowOneIsRefused() {
		this.onEmulator.withPropertyValues("aws.marketplace.metering.entitlement.public-key-version=0")
			.run((context) -> assertConfigurationFailure(context,
					MeteringEntitlementAutoConfiguration.PUBLIC_KEY_VERSION,
					"aws.marketplace.metering.entitlement.public-key-version is 0, but must be at least 1"));
	}

	@Test
	void worksWithoutTheEmulatorOnTheClasspathWithTheConfiguredKey() throws Exception {
		KeyPair signingKey = rsaKeyPair();
		try (MarketplaceMeteringEmulator aws = MarketplaceMeteringEmulator.builder().signingKey(signingKey).start()) {
			this.withoutEmulator.withClassLoader(new FilteredClassLoader(MarketplaceMeteringEmulator.class))
				.withUserConfiguration(CredentialsConfiguration.class)
				.withPropertyValues("aws.marketplace.metering.endpoint=" + aws.endpoint(),
						"aws.marketplace.metering.entitlement.public-key=" + writeKey(signingKey))
				.run((context) -> {
					assertThat(context).doesNotHaveBean(RegisterUsageSignatureVerifier.class);
					assertThat(context.getBean(EntitlementCheck.class).getStatus().isEntitled()).isTrue();
				});
		}
	}

	@Test
	void acceptsThePublicKeyAsPemTextAsFromAnEnvironmentVariableOrAConfigTree() throws Exception {
		KeyPair signingKey = rsaKeyPair();
		try (MarketplaceMeteringEmulator aws = MarketplaceMeteringEmulator.builder().signingKey(signingKey).start()) {
			this.withoutEmulator.withUserConfiguration(CredentialsConfiguration.class)
				.withPropertyValues("aws.marketplace.metering.endpoint=" + aws.endpoint(),
						"aws.marketplace.metering.entitlement.public-key=" + pem(signingKey))
				.run((context) -> assertThat(context.getBean(EntitlementCheck.class).getStatus().isEntitled())
					.isTrue());
		}
	}

	@Test
	void pemTextThatIsNotAKeyFailsStartupNamingTheProperty() {
		this.withoutEmulator.withPropertyValues(
				"aws.marketplace.metering.entitlement.public-key=-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")
			.run((context) -> assertConfigurationFailure(context, MeteringEntitlementAutoConfiguration.PUBLIC_KEY,
					"aws.marketplace.metering.entitlement.public-key (the PEM text) is unusable"));
	}

	@Test
	void aSignatureFromAnotherKeyStopsStartup() throws Exception {
		try (MarketplaceMeteringEmulator aws = MarketplaceMeteringEmulator.builder().start()) {
			this.withoutEmulator.withUserConfiguration(CredentialsConfiguration.class)
				.withPropertyValues("aws.marketplace.metering.endpoint=" + aws.endpoint(),
						"aws.marketplace.metering.entitlement.public-key=" + writeKey(rsaKeyPair()))
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOfSatisfying(EntitlementException.class,
								(ex) -> assertThat(ex.getReason()).isEqualTo(EntitlementReason.BAD_SIGNATURE));
					assertThat(analyze(context.getStartupFailure()).getAction())
						.contains("Check aws.marketplace.metering.entitlement.public-key");
				});
		}
	}

	private String writeKey(KeyPair keyPair) throws IOException {
		return "file:" + Files.writeString(Files.createTempFile(this.keys, "aws", ".pem"), pem(keyPair));
	}

	private static String pem(KeyPair keyPair) {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(keyPair.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

	private static KeyPair rsaKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	private static void assertConfigurationFailure(AssertableApplicationContext context, String property,
			String message) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !(failure instanceof InvalidMeteringConfigurationException)) {
			failure = failure.getCause();
		}
		assertThat(failure)
			.isInstanceOfSatisfying(InvalidMeteringConfigurationException.class,
					(ex) -> assertThat(ex.getProperty()).isEqualTo(property))
			.hasMessageContaining(message);
	}

	private static FailureAnalysis analyze(Throwable failure) {
		return SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, ex) -> {
			}))
			.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter((analysis) -> analysis != null)
			.findFirst()
			.orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class NotEntitledEmulatorConfiguration {

		@Bean(destroyMethod = "close")
		MarketplaceMeteringEmulator notEntitledEmulator() {
			return MarketplaceMeteringEmulator.builder()
				.product("prod-container", Set.of("scans"))
				.entitled(false)
				.build()
				.start();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEntitlementCheckConfiguration {

		@Bean
		EntitlementCheck ownEntitlementCheck() {
			return () -> EntitlementStatus.notChecked("prod-container", null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CredentialsConfiguration {

		@Bean
		AwsCredentialsProvider testCredentials() {
			return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
		}

	}

}
