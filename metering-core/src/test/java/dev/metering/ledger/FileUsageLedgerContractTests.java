package dev.metering.ledger;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

/**
 * The shared {@link UsageLedger} behaviour, for {@link MeteringLedger}.
 *
 * @author metering-spring-boot
 */
class FileUsageLedgerContractTests extends UsageLedgerContractTests {

	/** Small, since every test opens ledgers of its own. */
	private static final int SEGMENT_BYTES = 64 * 1024;

	@TempDir
	Path directory;

	private final AtomicInteger ledgers = new AtomicInteger();

	@Override
	MeteringLedger createLedger(String productCode, String reportingIdentity, Set<String> zeroUsageDimensions) {
		return MeteringLedger.file(this.directory.resolve("ledger-" + this.ledgers.incrementAndGet()))
			.clock(this.clock)
			.productCode(productCode)
			.reportingIdentity(reportingIdentity)
			.segmentBytes(SEGMENT_BYTES)
			.zeroUsageDimensions(zeroUsageDimensions)
			.build();
	}

}
