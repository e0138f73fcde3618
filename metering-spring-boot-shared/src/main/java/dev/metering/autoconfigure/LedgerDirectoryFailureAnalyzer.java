package dev.metering.autoconfigure;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link LedgerDirectoryException} at startup: the ledger directory is a file,
 * or the application cannot write to it, and what to set or fix.
 *
 * @author metering-spring-boot
 */
class LedgerDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<LedgerDirectoryException> {

	private static final String PROPERTY = "aws.marketplace.metering.ledger.directory";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LedgerDirectoryException cause) {
		Path directory = cause.getDirectory().toAbsolutePath();
		Throwable problem = cause.getCause();
		if (problem instanceof FileAlreadyExistsException || problem instanceof NotDirectoryException) {
			return new FailureAnalysis(
					"The usage ledger directory " + directory + " (" + PROPERTY + ") is a file, not a directory.",
					"Set " + PROPERTY + " to a directory (it is created if missing) on storage that outlives "
							+ "the process, or remove the file " + problem.getMessage() + ".",
					cause);
		}
		if (problem instanceof AccessDeniedException) {
			return new FailureAnalysis("The usage ledger directory " + directory + " (" + PROPERTY
					+ ") cannot be written by the application: access to " + problem.getMessage() + " was denied.",
					"Give the user the application runs as write access to " + directory
							+ " (on Kubernetes, a securityContext.fsGroup for the volume; on ECS, the volume's "
							+ "owner), or set " + PROPERTY + " to a directory it can write.",
					cause);
		}
		return new FailureAnalysis("The usage ledger could not be opened in " + directory + ": " + problem + ".",
				"Check that " + directory + " is a writable directory on a local file system with free space, or set "
						+ PROPERTY + " to one.",
				cause);
	}

}
