package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An exclusive hold on a ledger directory while a ledger is open: two ledgers sharing a
 * directory would seal and report the same usage twice.
 * <p>
 * Within this JVM a registry of held directories (by file key, else by canonical path)
 * refuses a second ledger before any channel is opened. Across processes a file lock on
 * {@code ledger.lock} refuses it; the operating system releases it when the process dies,
 * however it dies. On Linux a file lock belongs to the process and closing <em>any</em>
 * channel of the file drops it, so no channel of the lock file is closed while this JVM
 * holds the lock.
 *
 * @author metering-spring-boot
 */
final class DirectoryLock implements Closeable {

	private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

	/**
	 * Channels never closed: a lock on their file is held elsewhere in this JVM, which
	 * closing (or collecting) them would drop.
	 */
	private static final List<FileChannel> NEVER_CLOSED = new CopyOnWriteArrayList<>();

	private final Object key;

	private final FileChannel channel;

	private DirectoryLock(Object key, FileChannel channel) {
		this.key = key;
		this.channel = channel;
	}

	/**
	 * Hold a directory.
	 * @param directory the ledger directory, which exists
	 * @return the lock
	 * @throws IOException on failure
	 * @throws LedgerDirectoryInUseException if another ledger, in this JVM or another
	 * process, holds the directory
	 */
	static DirectoryLock acquire(Path directory) throws IOException {
		Path canonical = directory.toRealPath();
		Object fileKey = Files.readAttributes(canonical, BasicFileAttributes.class).fileKey();
		Object key = (fileKey != null) ? fileKey : canonical;
		if (!HELD.add(key)) {
			throw new LedgerDirectoryInUseException(canonical, LedgerDirectoryInUseException.Holder.THIS_JVM);
		}
		try {
			FileChannel channel = LedgerFiles.open(canonical.resolve("ledger.lock"), StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				NEVER_CLOSED.add(channel);
				throw new LedgerDirectoryInUseException(canonical, LedgerDirectoryInUseException.Holder.THIS_JVM);
			}
			if (lock == null) {
				// held by another process: this JVM holds no lock on the file to drop
				channel.close();
				throw new LedgerDirectoryInUseException(canonical,
						LedgerDirectoryInUseException.Holder.ANOTHER_PROCESS);
			}
			return new DirectoryLock(key, channel);
		}
		catch (IOException | RuntimeException ex) {
			HELD.remove(key);
			throw ex;
		}
	}

	/**
	 * Release the directory: the lock first, then the registry entry, so that no other
	 * ledger of this JVM opens the lock file while this one still holds the lock.
	 */
	@Override
	public void close() throws IOException {
		try {
			this.channel.close();
		}
		finally {
			HELD.remove(this.key);
		}
	}

}
