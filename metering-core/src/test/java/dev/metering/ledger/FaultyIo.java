package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ledger's file I/O with the faults of a machine, injected per kind of file (keys,
 * journal, segments, audit): from the N-th write on, the disk is full ("No space left on
 * device"), optionally after cutting that write off halfway; or the N-th write is
 * interrupted. Or the whole disk is {@link #fill() full}: a write of any file fails where
 * it needs a new block of 4 KiB, except for the blocks a file shortened through
 * {@link #truncate} freed; the files that met the full disk are noted. {@link #heal()}
 * makes room again. No root, no mount.
 */
final class FaultyIo implements LedgerIo {

	static final String NO_SPACE = "No space left on device";

	private final Map<String, Fault> faults = new ConcurrentHashMap<>();

	private final LongAdder interrupts = new LongAdder();

	private volatile boolean full;

	private static final int BLOCK_BYTES = 4096;

	/** The blocks the full disk still takes, or -1 if it is not full. */
	private long room = -1;

	private final Set<String> metFullDisk = ConcurrentHashMap.newKeySet();

	/**
	 * Fill the disk for a kind of file from its n-th write on (counted from now).
	 * @param file the start of the file name: {@code keys}, {@code state},
	 * {@code segment}
	 * @param nthWrite the first write that fails, from 1
	 * @param cutHalfway whether that write writes half of its bytes before failing
	 * @return this
	 */
	FaultyIo fullFrom(String file, int nthWrite, boolean cutHalfway) {
		this.faults.put(file, new Fault(cutHalfway ? Kind.CUT_HALFWAY : Kind.FULL, new AtomicInteger(nthWrite)));
		this.full = true;
		return this;
	}

	/**
	 * Interrupt the thread in the middle of the n-th write of a kind of file (counted
	 * from now), once.
	 * @param file the start of the file name
	 * @param nthWrite the write that is interrupted, from 1
	 * @return this
	 */
	FaultyIo interruptAt(String file, int nthWrite) {
		this.faults.put(file, new Fault(Kind.INTERRUPT, new AtomicInteger(nthWrite)));
		return this;
	}

	/**
	 * Fill the whole disk: from now on a write that needs a new block fails, with a short
	 * write first if part of it fits, unless a {@link #truncate} freed blocks.
	 * @return this
	 */
	synchronized FaultyIo fill() {
		this.room = 0;
		this.full = true;
		return this;
	}

	/**
	 * Make room again: every write succeeds from now on.
	 */
	synchronized void heal() {
		this.faults.clear();
		this.room = -1;
		this.full = false;
	}

	/**
	 * Return the names of the files a write of which met the {@link #fill() full disk}.
	 * @return the file names
	 */
	Set<String> metFullDisk() {
		return Set.copyOf(this.metFullDisk);
	}

	/**
	 * Return how many writes were interrupted.
	 * @return the count
	 */
	long interrupts() {
		return this.interrupts.sum();
	}

	@Override
	public int write(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
		Fault fault = faultOf(file);
		if (fault == null) {
			return writeToDisk(file, channel, buffer);
		}
		if (fault.countdown().decrementAndGet() > 0) {
			return channel.write(buffer);
		}
		switch (fault.kind()) {
			case INTERRUPT -> {
				this.faults.remove(prefixOf(file));
				ByteBuffer half = buffer.duplicate().limit(buffer.position() + buffer.remaining() / 2);
				buffer.position(buffer.position() + channel.write(half));
				this.interrupts.increment();
				// an interrupt arrives in the middle of the write: NIO closes the channel
				Thread.currentThread().interrupt();
				return channel.write(buffer);
			}
			case CUT_HALFWAY -> {
				this.faults.put(prefixOf(file), new Fault(Kind.FULL, new AtomicInteger(0)));
				ByteBuffer half = buffer.duplicate().limit(buffer.position() + buffer.remaining() / 2);
				channel.write(half);
				throw new IOException(NO_SPACE);
			}
			default -> throw new IOException(NO_SPACE);
		}
	}

	private synchronized int writeToDisk(Path file, FileChannel channel, ByteBuffer buffer) throws IOException {
		if (this.room < 0) {
			return channel.write(buffer);
		}
		long size = channel.size();
		long fits = (blocks(size) + this.room) * BLOCK_BYTES - channel.position();
		if (fits <= 0) {
			this.metFullDisk.add(file.getFileName().toString());
			throw new IOException(NO_SPACE);
		}
		ByteBuffer fitting = buffer.duplicate().limit(buffer.position() + (int) Math.min(buffer.remaining(), fits));
		int written = channel.write(fitting);
		buffer.position(buffer.position() + written);
		this.room -= blocks(channel.size()) - blocks(size);
		return written;
	}

	@Override
	public synchronized void truncate(Path file, FileChannel channel, long length) throws IOException {
		long freed = blocks(channel.size()) - blocks(length);
		channel.truncate(length);
		if (this.room >= 0 && freed > 0) {
			this.room += freed;
		}
	}

	private static long blocks(long bytes) {
		return (bytes + BLOCK_BYTES - 1) / BLOCK_BYTES;
	}

	@Override
	public long usableSpace(Path directory) throws IOException {
		return this.full ? 0 : LedgerIo.super.usableSpace(directory);
	}

	private Fault faultOf(Path file) {
		String prefix = prefixOf(file);
		return (prefix != null) ? this.faults.get(prefix) : null;
	}

	private String prefixOf(Path file) {
		String name = file.getFileName().toString();
		return this.faults.keySet().stream().filter(name::startsWith).findFirst().orElse(null);
	}

	private enum Kind {

		FULL, CUT_HALFWAY, INTERRUPT

	}

	private record Fault(Kind kind, AtomicInteger countdown) {

	}

}
