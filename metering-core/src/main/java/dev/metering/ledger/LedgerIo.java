package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The seam of the ledger's own file I/O: every write and force of a ledger file, the
 * shortening of its space reserve, and the free space of its directory, go through it.
 * Tests wrap it to inject the faults of a machine (a failed or half-done write, a full
 * disk, an interrupt in the middle of a write) with no root and no mount.
 *
 * @author metering-spring-boot
 */
interface LedgerIo {

	/** The file system itself. */
	LedgerIo DIRECT = new LedgerIo() {
	};

	/**
	 * Write some bytes of a buffer at the channel's position.
	 * @param file the file the channel is open on
	 * @param channel the channel
	 * @param buffer the bytes
	 * @return how many bytes were written
	 * @throws IOException on failure
	 */
	default int write(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
		return channel.write(buffer);
	}

	/**
	 * Force a file's content to the disk.
	 * @param file the file the channel is open on
	 * @param channel the channel
	 * @throws IOException on failure
	 */
	default void force(Path file, FileChannel channel) throws IOException {
		channel.force(true);
	}

	/**
	 * Shorten a file, freeing its space on the disk.
	 * @param file the file the channel is open on
	 * @param channel the channel
	 * @param length the new length
	 * @throws IOException on failure
	 */
	default void truncate(Path file, FileChannel channel, long length) throws IOException {
		channel.truncate(length);
	}

	/**
	 * Return the bytes this process may still write in a directory.
	 * @param directory the directory
	 * @return the usable space
	 * @throws IOException on failure
	 */
	default long usableSpace(Path directory) throws IOException {
		return Files.getFileStore(directory).getUsableSpace();
	}

	/**
	 * Write a whole buffer.
	 * @param file the file the channel is open on
	 * @param channel the channel
	 * @param buffer the bytes
	 * @throws IOException on failure
	 */
	default void writeFully(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			write(file, channel, buffer);
		}
	}

}
