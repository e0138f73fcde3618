package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file of {@link Frames framed} records: the key definitions and the state
 * journal.
 * <p>
 * It ends with whole frames only: an append that fails or is cut off halfway (a full
 * disk) is cut back at once, and if even that fails, before the next append, so no torn
 * frame ever lies before a later record. An interrupt of a writing thread neither closes
 * the file ({@link LedgerChannel}) nor changes the thread's interrupt status. An append
 * takes its space from the ledger's {@link SpaceReserve} before it writes, so a full disk
 * refuses it whole rather than in its middle.
 *
 * @author metering-spring-boot
 */
final class RecordFile implements Closeable {

	private final LedgerChannel channel;

	private final SpaceReserve reserve;

	/** The end of the last whole frame. */
	private long length;

	RecordFile(Path path, LedgerIo io, SpaceReserve reserve) throws IOException {
		this.channel = new LedgerChannel(path, io);
		this.reserve = reserve;
		this.length = Files.size(path);
	}

	/**
	 * Append a record to the page cache (it survives the process, not the OS).
	 * @param payload the record
	 * @throws IOException on failure; the file then ends with its last whole record
	 */
	synchronized void append(byte[] payload) throws IOException {
		ByteBuffer frame = Frames.frame(payload);
		long start = this.length;
		try {
			this.reserve.append(start, frame.limit(), () -> this.channel.run((channel) -> {
				cutBack(channel, start);
				frame.rewind();
				this.channel.io().writeFully(this.channel.path(), channel, frame);
				return null;
			}));
		}
		catch (IOException ex) {
			try {
				this.channel.run((channel) -> cutBack(channel, start));
			}
			catch (IOException cutFailed) {
				ex.addSuppressed(cutFailed);
			}
			throw ex;
		}
		this.length = start + frame.limit();
	}

	private static Void cutBack(FileChannel channel, long length) throws IOException {
		if (channel.size() != length) {
			channel.truncate(length);
		}
		return null;
	}

	/**
	 * Append a record and force it to disk.
	 * @param payload the record
	 * @throws IOException on failure
	 */
	synchronized void appendAndForce(byte[] payload) throws IOException {
		append(payload);
		this.channel.force();
	}

	/**
	 * Force the file to disk, without holding up appends meanwhile.
	 * @throws IOException on failure
	 */
	void force() throws IOException {
		this.channel.force();
	}

	/**
	 * Replace the whole file by one record, atomically: a temporary file is written and
	 * forced, then renamed over this one.
	 * @param payload the only record
	 * @throws IOException on failure
	 */
	synchronized void replace(byte[] payload) throws IOException {
		Path path = this.channel.path();
		LedgerIo io = this.channel.io();
		Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
		ByteBuffer frame = Frames.frame(payload);
		try {
			Uninterruptibly.call(() -> {
				try (FileChannel out = LedgerFiles.open(temporary, StandardOpenOption.WRITE,
						StandardOpenOption.TRUNCATE_EXISTING)) {
					frame.rewind();
					io.writeFully(temporary, out, frame);
					io.force(temporary, out);
				}
				return null;
			});
			Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			Files.deleteIfExists(temporary);
			throw ex;
		}
		// appends go on, to the new file
		this.length = frame.limit();
		this.channel.reopen();
		LedgerFiles.forceDirectory(path.getParent());
	}

	@Override
	public synchronized void close() throws IOException {
		this.channel.force();
		this.channel.close();
	}

}
