package dev.metering.autoconfigure;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metering.ledger.CrashingRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a {@code kill -9}, the restarted application says in one INFO line what the
 * ledger recovered.
 */
@ExtendWith(OutputCaptureExtension.class)
class LedgerRecoveryLineTests {

	private static final Pattern RECOVERY_LINE = Pattern.compile("INFO .* Usage ledger opened in (\\S+): recovered "
			+ "(\\d+) open hour\\(s\\) and (\\d+) pending report\\(s\\) holding (\\d+) unit\\(s\\) "
			+ "not yet confirmed by AWS; nothing damaged");

	@TempDir
	Path temp;

	private ApplicationContextRunner contextRunner(Path ledger) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MeteringLedgerAutoConfiguration.class))
			.withPropertyValues("aws.marketplace.metering.product-code=prod-1",
					"aws.marketplace.metering.reporting-identity=pod-a",
					"aws.marketplace.metering.ledger.directory=" + ledger);
	}

	@Test
	void aRestartAfterKillMinus9SaysWhatWasRecovered(CapturedOutput output) throws Exception {
		Path ledger = this.temp.resolve("ledger");
		long acknowledged = recordUntilKilled(ledger);
		this.contextRunner(ledger).run((context) -> assertThat(context).hasNotFailed());
		Matcher line = RECOVERY_LINE.matcher(output.getOut());
		assertThat(line.find()).as("one recovery line in %s", output.getOut()).isTrue();
		assertThat(Path.of(line.group(1))).isEqualTo(ledger.toAbsolutePath());
		assertThat(line.group(2)).as("open hours").isEqualTo("1");
		assertThat(line.group(3)).as("pending reports").isEqualTo("0");
		assertThat(Long.parseLong(line.group(4))).as("units, after %s acknowledged", acknowledged)
			.isBetween(acknowledged, acknowledged + 1);
		assertThat(line.find()).as("a single line").isFalse();
	}

	@Test
	void aDamagedPartMovedAsideIsInTheLine(CapturedOutput output) throws Exception {
		Path ledger = this.temp.resolve("ledger");
		recordUntilKilled(ledger);
		Path segment = ledger.resolve("segment-000000000000.log");
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			// the quantity of the second counter (64-byte entries, quantity at +16)
			file.seek(64 + 16 + 3);
			file.write(0x7F);
		}
		this.contextRunner(ledger).run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getOut()).containsPattern("INFO .* Usage ledger opened in " + Pattern.quote(ledger.toString())
				+ ": recovered 1 open hour\\(s\\) and 0 pending report\\(s\\) holding \\d+ unit\\(s\\) not yet "
				+ "confirmed by AWS; 1 damaged part\\(s\\) moved aside: segment-000000000000.log at offset 64 \\(.+, copy in .+\\)");
	}

	@Test
	void aFirstStartSaysThereWasNothingToRecover(CapturedOutput output) {
		Path ledger = this.temp.resolve("new-ledger");
		this.contextRunner(ledger).run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getOut()).contains("Usage ledger opened in " + ledger.toAbsolutePath()
				+ ": recovered 0 open hour(s) and 0 pending report(s) holding 0 unit(s) not yet confirmed by AWS; "
				+ "nothing damaged");
	}

	/**
	 * Run a child JVM that records one unit at a time into the ledger, and kill it with
	 * SIGKILL once it acknowledged a few thousand.
	 * @return how many units the child acknowledged before it was killed
	 */
	private long recordUntilKilled(Path ledger) throws IOException, InterruptedException {
		Path childOutput = this.temp.resolve("child.out");
		Process child = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				CrashingRecorder.class.getName(), ledger.toString(), "1", "false", "4096")
			.redirectOutput(childOutput.toFile())
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		try {
			await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged(childOutput) >= 2_000 || !child.isAlive());
			assertThat(child.isAlive()).as("the child is still recording").isTrue();
		}
		finally {
			child.destroyForcibly();
			child.waitFor();
		}
		return acknowledged(childOutput);
	}

	private static long acknowledged(Path childOutput) throws IOException {
		return Files.readAllLines(childOutput, StandardCharsets.US_ASCII)
			.stream()
			.filter((line) -> line.matches("\\d+"))
			.mapToLong(Long::parseLong)
			.max()
			.orElse(0);
	}

	private static String javaCommand() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

}
