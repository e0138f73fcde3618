package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file of {@link Frames framed} records: the key definitions and the state
 * journal.
 *
 * @author metering-spring-boot
 */
final class RecordFile implements Closeable {

	private final Path path;

	private volatile FileChannel channel;

	RecordFile(Path path) throws IOException {
		this.path = path;
		this.channel = LedgerFiles.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
	}

	/**
	 * Append a record to the page cache (it survives the process, not the OS).
	 * @param payload the record
	 * @throws IOException on failure
	 */
	synchronized void append(byte[] payload) throws IOException {
		LedgerFiles.writeFully(this.channel, Frames.frame(payload));
	}

	/**
	 * Append a record and force it to disk.
	 * @param payload the record
	 * @throws IOException on failure
	 */
	synchronized void appendAndForce(byte[] payload) throws IOException {
		append(payload);
		this.channel.force(true);
	}

	/**
	 * Force the file to disk, without holding up appends meanwhile.
	 * @throws IOException on failure
	 */
	void force() throws IOException {
		this.channel.force(true);
	}

	/**
	 * Replace the whole file by one record, atomically: a temporary file is written and
	 * forced, then renamed over this one.
	 * @param payload the only record
	 * @throws IOException on failure
	 */
	synchronized void replace(byte[] payload) throws IOException {
		Path temporary = this.path.resolveSibling(this.path.getFileName() + ".tmp");
		try (FileChannel out = LedgerFiles.open(temporary, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			LedgerFiles.writeFully(out, Frames.frame(payload));
			out.force(true);
		}
		this.channel.close();
		try {
			Files.move(temporary, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			LedgerFiles.forceDirectory(this.path.getParent());
		}
		finally {
			// appends go on, to the new file or (if the rename failed) to the old one
			this.channel = LedgerFiles.open(this.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		}
	}

	@Override
	public synchronized void close() throws IOException {
		this.channel.force(true);
		this.channel.close();
	}

}
