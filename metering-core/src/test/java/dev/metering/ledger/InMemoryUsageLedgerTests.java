package dev.metering.ledger;

import java.util.Set;

/**
 * Tests for {@link InMemoryUsageLedger}.
 *
 * @author metering-spring-boot
 */
class InMemoryUsageLedgerTests extends UsageLedgerContractTests {

	@Override
	MeteringLedger createLedger(String productCode, String reportingIdentity, Set<String> zeroUsageDimensions) {
		return new InMemoryUsageLedger(this.clock, productCode, reportingIdentity, zeroUsageDimensions);
	}

}
