package dev.metering.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterAutoConfiguration;
import io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterMetricsAutoConfiguration;
import io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration;
import io.github.resilience4j.springboot.retry.autoconfigure.RetryMetricsAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * What the shared wiring tests need from Spring Boot 4.1 that has another name on the
 * other line: Resilience4j's and Micrometer's auto-configurations, and Actuator's
 * endpoint JSON.
 */
public final class BootLine {

	/** Resilience4j's retry and rate limiter registries. */
	public static final AutoConfigurations RESILIENCE = AutoConfigurations.of(RetryAutoConfiguration.class,
			RateLimiterAutoConfiguration.class);

	/** A simple meter registry, with Resilience4j's own meters. */
	public static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			RetryMetricsAutoConfiguration.class, RateLimiterMetricsAutoConfiguration.class);

	private BootLine() {
	}

	/**
	 * Write a body as Actuator writes endpoint responses.
	 * @param body the endpoint's answer
	 * @return the JSON
	 * @throws Exception when it cannot be written
	 */
	public static String endpointJson(Object body) throws Exception {
		AtomicReference<String> json = new AtomicReference<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JacksonEndpointAutoConfiguration.class))
			.run((context) -> json.set(context.getBean(EndpointJsonMapper.class).get().writeValueAsString(body)));
		return json.get();
	}

}
