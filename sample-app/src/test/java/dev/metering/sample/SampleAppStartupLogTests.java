package dev.metering.sample;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that adds the starter starts without a WARN of its own making: the
 * metering beans are not created while Spring registers its bean post-processors (the
 * Actuator's meter registry post-processor among them), which Spring reports as "not
 * eligible for getting processed by all BeanPostProcessors".
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleAppStartupLogTests {

	@TempDir
	Path ledgerDirectory;

	@Test
	void startsWithNoMeteringBeanCreatedBeforeThePostProcessors(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, "--server.port=0",
				"--management.server.port=0", "--aws.marketplace.metering.ledger.directory=" + this.ledgerDirectory)) {
			assertThat(context.isRunning()).isTrue();
		}
		assertThat(output).doesNotContain("not eligible for getting processed by all BeanPostProcessors");
	}

}
