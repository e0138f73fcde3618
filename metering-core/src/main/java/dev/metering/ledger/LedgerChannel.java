package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A long-lived channel on a ledger file that no interrupt closes for good: an interrupt
 * of the thread using it (or of another thread sharing it) closes the underlying
 * {@link FileChannel}, so it is opened again and the operation run again whole
 * ({@link Uninterruptibly}), the way H2 reopens a file closed by an interrupt. Only
 * {@link #close()} closes it.
 *
 * @author metering-spring-boot
 */
final class LedgerChannel implements Closeable {

	private final Path path;

	private final LedgerIo io;

	private FileChannel channel;

	private boolean closed;

	LedgerChannel(Path path, LedgerIo io) throws IOException {
		this.path = path;
		this.io = io;
		this.channel = open();
	}

	Path path() {
		return this.path;
	}

	LedgerIo io() {
		return this.io;
	}

	/**
	 * Run an operation on the channel; it is run again whole if an interrupt closed the
	 * channel meanwhile, so it must be safe to run again from its start.
	 * @param <T> the result type
	 * @param operation the operation
	 * @return its result
	 * @throws IOException on failure, or if this channel was closed
	 */
	<T> T run(Operation<T> operation) throws IOException {
		return Uninterruptibly.call(() -> {
			while (true) {
				FileChannel current = current();
				try {
					return operation.apply(current);
				}
				catch (ClosedByInterruptException ex) {
					throw ex;
				}
				catch (ClosedChannelException ex) {
					// closed by an interrupt of another thread using it: open it again
				}
			}
		});
	}

	/**
	 * Force the file to disk.
	 * @throws IOException on failure
	 */
	void force() throws IOException {
		run((channel) -> {
			this.io.force(this.path, channel);
			return null;
		});
	}

	/**
	 * Close the channel so that the next operation opens the file again (after it was
	 * renamed over, for example).
	 * @throws IOException on failure
	 */
	synchronized void reopen() throws IOException {
		this.channel.close();
	}

	private synchronized FileChannel current() throws IOException {
		if (this.closed) {
			throw new ClosedChannelException();
		}
		if (!this.channel.isOpen()) {
			this.channel = open();
		}
		return this.channel;
	}

	private FileChannel open() throws IOException {
		return LedgerFiles.open(this.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
	}

	@Override
	public synchronized void close() throws IOException {
		this.closed = true;
		this.channel.close();
	}

	/**
	 * An operation on the channel.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	interface Operation<T> {

		T apply(FileChannel channel) throws IOException;

	}

}
