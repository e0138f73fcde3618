package dev.metering.emulator;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the standalone jar as a child process and checks it with clients we did not write:
 * boto3 and the AWS CLI ({@code src/test/python}). Needs {@code python3} with boto3 and
 * {@code aws} on the PATH. Run by maven-failsafe after {@code package}.
 */
class EmulatorConformanceIT {

	private static final Pattern URL = Pattern.compile("(http://[^\\s]+)");

	private static final String LICENSE = "arn:aws:license-manager::123456789012:license:l-conf0license0001";

	private static Process emulator;

	private static final StringBuffer emulatorOutput = new StringBuffer();

	private static String endpoint;

	@BeforeAll
	static void startStandaloneJar() throws Exception {
		CompletableFuture<String> bound = new CompletableFuture<>();
		emulator = new ProcessBuilder(command("--port", "0", "--product", "conf-product:scans,users", "--customer",
				"cust-1", "--customer", "111122223333", "--registration-token", "reg-ok,cust-1,111122223333",
				"--license-product", "conf-license:scans", "--customer", "444455556666", "--license-token",
				"reg-license,444455556666," + LICENSE, "--expired-token", "reg-old"))
			.redirectErrorStream(true)
			.start();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					emulatorOutput.append(line).append('\n');
					Matcher matcher = URL.matcher(line);
					if (!bound.isDone() && matcher.find()) {
						bound.complete(matcher.group(1));
					}
				}
			}
			catch (IOException ex) {
				bound.completeExceptionally(ex);
			}
			bound.completeExceptionally(new IllegalStateException("The emulator ended before printing its URL"));
		}, "emulator-stdout");
		reader.setDaemon(true);
		reader.start();
		try {
			endpoint = bound.get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("The standalone emulator did not start:\n" + emulatorOutput, ex);
		}
	}

	@AfterAll
	static void stopStandaloneJar() throws InterruptedException {
		if (emulator != null) {
			emulator.destroy();
			if (!emulator.waitFor(10, TimeUnit.SECONDS)) {
				emulator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void printsALoopbackUrl() {
		assertThat(endpoint).startsWith("http://127.0.0.1:");
		assertThat(emulatorOutput.toString()).contains("Metering emulator listening on " + endpoint);
	}

	@Test
	void boto3Conformance() throws Exception {
		runScript("conformance_boto3.py");
	}

	@Test
	void awsCliConformance() throws Exception {
		runScript("conformance_awscli.py");
	}

	@Test
	void helpExitsZeroAndBadArgumentsExitTwo() throws Exception {
		Result help = run(command("--help"));
		assertThat(help.exitCode()).as(help.output()).isZero();
		assertThat(help.output()).contains("Usage:", "--port");
		Result bad = run(command("--throttle-rate", "2"));
		assertThat(bad.exitCode()).as(bad.output()).isEqualTo(2);
		assertThat(bad.output()).contains("--throttle-rate");
	}

	private static void runScript(String name) throws Exception {
		Path script = moduleDirectory().resolve("src/test/python").resolve(name);
		Result result = run(List.of("python3", script.toString(), endpoint));
		assertThat(result.exitCode())
			.as("%s exited %d:%n%s%nemulator output:%n%s", name, result.exitCode(), result.output(), emulatorOutput)
			.isZero();
	}

	private static Result run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
			try {
				return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return "(could not read output: " + ex + ")";
			}
		});
		if (!process.waitFor(300, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError(command + " did not finish in 300 s");
		}
		return new Result(process.exitValue(), output.get(30, TimeUnit.SECONDS));
	}

	private static List<String> command(String... args) throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-jar", jar().toString()));
		command.addAll(List.of(args));
		return command;
	}

	private static Path jar() throws IOException {
		String configured = System.getProperty("emulator.jar");
		if (configured != null && new File(configured).isFile()) {
			return Paths.get(configured);
		}
		try (Stream<Path> files = Files.list(moduleDirectory().resolve("target"))) {
			return files.filter((file) -> file.getFileName().toString().matches("metering-emulator-.*\\.jar"))
				.filter((file) -> !file.getFileName().toString().endsWith("-sources.jar"))
				.findFirst()
				.orElseThrow(
						() -> new IllegalStateException("No metering-emulator jar in target: run the package phase"));
		}
	}

	private static Path moduleDirectory() {
		return Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
	}

	private record Result(int exitCode, String output) {
	}

}
