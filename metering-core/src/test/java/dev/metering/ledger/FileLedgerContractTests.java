package dev.metering.ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger contract, for a {@link MeteringLedger#file file ledger}.
 *
 * @author metering-spring-boot
 */
class FileLedgerContractTests extends UsageLedgerContract {

	/** Small, since every test opens ledgers of its own. */
	private static final int SEGMENT_BYTES = 64 * 1024;

	@TempDir
	Path directory;

	private final AtomicInteger ledgers = new AtomicInteger();

	@Override
	protected UsageLedger createLedger(Clock clock, String productCode, String reportingIdentity,
			Set<String> zeroUsageDimensions) {
		return MeteringLedger.file(this.directory.resolve("ledger-" + this.ledgers.incrementAndGet()))
			.clock(clock)
			.productCode(productCode)
			.reportingIdentity(reportingIdentity)
			.segmentBytes(SEGMENT_BYTES)
			.zeroUsageDimensions(zeroUsageDimensions)
			.build();
	}

	@Override
	protected ReportOutbox outboxOf(UsageLedger ledger) {
		return ((MeteringLedger) ledger).outbox();
	}

}
