package dev.metering.sample;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.metering.core.MarketplaceCustomer;
import dev.metering.core.ResolvedCustomer;

import org.springframework.stereotype.Component;

/**
 * The customers that registered through AWS Marketplace, each with the customer its usage
 * is billed to: the buyer's account and license (license integration). One account may
 * register several licenses; each is a customer of its own. A real product keeps them in
 * its database; the sample keeps them in memory.
 *
 * @author metering-spring-boot
 */
@Component
class CustomerRegistry {

	private final Map<String, MarketplaceCustomer> customers = new ConcurrentHashMap<>();

	/**
	 * Register a buyer as ResolveCustomer answered.
	 * @param resolved the answer
	 * @return the id the customer calls the API with: the license ARN
	 */
	String register(ResolvedCustomer resolved) {
		MarketplaceCustomer customer = resolved.toCustomer();
		String customerId = (customer.getLicenseArn() != null) ? customer.getLicenseArn() : customer.getCustomer();
		this.customers.put(customerId, customer);
		return customerId;
	}

	Optional<MarketplaceCustomer> find(String customerId) {
		return Optional.ofNullable(this.customers.get(customerId));
	}

}
