package dev.metering.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The id of a replica in the shared ledger, stored in its local ledger directory: a
 * replica restarted on its own directory is the same replica, and publishes what it had
 * not yet published under the same id, so that nothing counts twice.
 *
 * @author metering-spring-boot
 */
public final class ReplicaIds {

	/** The file in the ledger directory that holds the id. */
	public static final String FILE = "fleet-replica-id";

	private ReplicaIds() {
	}

	/**
	 * Return the replica id stored in a directory, creating it on first use.
	 * @param directory the local ledger directory
	 * @return the replica id
	 * @throws UncheckedIOException if the id can be neither read nor stored
	 */
	public static String of(Path directory) {
		Path file = directory.resolve(FILE);
		try {
			if (Files.exists(file)) {
				return Files.readString(file, StandardCharsets.UTF_8).trim();
			}
			Files.createDirectories(directory);
			String id = UUID.randomUUID().toString();
			Path written = Files.createTempFile(directory, FILE, ".tmp");
			Files.writeString(written, id + "\n", StandardCharsets.UTF_8);
			Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
			return id;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or store the fleet replica id in " + file, ex);
		}
	}

}
