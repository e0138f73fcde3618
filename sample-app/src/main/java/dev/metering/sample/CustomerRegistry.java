package dev.metering.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

import org.springframework.stereotype.Component;

/**
 * The customers that registered through AWS Marketplace. A real product keeps them in its
 * database; the sample keeps them in memory.
 *
 * @author metering-spring-boot
 */
@Component
class CustomerRegistry {

	private final Map<String, ResolveCustomerResponse> customers = new ConcurrentHashMap<>();

	void register(ResolveCustomerResponse customer) {
		this.customers.put(customer.customerIdentifier(), customer);
	}

	boolean isRegistered(String customerIdentifier) {
		return this.customers.containsKey(customerIdentifier);
	}

}
