package dev.metering.ledger;

import java.util.Set;

/**
 * Tests for {@link MeteringLedger}.
 *
 * @author metering-spring-boot
 */
class InMemoryUsageLedgerTests extends UsageLedgerContractTests {

	@Override
	MeteringLedger createLedger(String productCode, String reportingIdentity, Set<String> zeroUsageDimensions) {
		return MeteringLedger.inMemory(this.clock, productCode, reportingIdentity, zeroUsageDimensions);
	}

}
