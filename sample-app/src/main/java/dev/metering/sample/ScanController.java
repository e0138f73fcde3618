package dev.metering.sample;

import dev.metering.core.MarketplaceCustomer;
import dev.metering.sample.DocumentScanner.ScanResult;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The billable API: {@code POST /scans} with the document as the body, for a customer
 * that registered through AWS Marketplace.
 *
 * @author metering-spring-boot
 */
@RestController
class ScanController {

	private final DocumentScanner scanner;

	private final CustomerRegistry customers;

	ScanController(DocumentScanner scanner, CustomerRegistry customers) {
		this.scanner = scanner;
		this.customers = customers;
	}

	@PostMapping("/scans")
	ScanResult scan(@RequestHeader("X-Customer-Id") String customerId, @RequestBody String document) {
		MarketplaceCustomer customer = this.customers.find(customerId)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN,
					"Customer " + customerId + " has not registered through AWS Marketplace"));
		return this.scanner.scan(customer, document);
	}

}
