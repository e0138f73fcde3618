package dev.metering.ledger;

import java.nio.file.Path;

/**
 * Thrown when a durable {@link MeteringLedger} opens on a directory whose volume has too
 * little free space for the ledger to start: it needs room for its current and next
 * segment, and its space reserve.
 *
 * @author metering-spring-boot
 */
public class InsufficientLedgerSpaceException extends IllegalStateException {

	private final Path directory;

	private final long usableSpace;

	private final long neededSpace;

	/**
	 * Create a new exception.
	 * @param directory the ledger directory
	 * @param usableSpace the bytes that can still be written there
	 * @param neededSpace the bytes the ledger needs to start
	 * @param cause the failed write, if any
	 */
	public InsufficientLedgerSpaceException(Path directory, long usableSpace, long neededSpace, Throwable cause) {
		super("The usage ledger directory " + directory + " has " + usableSpace + " bytes of free space; the ledger "
				+ "needs at least " + neededSpace + " bytes to start", cause);
		this.directory = directory;
		this.usableSpace = usableSpace;
		this.neededSpace = neededSpace;
	}

	/**
	 * Return the ledger directory.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Return the bytes that could still be written in the directory.
	 * @return the usable space
	 */
	public long getUsableSpace() {
		return this.usableSpace;
	}

	/**
	 * Return the bytes the ledger needs to start.
	 * @return the needed space
	 */
	public long getNeededSpace() {
		return this.neededSpace;
	}

}
