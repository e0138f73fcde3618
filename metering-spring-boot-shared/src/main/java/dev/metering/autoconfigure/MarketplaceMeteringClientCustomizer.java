package dev.metering.autoconfigure;

import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClientBuilder;

/**
 * Callback to customize the auto-configured {@code MarketplaceMeteringClient} builder
 * after the {@code aws.marketplace.metering.*} properties were applied. Beans of this
 * type are applied in {@link org.springframework.core.annotation.Order order}.
 *
 * @author metering-spring-boot
 */
@FunctionalInterface
public interface MarketplaceMeteringClientCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder to customize
	 */
	void customize(MarketplaceMeteringClientBuilder builder);

}
