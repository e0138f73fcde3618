package dev.metering.ledger;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One memory-mapped file of fixed-size usage counters. A counter holds the usage of one
 * key in one hour (of one stripe of writers, see {@link DurableCounters}): it is
 * {@link #allocate allocated} once and then {@link #add added to} in place by atomic
 * compare-and-set, so the page cache holds every acknowledged unit when the process is
 * killed, and recording writes no new memory.
 * <p>
 * Each counter is {@value #ENTRY_BYTES} bytes, a cache line of its own so that writers of
 * different counters never share one: {@code int keyId, int hour, long headerCheck,
 * long count}, then zeros. The count packs the quantity (its high 40 bits, enough for
 * {@link #COUNTER_CAPACITY}) with a 24-bit check of key, hour and quantity (its low
 * bits), so a damaged counter is detected, and the quantity and its check change in one
 * atomic write: a kill can never tear them apart. A slot whose count was never written
 * (all zero, or killed while allocating) holds no usage and is read as empty. The price
 * of aggregating: a damaged counter sets aside the whole total of its key, hour and
 * stripe (reported, never silently), and the check misses about one random corruption of
 * a count in 16.7 million.
 * <p>
 * The first slot of a segment is its header: {@link #MAGIC} and the
 * {@link #FORMAT_VERSION format version} ({@code long magic, int version}, then zeros),
 * written once when the segment is created; the counters follow. A segment written before
 * the header existed (no magic in its first slot) is read as version 0, every slot a
 * counter. A segment of another version is refused, never read. (Its count word is zero,
 * so a version 0 reader sees the header as an empty slot.)
 *
 * @author metering-spring-boot
 */
final class Segment {

	static final int ENTRY_BYTES = 64;

	/** The first bytes of a segment with a header: "METERSEG". */
	static final long MAGIC = 0x4D45_5445_5253_4547L;

	/** The format version this code writes and reads, besides version 0 (no header). */
	static final int FORMAT_VERSION = 1;

	/** The bytes of the smallest segment: the header and one counter. */
	static final int MIN_BYTES = 2 * ENTRY_BYTES;

	private static final int VERSION = 8;

	/**
	 * The most a single counter holds; more goes into another counter. A record of
	 * {@link UsageLedger#MAX_RECORD_QUANTITY} always fits an empty counter.
	 */
	static final long COUNTER_CAPACITY = UsageLedger.MAX_RECORD_QUANTITY;

	/** The low bits of the count, below the quantity: 24. */
	private static final int CHECK_BITS = Long.numberOfLeadingZeros(COUNTER_CAPACITY);

	private static final long CHECK_MASK = (1L << CHECK_BITS) - 1;

	private static final int HEADER_CHECK = 8;

	private static final int COUNT = 16;

	private static final int PAGE_BYTES = 4096;

	private static final int RESERVE_CHUNK_BYTES = 64 * 1024;

	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

	private final Path path;

	private final long sequence;

	private final MappedByteBuffer buffer;

	private final int capacity;

	private final AtomicInteger next;

	private final boolean recovered;

	private final int firstCounter;

	private Segment(Path path, long sequence, MappedByteBuffer buffer, int capacity, boolean recovered,
			int firstCounter) {
		this.path = path;
		this.sequence = sequence;
		this.buffer = buffer;
		this.capacity = capacity;
		this.recovered = recovered;
		this.firstCounter = firstCounter;
		this.next = new AtomicInteger(recovered ? capacity : firstCounter);
	}

	/**
	 * Create and map a new segment file. Its space is reserved first, by writing it
	 * whole, so that a full disk fails here, with an {@link IOException}, and never
	 * later, when a counter is written through the mapping (which would crash the JVM). A
	 * segment that cannot be created leaves no file. Its header is written before it is
	 * used.
	 * @param path the file
	 * @param sequence its sequence number
	 * @param bytes its size, rounded down to whole entries, at least {@link #MIN_BYTES}
	 * @param io the file I/O
	 * @return the segment
	 * @throws IOException on failure
	 */
	static Segment create(Path path, long sequence, int bytes, LedgerIo io) throws IOException {
		if (bytes < MIN_BYTES) {
			throw new IllegalArgumentException("A segment of " + bytes + " bytes holds no counter");
		}
		int capacity = bytes / ENTRY_BYTES;
		long size = (long) capacity * ENTRY_BYTES;
		try {
			MappedByteBuffer buffer = Uninterruptibly.call(() -> {
				try (FileChannel channel = LedgerFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
						StandardOpenOption.TRUNCATE_EXISTING)) {
					reserve(path, channel, size, io);
					return channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
				}
			});
			buffer.putLong(0, MAGIC);
			buffer.putInt(VERSION, FORMAT_VERSION);
			return new Segment(path, sequence, buffer, capacity, false, 1);
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(path);
			throw ex;
		}
	}

	private static void reserve(Path path, FileChannel channel, long size, LedgerIo io) throws IOException {
		ByteBuffer zeros = ByteBuffer.allocate(RESERVE_CHUNK_BYTES);
		long reserved = 0;
		while (reserved < size) {
			zeros.clear().limit((int) Math.min(RESERVE_CHUNK_BYTES, size - reserved));
			reserved += io.write(path, channel, zeros);
		}
	}

	/**
	 * Map a segment file written by an earlier run; it is never appended to. A segment
	 * without a header is read as version 0, every slot a counter.
	 * @param path the file
	 * @param sequence its sequence number
	 * @return the segment
	 * @throws IOException on failure, or if the segment has a format version other than
	 * {@link #FORMAT_VERSION}
	 */
	static Segment open(Path path, long sequence) throws IOException {
		try (FileChannel channel = LedgerFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			int capacity = (int) (channel.size() / ENTRY_BYTES);
			MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) capacity * ENTRY_BYTES);
			boolean header = capacity > 0 && buffer.getLong(0) == MAGIC;
			if (header && buffer.getInt(VERSION) != FORMAT_VERSION) {
				throw new IOException("Usage ledger segment " + path + " has format version " + buffer.getInt(VERSION)
						+ ", which this version of the starter cannot read (it reads versions 0 and " + FORMAT_VERSION
						+ "); it was left untouched: open the ledger with the starter that wrote it");
			}
			return new Segment(path, sequence, buffer, capacity, true, header ? 1 : 0);
		}
	}

	/**
	 * Allocate a counter with quantity 0, if there is room.
	 * @param keyId the key
	 * @param hour the hour
	 * @return the counter, or {@code null} if the segment is full
	 */
	Counter allocate(int keyId, int hour) {
		int slot = this.next.getAndIncrement();
		if (slot >= this.capacity || slot < 0) {
			return null;
		}
		int offset = slot * ENTRY_BYTES;
		this.buffer.putInt(offset, keyId);
		this.buffer.putInt(offset + 4, hour);
		this.buffer.putLong(offset + HEADER_CHECK, headerCheck(keyId, hour));
		LONGS.setRelease(this.buffer, offset + COUNT, count(keyId, hour, 0));
		return new Counter(this, slot, keyId, hour);
	}

	private boolean add(int slot, int keyId, int hour, long quantity) {
		int offset = slot * ENTRY_BYTES + COUNT;
		while (true) {
			long count = (long) LONGS.getVolatile(this.buffer, offset);
			long held = count >>> CHECK_BITS;
			if (quantity > COUNTER_CAPACITY - held) {
				return false;
			}
			if (LONGS.compareAndSet(this.buffer, offset, count, count(keyId, hour, held + quantity))) {
				return true;
			}
		}
	}

	/**
	 * Visit the counters.
	 * @param visitor receives each counter, empty slot and damaged slot
	 */
	void scan(Visitor visitor) {
		int end = this.recovered ? this.capacity : Math.min(this.next.get(), this.capacity);
		for (int slot = this.firstCounter; slot < end; slot++) {
			int offset = slot * ENTRY_BYTES;
			long count = (long) LONGS.getAcquire(this.buffer, offset + COUNT);
			int keyId = this.buffer.getInt(offset);
			int hour = this.buffer.getInt(offset + 4);
			long header = this.buffer.getLong(offset + HEADER_CHECK);
			long quantity = count >>> CHECK_BITS;
			if (count == 0) {
				if (!visitor.empty(slot)) {
					return;
				}
			}
			else if (header != headerCheck(keyId, hour) || count != count(keyId, hour, quantity)) {
				if (!visitor.damaged(slot)) {
					return;
				}
			}
			else if (!visitor.entry(slot, keyId, hour, quantity)) {
				return;
			}
		}
	}

	/**
	 * Whether every entry is before an hour, so the segment is no longer needed. A slot
	 * of this run that is reserved but not written yet keeps it.
	 * @param openFrom the first open hour
	 * @return whether the segment can be deleted
	 */
	boolean isObsolete(int openFrom) {
		boolean[] obsolete = { true };
		scan(new Visitor() {

			@Override
			public boolean entry(int slot, int keyId, int hour, long quantity) {
				obsolete[0] = hour < openFrom;
				return obsolete[0];
			}

			@Override
			public boolean empty(int slot) {
				obsolete[0] = Segment.this.recovered;
				return obsolete[0];
			}

			@Override
			public boolean damaged(int slot) {
				obsolete[0] = false;
				return false;
			}

		});
		return obsolete[0];
	}

	/**
	 * Fault every page of a segment no writer uses yet, so that appending to it later
	 * does not pay for page faults (which cost more than the append itself). Each page is
	 * written with what it holds, so the header is kept.
	 */
	void prefault() {
		for (int offset = 0; offset < this.capacity * ENTRY_BYTES; offset += PAGE_BYTES) {
			this.buffer.put(offset, this.buffer.get(offset));
		}
	}

	void erase(int slot) {
		int offset = slot * ENTRY_BYTES;
		for (int i = 0; i < COUNT + 8; i += 8) {
			this.buffer.putLong(offset + i, 0);
		}
	}

	void force() {
		this.buffer.force();
	}

	Path path() {
		return this.path;
	}

	long sequence() {
		return this.sequence;
	}

	private static long headerCheck(int keyId, int hour) {
		return mix((((long) keyId) << 32 | (hour & 0xFFFF_FFFFL)) ^ 0x9E37_79B9_7F4A_7C15L);
	}

	/** The count word; never 0, which is an unwritten count. */
	private static long count(int keyId, int hour, long quantity) {
		long check = mix(headerCheck(keyId, hour) ^ mix(quantity ^ 0xC2B2_AE3D_27D4_EB4FL)) & CHECK_MASK;
		return quantity << CHECK_BITS | ((check != 0) ? check : 1);
	}

	private static long mix(long value) {
		long mixed = (value ^ (value >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
		mixed = (mixed ^ (mixed >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
		return mixed ^ (mixed >>> 33);
	}

	/**
	 * A counter of a segment.
	 *
	 * @param segment the segment
	 * @param slot its slot
	 * @param keyId its key
	 * @param hour its hour
	 */
	record Counter(Segment segment, int slot, int keyId, int hour) {

		/**
		 * Add a quantity, if the counter can still hold all of it (up to
		 * {@link #COUNTER_CAPACITY}); a record is never split between counters.
		 * @param quantity the quantity to add
		 * @return whether it was added
		 */
		boolean add(long quantity) {
			return this.segment.add(this.slot, this.keyId, this.hour, quantity);
		}

	}

	/**
	 * Receives the slots of a {@link #scan}; each method returns whether to go on.
	 */
	interface Visitor {

		boolean entry(int slot, int keyId, int hour, long quantity);

		boolean empty(int slot);

		boolean damaged(int slot);

	}

}
