package dev.metering.ledger;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One memory-mapped file of fixed-size usage entries. A writer reserves a slot with an
 * atomic counter and writes its entry there; the page cache keeps it when the process is
 * killed. Each entry is {@value #ENTRY_BYTES} bytes: {@code int keyId, int hour,
 * long quantity, long check}, where the check is a hash of the other fields, so a torn or
 * damaged entry is detected and an unwritten (all-zero) slot is never mistaken for one.
 *
 * @author metering-spring-boot
 */
final class Segment {

	static final int ENTRY_BYTES = 24;

	private static final int PAGE_BYTES = 4096;

	private final Path path;

	private final long sequence;

	private final MappedByteBuffer buffer;

	private final int capacity;

	private final AtomicInteger next;

	private final boolean recovered;

	private Segment(Path path, long sequence, MappedByteBuffer buffer, int capacity, boolean recovered) {
		this.path = path;
		this.sequence = sequence;
		this.buffer = buffer;
		this.capacity = capacity;
		this.recovered = recovered;
		this.next = new AtomicInteger(recovered ? capacity : 0);
	}

	/**
	 * Create and map a new segment file.
	 * @param path the file
	 * @param sequence its sequence number
	 * @param bytes its size, rounded down to whole entries
	 * @return the segment
	 * @throws IOException on failure
	 */
	static Segment create(Path path, long sequence, int bytes) throws IOException {
		int capacity = bytes / ENTRY_BYTES;
		try (FileChannel channel = LedgerFiles.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) capacity * ENTRY_BYTES);
			return new Segment(path, sequence, buffer, capacity, false);
		}
	}

	/**
	 * Map a segment file written by an earlier run; it is never appended to.
	 * @param path the file
	 * @param sequence its sequence number
	 * @return the segment
	 * @throws IOException on failure
	 */
	static Segment open(Path path, long sequence) throws IOException {
		try (FileChannel channel = LedgerFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			int capacity = (int) (channel.size() / ENTRY_BYTES);
			MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) capacity * ENTRY_BYTES);
			return new Segment(path, sequence, buffer, capacity, true);
		}
	}

	/**
	 * Append an entry, if there is room.
	 * @return {@code false} if the segment is full
	 */
	boolean append(int keyId, int hour, long quantity) {
		int slot = this.next.getAndIncrement();
		if (slot >= this.capacity || slot < 0) {
			return false;
		}
		int offset = slot * ENTRY_BYTES;
		this.buffer.putInt(offset, keyId);
		this.buffer.putInt(offset + 4, hour);
		this.buffer.putLong(offset + 8, quantity);
		this.buffer.putLong(offset + 16, check(keyId, hour, quantity));
		return true;
	}

	/**
	 * Visit the entries; zero slots are skipped.
	 * @param visitor receives each valid and each damaged entry
	 */
	void scan(Visitor visitor) {
		int end = this.recovered ? this.capacity : Math.min(this.next.get(), this.capacity);
		for (int slot = 0; slot < end; slot++) {
			int offset = slot * ENTRY_BYTES;
			int keyId = this.buffer.getInt(offset);
			int hour = this.buffer.getInt(offset + 4);
			long quantity = this.buffer.getLong(offset + 8);
			long check = this.buffer.getLong(offset + 16);
			if (keyId == 0 && hour == 0 && quantity == 0 && check == 0) {
				if (!visitor.empty(slot)) {
					return;
				}
			}
			else if (check != check(keyId, hour, quantity)) {
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
	 * does not pay for page faults (which cost more than the append itself).
	 */
	void prefault() {
		for (int offset = 0; offset < this.capacity * ENTRY_BYTES; offset += PAGE_BYTES) {
			this.buffer.put(offset, (byte) 0);
		}
	}

	void erase(int slot) {
		int offset = slot * ENTRY_BYTES;
		for (int i = 0; i < ENTRY_BYTES; i += 8) {
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

	private static long check(int keyId, int hour, long quantity) {
		long hash = mix((((long) keyId) << 32 | (hour & 0xFFFF_FFFFL)) ^ 0x9E37_79B9_7F4A_7C15L);
		return mix(hash ^ mix(quantity ^ 0xC2B2_AE3D_27D4_EB4FL));
	}

	private static long mix(long value) {
		long mixed = (value ^ (value >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
		mixed = (mixed ^ (mixed >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
		return mixed ^ (mixed >>> 33);
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
