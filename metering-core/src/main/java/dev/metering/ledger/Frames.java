package dev.metering.ledger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing of the ledger's small record files (keys and state journal): each record is
 * {@code [int length][int crc32c][payload]} with a payload of at least one byte, so a
 * torn or damaged record is detected.
 *
 * @author metering-spring-boot
 */
final class Frames {

	static final int HEADER_BYTES = 8;

	private static final int MAX_PAYLOAD = 64 * 1024 * 1024;

	private Frames() {
	}

	static ByteBuffer frame(byte[] payload) {
		ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
		buffer.putInt(payload.length).putInt(crc(payload, 0, payload.length)).put(payload).flip();
		return buffer;
	}

	/**
	 * Read the whole records of a file's content. Damage (a torn or corrupted record) is
	 * skipped, and the records after it are found again and kept: a record is where a
	 * header's length fits and its checksum matches.
	 * @param content the content
	 * @return the records, and where damage starts
	 */
	static Read read(byte[] content) {
		List<Frame> frames = new ArrayList<>();
		int firstDamage = -1;
		int position = 0;
		while (position < content.length) {
			int length = payloadLengthAt(content, position);
			if (length >= 0) {
				int start = position + HEADER_BYTES;
				frames.add(new Frame(position, Arrays.copyOfRange(content, start, start + length)));
				position = start + length;
			}
			else {
				if (firstDamage < 0) {
					firstDamage = position;
				}
				position++;
			}
		}
		return new Read(frames, firstDamage);
	}

	/**
	 * Return the payload length of a whole record starting at a position, or -1.
	 */
	private static int payloadLengthAt(byte[] content, int position) {
		if (content.length - position < HEADER_BYTES) {
			return -1;
		}
		ByteBuffer header = ByteBuffer.wrap(content, position, HEADER_BYTES);
		int length = header.getInt();
		int crc = header.getInt();
		if (length <= 0 || length > MAX_PAYLOAD || length > content.length - position - HEADER_BYTES) {
			return -1;
		}
		return (crc(content, position + HEADER_BYTES, length) == crc) ? length : -1;
	}

	private static int crc(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	/**
	 * A whole record of a file.
	 *
	 * @param offset where it starts
	 * @param payload its payload
	 */
	record Frame(int offset, byte[] payload) {

	}

	/**
	 * The whole records of a file.
	 *
	 * @param frames the records, in order
	 * @param firstDamage the offset where the first damage starts, or -1 if none
	 */
	record Read(List<Frame> frames, int firstDamage) {

	}

}
