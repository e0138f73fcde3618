package dev.metering.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import dev.metering.core.MeteringGateway;
import dev.metering.core.ProductType;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import dev.metering.entitlement.Backoff;
import dev.metering.entitlement.DryRunMeterUsageProbe;
import dev.metering.entitlement.EntitlementCheck;
import dev.metering.entitlement.RegisterUsageProbe;
import dev.metering.entitlement.RegisterUsageSignatureVerifier;
import dev.metering.entitlement.StartupEntitlementCheck;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the entitlement check made once at startup, before the
 * application serves: RegisterUsage with a verified signature for container products, a
 * DryRun MeterUsage for AMI products. On by default for container products only; see
 * {@code aws.marketplace.metering.entitlement.enabled}.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(after = { MeteringAutoConfiguration.class, MeteringEmulatorAutoConfiguration.class })
@ConditionalOnBean(MeteringGateway.class)
@Conditional(MeteringEntitlementAutoConfiguration.OnEntitlementCheckCondition.class)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringEntitlementAutoConfiguration {

	static final String PRODUCT_TYPE = "aws.marketplace.metering.product-type";

	static final String ENABLED = "aws.marketplace.metering.entitlement.enabled";

	static final String PUBLIC_KEY = "aws.marketplace.metering.entitlement.public-key";

	static final String PUBLIC_KEY_VERSION = "aws.marketplace.metering.entitlement.public-key-version";

	private static final String PEM_BEGIN = "-----BEGIN";

	static final String RECHECK_MAX_INTERVAL = "aws.marketplace.metering.entitlement.recheck-max-interval";

	private static final Duration RECHECK_INITIAL_INTERVAL = Duration.ofSeconds(10);

	/**
	 * The check must run at startup even with lazy initialization: a container the buyer
	 * is not entitled to must not serve.
	 * @return the filter that keeps the check eager
	 */
	@Bean
	static LazyInitializationExcludeFilter entitlementCheckLazyInitializationExcludeFilter() {
		return LazyInitializationExcludeFilter.forBeanTypes(EntitlementCheck.class);
	}

	@Bean
	@ConditionalOnMissingBean(EntitlementCheck.class)
	StartupEntitlementCheck entitlementCheck(MeteringGateway metering, MeteringProperties properties,
			ObjectProvider<RegisterUsageSignatureVerifier> verifier, ResourceLoader resourceLoader) {
		MeteringConfigurationValidator.validate(properties);
		MeteringProperties.Entitlement entitlement = properties.getEntitlement();
		StartupEntitlementCheck check = switch (properties.getProductType()) {
			case CONTAINER -> registerUsageCheck(metering, properties,
					verifier.getIfAvailable(() -> verifierFromPublicKey(entitlement.getPublicKey(), resourceLoader)));
			case AMI -> dryRunMeterUsageCheck(metering, properties);
			case SAAS ->
				throw new InvalidMeteringConfigurationException(ENABLED, ENABLED + "=true is not supported for "
						+ PRODUCT_TYPE + "=saas: a SaaS product has no startup check, its entitlement is per customer");
		};
		check.setOnFailure(entitlement.getOnFailure());
		check.setStartupTimeout(entitlement.getStartupTimeout());
		check.setRecheckBackoff(recheckBackoff(entitlement.getRecheckMaxInterval()));
		return check;
	}

	private static Backoff recheckBackoff(Duration max) {
		if (max == null || max.compareTo(RECHECK_INITIAL_INTERVAL) < 0) {
			throw new InvalidMeteringConfigurationException(RECHECK_MAX_INTERVAL, RECHECK_MAX_INTERVAL + " is " + max
					+ ", but must be at least " + RECHECK_INITIAL_INTERVAL + " (the first background check's delay)");
		}
		return Backoff.exponentialWithJitter(RECHECK_INITIAL_INTERVAL, max);
	}

	private StartupEntitlementCheck registerUsageCheck(MeteringGateway metering, MeteringProperties properties,
			RegisterUsageSignatureVerifier verifier) {
		int version = properties.getEntitlement().getPublicKeyVersion();
		if (version < 1) {
			throw new InvalidMeteringConfigurationException(PUBLIC_KEY_VERSION,
					PUBLIC_KEY_VERSION + " is " + version + ", but must be at least 1");
		}
		String productCode = properties.getProductCode();
		return new StartupEntitlementCheck(new RegisterUsageProbe(metering, verifier, productCode, version),
				productCode, version);
	}

	private StartupEntitlementCheck dryRunMeterUsageCheck(MeteringGateway metering, MeteringProperties properties) {
		if (properties.getDimensions().isEmpty()) {
			throw new InvalidMeteringConfigurationException(MeteringConfigurationValidator.DIMENSIONS,
					MeteringConfigurationValidator.DIMENSIONS + " is empty, but the ami entitlement check "
							+ "(DryRun MeterUsage) needs a dimension of the product; or set " + ENABLED + "=false");
		}
		String productCode = properties.getProductCode();
		String dimension = properties.getDimensions().iterator().next();
		return new StartupEntitlementCheck(
				new DryRunMeterUsageProbe(metering, productCode, dimension, Clock.systemUTC()), productCode, null);
	}

	private static RegisterUsageSignatureVerifier verifierFromPublicKey(String publicKey,
			ResourceLoader resourceLoader) {
		if (!StringUtils.hasText(publicKey)) {
			throw new InvalidMeteringConfigurationException(PUBLIC_KEY, PUBLIC_KEY + " is required when the container "
					+ "entitlement check (RegisterUsage) is on: set it to the PEM public key AWS Marketplace gave "
					+ "with the product code (its text or its location), or set " + ENABLED + "=false");
		}
		String source = "the PEM text";
		try {
			String pem = publicKey;
			if (!publicKey.contains(PEM_BEGIN)) {
				Resource resource = resourceLoader.getResource(publicKey.trim());
				source = resource.getDescription();
				pem = resource.getContentAsString(StandardCharsets.US_ASCII);
			}
			return RegisterUsageSignatureVerifier.fromPem(pem);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new InvalidMeteringConfigurationException(PUBLIC_KEY,
					PUBLIC_KEY + " (" + source + ") is unusable: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Verifies RegisterUsage signatures with the embedded emulator's key while the
	 * emulator is enabled, since the emulator, not AWS, signs them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MarketplaceMeteringEmulator.class)
	@ConditionalOnProperty(prefix = "aws.marketplace.metering.emulator", name = "enabled", havingValue = "true")
	static class EmulatorSignatureConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RegisterUsageSignatureVerifier emulatorRegisterUsageSignatureVerifier(MarketplaceMeteringEmulator emulator) {
			return new RegisterUsageSignatureVerifier(emulator.publicKey());
		}

	}

	/**
	 * Matches when {@code aws.marketplace.metering.entitlement.enabled} is true, or when
	 * it is not set and the product type is container.
	 */
	static class OnEntitlementCheckCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Entitlement check");
			Binder binder = Binder.get(context.getEnvironment());
			Boolean enabled = binder.bind(ENABLED, Boolean.class).orElse(null);
			if (enabled != null) {
				return new ConditionOutcome(enabled, message.because(ENABLED + " is " + enabled));
			}
			ProductType productType = binder.bind(PRODUCT_TYPE, ProductType.class).orElse(ProductType.CONTAINER);
			return new ConditionOutcome(productType == ProductType.CONTAINER,
					message.because(ENABLED + " is not set and " + PRODUCT_TYPE + " is " + productType));
		}

	}

}
