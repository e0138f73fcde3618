package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counters of a {@link Segment}.
 *
 * @author metering-spring-boot
 */
class SegmentTests {

	@TempDir
	Path directory;

	@Test
	void aCounterTakesARecordWholeOrNotAtAll() throws IOException {
		Segment segment = Segment.create(this.directory.resolve("segment-000000000001.log"), 1, 4 * Segment.ENTRY_BYTES,
				LedgerIo.DIRECT);
		Segment.Counter counter = segment.allocate(7, 100);
		assertThat(counter.add(Segment.COUNTER_CAPACITY - 1)).isTrue();
		assertThat(counter.add(5)).isFalse();
		assertThat(counter.add(1)).isTrue();
		assertThat(counter.add(1)).isFalse();
		assertThat(counters(segment)).containsExactly("7@100=" + Segment.COUNTER_CAPACITY);
	}

	@Test
	void aNewSegmentStartsWithAHeaderOfTheMagicAndTheFormatVersionThatPrefaultingKeeps() throws IOException {
		Path file = this.directory.resolve("segment-000000000001.log");
		Segment segment = Segment.create(file, 1, 3 * Segment.ENTRY_BYTES, LedgerIo.DIRECT);
		segment.prefault();
		segment.allocate(7, 100).add(2);
		segment.force();
		ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(file));
		assertThat(content.getLong(0)).isEqualTo(Segment.MAGIC);
		assertThat(content.getInt(8)).isEqualTo(Segment.FORMAT_VERSION);
		assertThat(content.getInt(Segment.ENTRY_BYTES)).as("the first counter's key").isEqualTo(7);
		assertThat(counters(Segment.open(file, 1))).containsExactly("7@100=2", "empty");
	}

	@Test
	void anAllocatedCounterReadsAsAnEntryOfZeroAndAFullSegmentAllocatesNothing() throws IOException {
		Segment segment = Segment.create(this.directory.resolve("segment-000000000001.log"), 1, 3 * Segment.ENTRY_BYTES,
				LedgerIo.DIRECT);
		segment.allocate(1, 100);
		segment.allocate(2, 100).add(3);
		assertThat(segment.allocate(3, 100)).isNull();
		assertThat(counters(segment)).containsExactly("1@100=0", "2@100=3");
	}

	private static List<String> counters(Segment segment) {
		List<String> counters = new ArrayList<>();
		segment.scan(new Segment.Visitor() {

			@Override
			public boolean entry(int slot, int keyId, int hour, long quantity) {
				counters.add(keyId + "@" + hour + "=" + quantity);
				return true;
			}

			@Override
			public boolean empty(int slot) {
				counters.add("empty");
				return true;
			}

			@Override
			public boolean damaged(int slot) {
				counters.add("damaged");
				return true;
			}

		});
		return counters;
	}

}
