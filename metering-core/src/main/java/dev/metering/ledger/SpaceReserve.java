package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The disk space of the ledger's appended files ({@code keys.log}, {@code state.journal},
 * {@code audit.log}), reserved ahead in a file of zeros, {@code space.reserve}, as the
 * spare segment reserves the space of counters.
 * <p>
 * An {@link #append} takes its space first: the reserve is shortened by the pages the
 * append adds to its file (none while it fills the file's last page), freeing them on the
 * disk, and the append then writes into that freed space, so it does not meet a full disk
 * in the middle of a record. The ledger's other writes that take space (segments) are
 * {@link #guard guarded}, so that none takes the freed space in between; another process
 * writing to the same volume still can. The page is 4 KiB, the block of the usual file
 * systems. The reserve is {@link #renew renewed} ahead of need, in the background once
 * half of it is taken, and by the sync thread until it is full again: a full disk shows
 * there ({@link #failure()}) while appends still go on from what is left. When nothing is
 * left, an append is refused before it writes anything, and the usage it carried is held.
 * A record larger than the whole reserve takes all of it, and its excess comes from the
 * disk's free space.
 * <p>
 * The file holds nothing: one of any size left by an earlier run is simply renewed.
 *
 * @author metering-spring-boot
 */
final class SpaceReserve {

	/** The name of the reserve file in the ledger directory. */
	static final String FILE = "space.reserve";

	private static final int PAGE_BYTES = 4096;

	private final Path path;

	private final long bytes;

	private final LedgerIo io;

	private final Executor renewer;

	/** The length of the reserve file. */
	private long reserved;

	private volatile IOException failure;

	/**
	 * Open the reserve of a directory and fill it up.
	 * @param directory the ledger directory
	 * @param bytes the bytes to keep in reserve, rounded up to whole pages
	 * @param io the file I/O
	 * @param renewer runs a renewal once half of the reserve is taken
	 * @throws IOException if the reserve cannot be filled up
	 */
	SpaceReserve(Path directory, long bytes, LedgerIo io, Executor renewer) throws IOException {
		this.path = directory.resolve(FILE);
		this.bytes = pages(bytes);
		this.io = io;
		this.renewer = renewer;
		fill();
	}

	/**
	 * Append to a ledger file within the reserve: take the pages the append adds to the
	 * file from it, then write, with no other write of the ledger in between.
	 * @param fileLength the length of the file before the append
	 * @param length the bytes the append writes
	 * @param write the append
	 * @throws IOException if the reserve has too little left, or cannot be shortened
	 * (then nothing is written), or if the append fails
	 */
	synchronized void append(long fileLength, long length, Uninterruptibly.IoCall<?> write) throws IOException {
		take(pages(fileLength + length) - pages(fileLength), length);
		write.call();
	}

	/**
	 * Wrap file I/O so that its writes never take the space an {@link #append} freed from
	 * the reserve before it wrote.
	 * @param io the file I/O
	 * @return the guarded file I/O
	 */
	LedgerIo guard(LedgerIo io) {
		return new LedgerIo() {

			@Override
			public int write(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
				synchronized (SpaceReserve.this) {
					return io.write(file, channel, buffer);
				}
			}

			@Override
			public void force(Path file, FileChannel channel) throws IOException {
				io.force(file, channel);
			}

			@Override
			public void truncate(Path file, FileChannel channel, long length) throws IOException {
				io.truncate(file, channel, length);
			}

			@Override
			public long usableSpace(Path directory) throws IOException {
				return io.usableSpace(directory);
			}

		};
	}

	private void take(long release, long length) throws IOException {
		if (release == 0) {
			return;
		}
		if (release > this.reserved) {
			if (this.reserved < this.bytes) {
				IOException renewal = this.failure;
				throw new IOException("The ledger's space reserve has " + this.reserved
						+ " bytes left, too few for a record of " + length + " bytes; it is renewed once the disk "
						+ "has room" + ((renewal != null) ? " (" + renewal.getMessage() + ")" : ""));
			}
			// a record larger than the whole reserve
			release = this.reserved;
		}
		boolean wasHalfFull = this.reserved * 2 >= this.bytes;
		truncate(this.reserved - release);
		if (wasHalfFull && this.reserved * 2 < this.bytes) {
			requestRenewal();
		}
	}

	private void requestRenewal() {
		try {
			this.renewer.execute(this::renew);
		}
		catch (RejectedExecutionException ex) {
			// closing: the reserve is renewed when the ledger opens again
		}
	}

	/**
	 * Fill the reserve up again if appends took from it; called ahead of need, by the
	 * sync thread. A failure (a full disk) is kept for {@link #failure()}, and appends go
	 * on from what is left.
	 */
	void renew() {
		try {
			fill();
		}
		catch (IOException ex) {
			this.failure = ex;
		}
	}

	/**
	 * Return why the reserve could not be filled up the last time it was renewed.
	 * @return the failure, or {@code null} if the reserve is full
	 */
	IOException failure() {
		return this.failure;
	}

	private synchronized void fill() throws IOException {
		if (this.reserved < this.bytes) {
			Uninterruptibly.call(() -> {
				try (FileChannel channel = LedgerFiles.open(this.path, StandardOpenOption.WRITE)) {
					// as long as the file is, never leaving a hole if it was shortened
					// meanwhile
					this.reserved = channel.size();
					ByteBuffer zeros = ByteBuffer.allocate(PAGE_BYTES);
					while (this.reserved < this.bytes) {
						zeros.clear().limit((int) Math.min(PAGE_BYTES, this.bytes - this.reserved));
						channel.position(this.reserved);
						this.reserved += this.io.write(this.path, channel, zeros);
					}
				}
				return null;
			});
		}
		this.failure = null;
	}

	private void truncate(long length) throws IOException {
		Uninterruptibly.call(() -> {
			try (FileChannel channel = LedgerFiles.open(this.path, StandardOpenOption.WRITE)) {
				this.io.truncate(this.path, channel, length);
			}
			return null;
		});
		this.reserved = length;
	}

	private static long pages(long length) {
		return (length + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
	}

}
