package dev.metering.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The append-only {@code audit.log}: one tab-separated line per final report compacted
 * out of the ledger (hour, dimension, customer, license, quantity, state, record id or
 * reason), so that what was billed stays traceable after the ledger forgot it.
 *
 * @author metering-spring-boot
 */
final class AuditLog implements Closeable {

	private final FileChannel channel;

	AuditLog(Path file) throws IOException {
		this.channel = LedgerFiles.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
	}

	/**
	 * Append a line per report and force them to disk.
	 * @param reports the reports
	 * @throws IOException on failure
	 */
	void append(List<UsageReport> reports) throws IOException {
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
		LedgerFiles.writeFully(this.channel, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
		this.channel.force(true);
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
