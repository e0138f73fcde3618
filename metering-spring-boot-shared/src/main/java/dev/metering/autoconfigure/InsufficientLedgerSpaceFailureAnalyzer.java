package dev.metering.autoconfigure;

import dev.metering.ledger.InsufficientLedgerSpaceException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.unit.DataSize;

/**
 * Explains an {@link InsufficientLedgerSpaceException} at startup: the ledger directory,
 * its free space and what the ledger needs.
 *
 * @author metering-spring-boot
 */
class InsufficientLedgerSpaceFailureAnalyzer extends AbstractFailureAnalyzer<InsufficientLedgerSpaceException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InsufficientLedgerSpaceException cause) {
		String description = "The AWS Marketplace usage ledger cannot start: its directory " + cause.getDirectory()
				+ " has " + size(cause.getUsableSpace()) + " of free space, and the ledger needs at least "
				+ size(cause.getNeededSpace())
				+ " (its current and its next segment, and the space reserved for its keys and journal).";
		String action = "Free space on the volume of " + cause.getDirectory() + ", give it a larger volume, or point "
				+ "aws.marketplace.metering.ledger.directory at a volume with room. Keep more than "
				+ "aws.marketplace.metering.ledger.min-free-space free, or the metering health turns DOWN.";
		return new FailureAnalysis(description, action, cause);
	}

	private static String size(long bytes) {
		return bytes + " bytes (" + DataSize.ofBytes(bytes).toMegabytes() + " MB)";
	}

}
