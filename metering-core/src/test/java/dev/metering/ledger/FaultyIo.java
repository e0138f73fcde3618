package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ledger's file I/O with the faults of a machine, injected per kind of file (keys,
 * journal, segments, audit): from the N-th write on, the disk is full ("No space left on
 * device"), optionally after cutting that write off halfway; or the N-th write is
 * interrupted. {@link #heal()} makes room again. No root, no mount.
 */
final class FaultyIo implements LedgerIo {

	static final String NO_SPACE = "No space left on device";

	private final Map<String, Fault> faults = new ConcurrentHashMap<>();

	private final LongAdder interrupts = new LongAdder();

	private volatile boolean full;

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
	 * Make room again: every write succeeds from now on.
	 */
	void heal() {
		this.faults.clear();
		this.full = false;
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
		if (fault == null || fault.countdown().decrementAndGet() > 0) {
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
