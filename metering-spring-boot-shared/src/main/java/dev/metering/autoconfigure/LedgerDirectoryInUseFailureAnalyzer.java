package dev.metering.autoconfigure;

import dev.metering.ledger.LedgerDirectoryInUseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link LedgerDirectoryInUseException} at startup: which directory, who holds
 * it (another ledger in this JVM or another process), and what to set.
 *
 * @author metering-spring-boot
 */
class LedgerDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<LedgerDirectoryInUseException> {

	private static final String DIRECTORY = "aws.marketplace.metering.ledger.directory";

	private static final String FOR_TESTS = " In tests, set aws.marketplace.metering.ledger.type=memory, or set "
			+ DIRECTORY + " to a temporary directory of each context.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LedgerDirectoryInUseException cause) {
		return new FailureAnalysis(cause.getMessage() + ". Two ledgers on one directory would seal and report the "
				+ "same usage twice, so only one may hold it.", action(cause), cause);
	}

	private String action(LedgerDirectoryInUseException cause) {
		return switch (cause.getHolder()) {
			case THIS_JVM -> "Another application context in this JVM holds the directory " + cause.getDirectory()
					+ " (for example a test suite caching two differently configured contexts). Close it first, or "
					+ "give this context a directory of its own with " + DIRECTORY + "." + FOR_TESTS;
			case ANOTHER_PROCESS -> "Another process holds the directory " + cause.getDirectory()
					+ ": stop it first, or give each process (each replica) a directory of its own with " + DIRECTORY
					+ "." + FOR_TESTS;
		};
	}

}
