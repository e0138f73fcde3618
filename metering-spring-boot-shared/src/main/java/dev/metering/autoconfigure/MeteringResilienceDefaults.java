package dev.metering.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives the {@code marketplaceMetering} Resilience4j instances their defaults as
 * properties of the lowest precedence, so that any single
 * {@code resilience4j.retry.instances.marketplaceMetering.*} or
 * {@code resilience4j.ratelimiter.instances.marketplaceMetering.*} property a user sets
 * overrides just that value.
 * <p>
 * Retry: 5 attempts per report run, exponential backoff from 1 s (x2, at most 30 s) with
 * 50% jitter; a report still unanswered stays pending and the next run, a retry interval
 * later, tries again. Rate limit: 5 calls per second per process, half the account quota
 * of 10 per second for MeterUsage and BatchMeterUsage, so two replicas reporting at the
 * same moment still stay under it; a call waits up to 30 s for a permit.
 *
 * @author metering-spring-boot
 */
class MeteringResilienceDefaults implements EnvironmentPostProcessor {

	static final String INSTANCE = "marketplaceMetering";

	static final String PROPERTY_SOURCE_NAME = "marketplaceMeteringResilienceDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		String retry = "resilience4j.retry.instances." + INSTANCE + ".";
		defaults.put(retry + "max-attempts", "5");
		defaults.put(retry + "wait-duration", "1s");
		defaults.put(retry + "enable-exponential-backoff", "true");
		defaults.put(retry + "exponential-backoff-multiplier", "2");
		defaults.put(retry + "exponential-max-wait-duration", "30s");
		defaults.put(retry + "enable-randomized-wait", "true");
		defaults.put(retry + "randomized-wait-factor", "0.5");
		String rateLimiter = "resilience4j.ratelimiter.instances." + INSTANCE + ".";
		defaults.put(rateLimiter + "limit-for-period", "5");
		defaults.put(rateLimiter + "limit-refresh-period", "1s");
		defaults.put(rateLimiter + "timeout-duration", "30s");
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

}
