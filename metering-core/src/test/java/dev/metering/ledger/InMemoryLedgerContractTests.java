package dev.metering.ledger;

import java.time.Clock;
import java.util.Set;

/**
 * The ledger contract, for a {@link MeteringLedger#inMemory in-memory ledger}.
 *
 * @author metering-spring-boot
 */
class InMemoryLedgerContractTests extends UsageLedgerContract {

	@Override
	protected UsageLedger createLedger(Clock clock, String productCode, String reportingIdentity,
			Set<String> zeroUsageDimensions) {
		return MeteringLedger.inMemory(clock, productCode, reportingIdentity, zeroUsageDimensions);
	}

	@Override
	protected ReportOutbox outboxOf(UsageLedger ledger) {
		return ((MeteringLedger) ledger).outbox();
	}

}
