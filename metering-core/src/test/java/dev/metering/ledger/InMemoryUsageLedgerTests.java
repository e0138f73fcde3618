package dev.metering.ledger;

/**
 * Tests for {@link InMemoryUsageLedger}.
 *
 * @author metering-spring-boot
 */
class InMemoryUsageLedgerTests extends UsageLedgerContractTests {

	@Override
	UsageLedger createLedger(String productCode, String reportingIdentity) {
		return new InMemoryUsageLedger(this.clock, productCode, reportingIdentity);
	}

}
