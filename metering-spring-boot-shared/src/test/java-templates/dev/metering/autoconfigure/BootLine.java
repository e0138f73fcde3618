package dev.metering.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import ${resilience4j.boot.package}.ratelimiter.autoconfigure.RateLimiterAutoConfiguration;
import ${resilience4j.boot.package}.ratelimiter.autoconfigure.RateLimiterMetricsAutoConfiguration;
import ${resilience4j.boot.package}.retry.autoconfigure.RetryAutoConfiguration;
import ${resilience4j.boot.package}.retry.autoconfigure.RetryMetricsAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.${boot.endpoint.json.mapper};
import ${boot.metrics.autoconfigure.package}.CompositeMeterRegistryAutoConfiguration;
import ${boot.metrics.autoconfigure.package}.MetricsAutoConfiguration;
import ${boot.metrics.autoconfigure.package}.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What the shared wiring tests need from Spring Boot that has another name on each line:
 * Resilience4j's and Micrometer's auto-configurations, and Actuator's endpoint JSON.
 * Generated for each line from a template in {@code metering-spring-boot-shared}.
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
			.run((context) -> json.set(context.getBean(${boot.endpoint.json.mapper}.class).get().writeValueAsString(body)));
		return json.get();
	}

}
