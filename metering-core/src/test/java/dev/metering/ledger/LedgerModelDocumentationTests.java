package dev.metering.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger's model is said once in its {@code package-info.java} and again, the same
 * words, in the README's "The usage ledger" section. Paths are relative to the module
 * directory, {@code metering-core} or {@code metering-core-spring7}.
 */
class LedgerModelDocumentationTests {

	private static final String FIRST_WORDS = "A record goes into the in-heap";

	@Test
	void theReadmeSaysTheLedgersModelInTheWordsOfItsPackageInfo() throws IOException {
		String packageInfo = Files
			.readString(Path.of("../metering-core/src/main/java/dev/metering/ledger/package-info.java"));
		String javadoc = packageInfo.substring(packageInfo.indexOf(FIRST_WORDS),
				packageInfo.indexOf(" * <p>", packageInfo.indexOf(FIRST_WORDS)));
		String model = normalized(javadoc.replaceAll("(?m)^ \\* ?", "").replaceAll("\\{@code ([^}]*)}", "`$1`"));
		String readme = Files.readString(Path.of("../README.md"));
		String section = readme.substring(readme.indexOf("### The usage ledger"));
		Matcher paragraph = Pattern.compile(Pattern.quote(FIRST_WORDS) + "[^\\n]*(\\n[^\\n]+)*").matcher(section);
		assertThat(paragraph.find()).as("the model paragraph in the README's ledger section").isTrue();
		assertThat(normalized(paragraph.group())).isEqualTo(model);
	}

	private static String normalized(String text) {
		return text.replaceAll("\\s+", " ").trim();
	}

}
