package dev.metering.core;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core is the library a plain Spring user takes and both Boot lines build on: its
 * main code never refers to Spring Boot. Checked on what was compiled, so it holds for
 * every source folder the build compiles into the core; the enforcer rule in the core's
 * pom keeps Spring Boot off its compile and runtime classpath.
 */
class CoreIsBootFreeTests {

	private static final byte[] BOOT_PACKAGE = "org/springframework/boot".getBytes(StandardCharsets.UTF_8);

	@Test
	void noCompiledCoreClassRefersToSpringBoot() throws IOException, URISyntaxException {
		Path classes = Path.of(MeteringTemplate.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<Path> compiled;
		try (Stream<Path> files = Files.walk(classes)) {
			compiled = files.filter((file) -> file.toString().endsWith(".class")).toList();
		}
		assertThat(compiled).as("classes compiled from the core's main code in %s", classes)
			.hasSizeGreaterThan(50)
			.allSatisfy((file) -> assertThat(indexOf(Files.readAllBytes(file), BOOT_PACKAGE))
				.as("%s refers to org.springframework.boot", classes.relativize(file))
				.isNegative());
	}

	private static int indexOf(byte[] content, byte[] part) {
		outer: for (int i = 0; i <= content.length - part.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (content[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
