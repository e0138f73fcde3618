package dev.metering.sample;

import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOperations;
import dev.metering.core.ResolvedCustomer;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The SaaS registration page: AWS Marketplace posts the buyer's browser here with the
 * {@code x-amzn-marketplace-token} form field, which {@link MeteringOperations} resolves
 * to the customer's AWS account id and license ARN, stored for billing.
 *
 * @author metering-spring-boot
 */
@RestController
class RegistrationController {

	private final MeteringOperations metering;

	private final CustomerRegistry customers;

	RegistrationController(MeteringOperations metering, CustomerRegistry customers) {
		this.metering = metering;
		this.customers = customers;
	}

	@PostMapping("/marketplace/register")
	Registration register(@RequestParam("x-amzn-marketplace-token") String token) {
		ResolvedCustomer customer = this.metering.resolveCustomer(token);
		String customerId = this.customers.register(customer);
		return new Registration(customerId, customer.customerAWSAccountId(), customer.licenseArn(),
				customer.productCode());
	}

	@ExceptionHandler
	ProblemDetail registrationRefused(MeteringException ex) {
		HttpStatus status = switch (ex.getOutcome()) {
			case RETRYABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			default -> HttpStatus.BAD_REQUEST;
		};
		return ProblemDetail.forStatusAndDetail(status,
				"AWS Marketplace refused the registration: " + ex.getErrorCode());
	}

	record Registration(String customerId, String customerAwsAccountId, String licenseArn, String productCode) {
	}

}
