package dev.metering.ledger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The binary payloads of the state journal and the key file. A report is stored whole, so
 * that its request can be rebuilt identically after any restart.
 * <p>
 * Format versions: version 1 (before licenses) has record types 1..3 and keys without a
 * license; version 2 has record types 4..6, whose reports and keys hold the license, and
 * keys whose payload ends with the license; version 3 has record types 7..9, whose
 * reports end with the time they were settled. Version 3 is written; all are read,
 * version 1 with no license, so a ledger written before licenses recovers in the legacy
 * shape, and versions 1 and 2 with no settling time.
 *
 * @author metering-spring-boot
 */
final class JournalCodec {

	private static final byte SEALED_V1 = 1;

	private static final byte TRANSITIONED_V1 = 2;

	private static final byte SNAPSHOT_V1 = 3;

	private static final byte SEALED_V2 = 4;

	private static final byte TRANSITIONED_V2 = 5;

	private static final byte SNAPSHOT_V2 = 6;

	private static final byte SEALED = 7;

	private static final byte TRANSITIONED = 8;

	private static final byte SNAPSHOT = 9;

	private static final long NOT_SETTLED = Long.MIN_VALUE;

	private static final int NOT_SEALED = Integer.MIN_VALUE;

	private JournalCodec() {
	}

	static byte[] encode(LedgerEvent event) {
		return write((out) -> {
			if (event instanceof LedgerEvent.Sealed sealed) {
				out.writeByte(SEALED);
				out.writeInt(sealed.openFrom());
				writeReports(out, sealed.reports());
				writeCarries(out, sealed.carries());
			}
			else if (event instanceof LedgerEvent.Transitioned transitioned) {
				out.writeByte(TRANSITIONED);
				writeReports(out, List.of(transitioned.report()));
				writeCarries(out, transitioned.carries());
			}
		});
	}

	static byte[] encode(Snapshot snapshot) {
		return write((out) -> {
			out.writeByte(SNAPSHOT);
			out.writeInt((snapshot.openFrom() != null) ? snapshot.openFrom() : NOT_SEALED);
			writeReports(out, snapshot.reports());
			writeCarries(out, snapshot.carries());
		});
	}

	/**
	 * Decode a journal record.
	 * @param payload the payload
	 * @return a {@link LedgerEvent} or a {@link Snapshot}
	 * @throws IOException if the payload is not a journal record
	 */
	static Object decode(byte[] payload) throws IOException {
		DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
		byte type = in.readByte();
		int version = (type - 1) / 3 + 1;
		boolean licensed = version >= 2;
		switch (type) {
			case SEALED_V1, SEALED_V2, SEALED:
				return new LedgerEvent.Sealed(in.readInt(), readReports(in, version), readCarries(in, licensed));
			case TRANSITIONED_V1, TRANSITIONED_V2, TRANSITIONED:
				return new LedgerEvent.Transitioned(readReports(in, version).get(0), readCarries(in, licensed));
			case SNAPSHOT_V1, SNAPSHOT_V2, SNAPSHOT:
				int openFrom = in.readInt();
				return new Snapshot((openFrom != NOT_SEALED) ? openFrom : null, readReports(in, version),
						readCarries(in, licensed));
			default:
				throw new IOException("Unknown journal record type " + type);
		}
	}

	static byte[] encodeKey(KeyRef ref) {
		return write((out) -> {
			out.writeInt(ref.id());
			writeKey(out, ref.key());
		});
	}

	static KeyRef decodeKey(byte[] payload) throws IOException {
		DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
		int id = in.readInt();
		UsageKey key = readKey(in, false);
		if (in.available() == 0) {
			// version 1: the key ends after the tags
			return new KeyRef(id, key);
		}
		return new KeyRef(id, new UsageKey(key.dimension(), key.customer(), readString(in), key.tags()));
	}

	private static byte[] write(Writer writer) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			DataOutputStream out = new DataOutputStream(bytes);
			writer.write(out);
			out.flush();
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void writeReports(DataOutputStream out, List<UsageReport> reports) throws IOException {
		out.writeInt(reports.size());
		for (UsageReport report : reports) {
			writeString(out, report.id());
			out.writeLong(report.hour().getEpochSecond());
			writeString(out, report.dimension());
			writeString(out, report.customer());
			writeString(out, report.license());
			out.writeLong(report.quantity());
			out.writeInt(report.allocations().size());
			for (Allocation allocation : report.allocations()) {
				writeTags(out, allocation.tags());
				out.writeLong(allocation.quantity());
			}
			writeString(out, report.clientToken());
			out.writeByte(report.state().ordinal());
			writeString(out, report.meteringRecordId());
			writeString(out, report.reason());
			out.writeLong((report.settledAt() != null) ? report.settledAt().toEpochMilli() : NOT_SETTLED);
		}
	}

	private static List<UsageReport> readReports(DataInputStream in, int version) throws IOException {
		boolean licensed = version >= 2;
		int count = in.readInt();
		List<UsageReport> reports = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String id = readString(in);
			Instant hour = Instant.ofEpochSecond(in.readLong());
			String dimension = readString(in);
			String customer = readString(in);
			String license = licensed ? readString(in) : null;
			long quantity = in.readLong();
			int allocationCount = in.readInt();
			List<Allocation> allocations = new ArrayList<>(allocationCount);
			for (int a = 0; a < allocationCount; a++) {
				allocations.add(new Allocation(readTags(in), in.readLong()));
			}
			String clientToken = readString(in);
			ReportState state = ReportState.values()[in.readByte()];
			String meteringRecordId = readString(in);
			String reason = readString(in);
			long settledAt = (version >= 3) ? in.readLong() : NOT_SETTLED;
			reports.add(new UsageReport(id, hour, dimension, customer, license, quantity,
					Collections.unmodifiableList(allocations), clientToken, state, meteringRecordId, reason,
					(settledAt != NOT_SETTLED) ? Instant.ofEpochMilli(settledAt) : null));
		}
		return reports;
	}

	private static void writeCarries(DataOutputStream out, List<Carry> carries) throws IOException {
		out.writeInt(carries.size());
		for (Carry carry : carries) {
			writeKey(out, carry.key());
			out.writeInt(carry.hour());
			out.writeLong(carry.quantity());
		}
	}

	private static List<Carry> readCarries(DataInputStream in, boolean licensed) throws IOException {
		int count = in.readInt();
		List<Carry> carries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			carries.add(new Carry(readKey(in, licensed), in.readInt(), in.readLong()));
		}
		return carries;
	}

	private static void writeKey(DataOutputStream out, UsageKey key) throws IOException {
		writeString(out, key.dimension());
		writeString(out, key.customer());
		writeTags(out, key.tags());
		writeString(out, key.license());
	}

	private static UsageKey readKey(DataInputStream in, boolean licensed) throws IOException {
		String dimension = readString(in);
		String customer = readString(in);
		SortedMap<String, String> tags = readTags(in);
		return new UsageKey(dimension, customer, licensed ? readString(in) : null, tags);
	}

	private static void writeTags(DataOutputStream out, SortedMap<String, String> tags) throws IOException {
		out.writeInt(tags.size());
		for (var tag : tags.entrySet()) {
			writeString(out, tag.getKey());
			writeString(out, tag.getValue());
		}
	}

	private static SortedMap<String, String> readTags(DataInputStream in) throws IOException {
		int count = in.readInt();
		SortedMap<String, String> tags = new TreeMap<>();
		for (int i = 0; i < count; i++) {
			tags.put(readString(in), readString(in));
		}
		return Collections.unmodifiableSortedMap(tags);
	}

	private static void writeString(DataOutputStream out, String value) throws IOException {
		if (value == null) {
			out.writeInt(-1);
			return;
		}
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static String readString(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0) {
			return null;
		}
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	@FunctionalInterface
	private interface Writer {

		void write(DataOutputStream out) throws IOException;

	}

	/**
	 * The whole state of a rewritten journal.
	 *
	 * @param openFrom the first open hour, or {@code null} if never sealed
	 * @param reports the reports kept
	 * @param carries the carried quantities into hours still open
	 */
	record Snapshot(Integer openFrom, List<UsageReport> reports, List<Carry> carries) {

	}

}
