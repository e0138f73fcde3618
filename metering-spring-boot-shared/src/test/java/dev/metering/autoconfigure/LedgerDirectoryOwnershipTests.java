package dev.metering.autoconfigure;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.metering.core.UsageCapture;
import dev.metering.ledger.LedgerDirectoryInUseException;
import dev.metering.ledger.UsageLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner per ledger directory, in one JVM and across JVMs: a second application
 * context in this JVM is refused without dropping the first one's file lock, so that a
 * second JVM ({@link LedgerDirectoryOwnerChild}) is refused too while the first context
 * runs, and starts once it stopped.
 */
class LedgerDirectoryOwnershipTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeteringLedgerAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.dimensions=scans");

	@Test
	void aDirectoryHasOneOwnerInThisJvmAndAcrossJvms() throws Exception {
		Path ledger = this.directory.resolve("ledger");
		ApplicationContextRunner onLedger = this.contextRunner
			.withPropertyValues("aws.marketplace.metering.ledger.directory=" + ledger);
		onLedger.run((first) -> {
			assertThat(first).hasNotFailed();
			onLedger.withPropertyValues("aws.marketplace.metering.reporting-identity=second").run((second) -> {
				assertThat(second).hasFailed();
				LedgerDirectoryInUseException refused = inUse(second.getStartupFailure());
				assertThat(refused.getHolder()).isEqualTo(LedgerDirectoryInUseException.Holder.THIS_JVM);
				FailureAnalysis analysis = new LedgerDirectoryInUseFailureAnalyzer()
					.analyze(second.getStartupFailure());
				assertThat(analysis.getDescription()).contains(ledger.toRealPath().toString(),
						"another ledger in this JVM (a second application context?)");
				assertThat(analysis.getAction()).contains("aws.marketplace.metering.ledger.type=memory",
						"temporary directory");
			});
			first.getBean(UsageCapture.class).record("scans", 2, null, null);

			ChildRun refused = runChild(ledger, "refused");
			assertThat(refused.line()).as(refused.log()).isEqualTo("REFUSED ANOTHER_PROCESS");
			assertThat(refused.log()).contains("in use by another process", "stop it first",
					"aws.marketplace.metering.ledger.type=memory");
			assertThat(first.getBean(UsageLedger.class).view().openUsage()).singleElement()
				.satisfies((usage) -> assertThat(usage.quantity()).isEqualTo(2));
		});

		ChildRun started = runChild(ledger, "started");
		assertThat(started.line()).as(started.log()).isEqualTo("STARTED");
	}

	private static LedgerDirectoryInUseException inUse(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof LedgerDirectoryInUseException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("startup failure caused by LedgerDirectoryInUseException").isNotNull();
		return (LedgerDirectoryInUseException) cause;
	}

	private ChildRun runChild(Path ledger, String name) throws IOException, InterruptedException {
		String java = ProcessHandle.current().info().command().orElse("java");
		Path log = this.directory.resolve("child-" + name + ".log");
		Path out = this.directory.resolve("child-" + name + ".out");
		Process process = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), LedgerDirectoryOwnerChild.class.getName(), ledger.toString()))
			.redirectOutput(out.toFile())
			.redirectError(Redirect.to(log.toFile()))
			.start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("child JVM ended").isTrue();
		String logText = Files.readString(log, StandardCharsets.UTF_8);
		List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
		assertThat(lines).as(logText).hasSize(1);
		return new ChildRun(lines.get(0), logText);
	}

	private record ChildRun(String line, String log) {
	}

}
