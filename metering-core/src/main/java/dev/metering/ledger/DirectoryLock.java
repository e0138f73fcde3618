package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a ledger directory, held while a ledger is open: two ledgers
 * sharing a directory would seal and report the same usage twice. The operating system
 * releases it when the process dies, however it dies.
 *
 * @author metering-spring-boot
 */
final class DirectoryLock implements Closeable {

	private final FileChannel channel;

	private DirectoryLock(FileChannel channel) {
		this.channel = channel;
	}

	/**
	 * Lock a directory.
	 * @param directory the ledger directory
	 * @return the lock
	 * @throws IOException on failure
	 * @throws IllegalStateException if another ledger holds the directory
	 */
	static DirectoryLock acquire(Path directory) throws IOException {
		FileChannel channel = LedgerFiles.open(directory.resolve("ledger.lock"), StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			channel.close();
			throw new IllegalStateException("The usage ledger directory " + directory
					+ " is in use by another ledger; each process needs a directory of its own");
		}
		return new DirectoryLock(channel);
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
