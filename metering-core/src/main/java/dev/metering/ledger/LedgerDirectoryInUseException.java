package dev.metering.ledger;

import java.nio.file.Path;

/**
 * Thrown when a durable {@link MeteringLedger} is opened on a directory that another
 * ledger holds: two ledgers on one directory would seal and report the same usage twice.
 *
 * @author metering-spring-boot
 */
public class LedgerDirectoryInUseException extends IllegalStateException {

	private final transient Path directory;

	private final Holder holder;

	LedgerDirectoryInUseException(Path directory, Holder holder) {
		super("The usage ledger directory " + directory + " is in use by " + ((holder == Holder.THIS_JVM)
				? "another ledger in this JVM (a second application context?)" : "another process"));
		this.directory = directory;
		this.holder = holder;
	}

	/**
	 * Return the directory, as its canonical path.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Return who holds the directory.
	 * @return the holder
	 */
	public Holder getHolder() {
		return this.holder;
	}

	/**
	 * Who holds a ledger directory.
	 */
	public enum Holder {

		/** Another ledger in this JVM, for example of a second application context. */
		THIS_JVM,

		/** Another process. */
		ANOTHER_PROCESS

	}

}
