package dev.metering.autoconfigure;

import java.io.PrintStream;

import dev.metering.core.UsageCapture;
import dev.metering.ledger.LedgerDirectoryInUseException;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The second JVM of {@link LedgerDirectoryOwnershipTests}: a Spring Boot application with
 * the file ledger on the directory given as the only argument. It records one unit and
 * prints {@code STARTED}, or prints {@code REFUSED <holder>} when the ledger directory is
 * held by someone else; Spring Boot logs the failure analysis to stderr.
 */
public final class LedgerDirectoryOwnerChild {

	private LedgerDirectoryOwnerChild() {
	}

	public static void main(String[] args) {
		PrintStream out = System.out;
		System.setOut(System.err);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ChildApplication.class)
			.web(WebApplicationType.NONE)
			.run("--aws.marketplace.metering.product-code=prod-abc123", "--aws.marketplace.metering.dimensions=scans",
					"--aws.marketplace.metering.ledger.directory=" + args[0])) {
			context.getBean(UsageCapture.class).record("scans", 1, null, null);
			out.println("STARTED");
		}
		catch (RuntimeException ex) {
			Throwable cause = ex;
			while (cause != null && !(cause instanceof LedgerDirectoryInUseException)) {
				cause = cause.getCause();
			}
			out.println("REFUSED "
					+ ((cause != null) ? ((LedgerDirectoryInUseException) cause).getHolder() : ex.toString()));
		}
		out.flush();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(MeteringLedgerAutoConfiguration.class)
	static class ChildApplication {

	}

}
