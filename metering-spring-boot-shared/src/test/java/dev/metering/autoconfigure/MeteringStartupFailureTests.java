package dev.metering.autoconfigure;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each refusal at startup, as an operator reads it: the failure analysis registered in
 * {@code spring.factories} gives a Description and an Action.
 */
class MeteringStartupFailureTests {

	private static final String DIRECTORY = "aws.marketplace.metering.ledger.directory";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, MeteringLedgerAutoConfiguration.class,
				MeteredUsageAutoConfiguration.class))
		.withPropertyValues("aws.marketplace.metering.product-code=prod-abc123",
				"aws.marketplace.metering.dimensions=scans");

	@TempDir
	Path temp;

	@Test
	void aLedgerDirectoryThatIsAFileFailsOnTheLedgerBeanWithItsOwnCause() throws IOException {
		Path file = Files.createFile(this.temp.resolve("ledger"));
		this.contextRunner.withUserConfiguration(MeteredUsageAutoConfigurationTests.ScannerConfiguration.class)
			.withPropertyValues(DIRECTORY + "=" + file)
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(BeanCreationException.class);
				assertThat(((BeanCreationException) failure).getBeanName()).as("the first cause is the ledger's")
					.isEqualTo("usageLedger");
				assertThat(causes(failure)).as("not a side effect of sorting advisors")
					.noneMatch((message) -> message.contains("Advisor sorting"));
				FailureAnalysis analysis = analyze(failure);
				assertThat(analysis.getDescription()).isEqualTo("The usage ledger directory " + file
						+ " (aws.marketplace.metering.ledger.directory) is a file, not a directory.");
				assertThat(analysis.getAction()).startsWith("Set " + DIRECTORY + " to a directory")
					.endsWith("or remove the file " + file + ".");
			});
	}

	@Test
	void aLedgerDirectoryThatCannotBeWrittenSaysWhoNeedsAccess() {
		Path directory = this.temp.resolve("read-only");
		LedgerDirectoryException refused = new LedgerDirectoryException(directory,
				new AccessDeniedException(directory.resolve(".lock").toString()));
		FailureAnalysis analysis = analyze(new BeanCreationException("usageLedger", "Instantiation failed", refused));
		assertThat(analysis.getDescription()).isEqualTo("The usage ledger directory " + directory
				+ " (aws.marketplace.metering.ledger.directory) cannot be written by the application: access to "
				+ directory.resolve(".lock") + " was denied.");
		assertThat(analysis.getAction())
			.startsWith("Give the user the application runs as write access to " + directory)
			.endsWith("or set " + DIRECTORY + " to a directory it can write.");
		assertThat(analysis.getCause()).isSameAs(refused);
	}

	@Test
	void anUnknownMeteredUsageDimensionNamesTheMethodAndTheProperty() {
		this.contextRunner.withUserConfiguration(MeteredUsageAutoConfigurationTests.BadScannerConfiguration.class)
			.withPropertyValues("aws.marketplace.metering.ledger.type=memory")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).startsWith("A @MeteredUsage annotation cannot be applied: ")
					.contains("BadScanner.scan", "\"pages\"", "must be one of the configured dimensions [scans]");
				assertThat(analysis.getAction())
					.startsWith("Use one of the dimensions in aws.marketplace.metering.dimensions on that method.")
					.contains("add its API name to aws.marketplace.metering.dimensions");
			});
	}

	private static List<String> causes(Throwable failure) {
		return Stream.iterate(failure, Objects::nonNull, Throwable::getCause).map(String::valueOf).toList();
	}

	private static FailureAnalysis analyze(Throwable failure) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, ex) -> {
			}));
		return analyzers.stream()
			.filter((analyzer) -> analyzer.getClass().getPackageName().startsWith("dev.metering"))
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no metering failure analyzer explains " + failure));
	}

}
