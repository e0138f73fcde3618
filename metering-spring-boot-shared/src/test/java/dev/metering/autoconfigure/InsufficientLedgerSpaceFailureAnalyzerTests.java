package dev.metering.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;

import dev.metering.ledger.InsufficientLedgerSpaceException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InsufficientLedgerSpaceFailureAnalyzer}.
 */
class InsufficientLedgerSpaceFailureAnalyzerTests {

	@Test
	void namesTheDirectoryItsFreeSpaceAndWhatTheLedgerNeeds() {
		InsufficientLedgerSpaceException failure = new InsufficientLedgerSpaceException(Path.of("/data/ledger"),
				1_048_576, 33_554_432, new IOException("No space left on device"));
		FailureAnalysis analysis = new InsufficientLedgerSpaceFailureAnalyzer()
			.analyze(new BeanCreationException("usageLedger", "Init failed", failure));
		assertThat(analysis.getDescription()).isEqualTo("The AWS Marketplace usage ledger cannot start: its directory "
				+ "/data/ledger has 1048576 bytes (1 MB) of free space, and the ledger needs at least 33554432 bytes "
				+ "(32 MB) (its current and its next segment, and the space reserved for its keys and journal).");
		assertThat(analysis.getAction()).contains("Free space on the volume of /data/ledger")
			.contains("aws.marketplace.metering.ledger.directory")
			.contains("aws.marketplace.metering.ledger.min-free-space");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void isRegisteredInSpringFactories() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, ex) -> {
			}))).hasAtLeastOneElementOfType(InsufficientLedgerSpaceFailureAnalyzer.class);
	}

}
