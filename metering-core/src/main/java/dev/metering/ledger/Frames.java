package dev.metering.ledger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing of the ledger's small record files (keys and state journal): each record is
 * {@code [int length][int crc32c][payload]}, so a torn or damaged record is detected.
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
	 * Read the records of a file's content up to the first damaged one.
	 * @param content the content
	 * @return the records, and the offset where damage starts (or the length)
	 */
	static Read read(byte[] content) {
		List<byte[]> payloads = new ArrayList<>();
		ByteBuffer buffer = ByteBuffer.wrap(content);
		while (buffer.remaining() >= HEADER_BYTES) {
			int start = buffer.position();
			int length = buffer.getInt();
			int crc = buffer.getInt();
			if (length < 0 || length > MAX_PAYLOAD || length > buffer.remaining()
					|| crc(content, buffer.position(), length) != crc) {
				return new Read(payloads, start);
			}
			byte[] payload = new byte[length];
			buffer.get(payload);
			payloads.add(payload);
		}
		return new Read(payloads, content.length - buffer.remaining());
	}

	private static int crc(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	/**
	 * The valid records of a file.
	 *
	 * @param payloads the payloads, in order
	 * @param validLength the length of the valid prefix; damage starts there
	 */
	record Read(List<byte[]> payloads, int validLength) {

	}

}
