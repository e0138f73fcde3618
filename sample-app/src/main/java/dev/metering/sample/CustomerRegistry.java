package dev.metering.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.metering.core.ResolvedCustomer;

import org.springframework.stereotype.Component;

/**
 * The customers that registered through AWS Marketplace. A real product keeps them in its
 * database; the sample keeps them in memory.
 *
 * @author metering-spring-boot
 */
@Component
class CustomerRegistry {

	private final Map<String, ResolvedCustomer> customers = new ConcurrentHashMap<>();

	void register(ResolvedCustomer customer) {
		this.customers.put(customer.customerIdentifier(), customer);
	}

	boolean isRegistered(String customerIdentifier) {
		return this.customers.containsKey(customerIdentifier);
	}

}
