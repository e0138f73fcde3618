package dev.metering.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown at startup when the file ledger cannot be opened in its directory: the directory
 * is a file, cannot be written, or failed in another way the cause tells.
 *
 * @author metering-spring-boot
 */
public class LedgerDirectoryException extends IllegalStateException {

	private final Path directory;

	/**
	 * Create a new exception.
	 * @param directory the configured ledger directory
	 * @param cause why it could not be opened
	 */
	public LedgerDirectoryException(Path directory, IOException cause) {
		super("Could not open the usage ledger in " + directory.toAbsolutePath() + ": " + cause, cause);
		this.directory = directory;
	}

	/**
	 * Return the configured ledger directory.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

}
