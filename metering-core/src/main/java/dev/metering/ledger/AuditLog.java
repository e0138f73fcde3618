package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The append-only {@code audit.log}: one tab-separated line per final report compacted
 * out of the ledger (hour, dimension, customer, license, quantity, state, record id or
 * reason), so that what was billed stays traceable after the ledger forgot it. An append
 * that fails is cut back, so the log holds whole lines only; an append takes its space
 * from the ledger's {@link SpaceReserve} first.
 *
 * @author metering-spring-boot
 */
final class AuditLog implements Closeable {

	private final LedgerChannel channel;

	private final SpaceReserve reserve;

	private long length;

	AuditLog(Path file, LedgerIo io, SpaceReserve reserve) throws IOException {
		this.channel = new LedgerChannel(file, io);
		this.reserve = reserve;
		this.length = Files.size(file);
	}

	/**
	 * Append a line per report and force them to disk.
	 * @param reports the reports
	 * @throws IOException on failure
	 */
	synchronized void append(List<UsageReport> reports) throws IOException {
		StringBuilder lines = new StringBuilder();
		for (UsageReport report : reports) {
			lines.append(report.hour())
				.append('\t')
				.append(report.dimension())
				.append('\t')
				.append((report.customer() != null) ? report.customer() : "-")
				.append('\t')
				.append((report.license() != null) ? report.license() : "-")
				.append('\t')
				.append(report.quantity())
				.append('\t')
				.append(report.state())
				.append('\t')
				.append((report.state() == ReportState.REPORTED) ? report.meteringRecordId() : report.reason())
				.append('\n');
		}
		ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
		long start = this.length;
		this.reserve.append(start, bytes.limit(), () -> this.channel.run((channel) -> {
			if (channel.size() != start) {
				channel.truncate(start);
			}
			bytes.rewind();
			this.channel.io().writeFully(this.channel.path(), channel, bytes);
			return null;
		}));
		this.channel.force();
		this.length = start + bytes.limit();
	}

	@Override
	public synchronized void close() throws IOException {
		this.channel.close();
	}

}
