package dev.metering.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * File helpers of the durable ledger: everything is readable by its owner only, and
 * damaged files are copied aside, never deleted.
 *
 * @author metering-spring-boot
 */
final class LedgerFiles {

	private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

	private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

	private LedgerFiles() {
	}

	/**
	 * Create the directory (and its parents) if needed, and make it its owner's only.
	 * @param directory the directory
	 * @throws IOException on failure
	 */
	static void createDirectory(Path directory) throws IOException {
		if (!POSIX) {
			Files.createDirectories(directory);
			return;
		}
		Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
		Files.setPosixFilePermissions(directory, DIRECTORY);
	}

	/**
	 * Open a file, creating it readable and writable by its owner only.
	 * @param file the file
	 * @param options how to open it; {@code CREATE} is added
	 * @return the channel
	 * @throws IOException on failure
	 */
	static FileChannel open(Path file, StandardOpenOption... options) throws IOException {
		Set<StandardOpenOption> opening = Set.of(options);
		if (!opening.contains(StandardOpenOption.CREATE_NEW)) {
			opening = new HashSet<>(opening);
			opening.add(StandardOpenOption.CREATE);
		}
		if (!POSIX) {
			return FileChannel.open(file, opening);
		}
		FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(FILE);
		FileChannel channel = FileChannel.open(file, opening, ownerOnly);
		Files.setPosixFilePermissions(file, FILE);
		return channel;
	}

	/**
	 * Copy a damaged file next to itself as {@code <name>.corrupt-<millis>}.
	 * @param file the damaged file
	 * @param clock the clock naming the copy
	 * @return the copy
	 * @throws IOException on failure
	 */
	static Path copyAside(Path file, Clock clock) throws IOException {
		byte[] content = Files.readAllBytes(file);
		long stamp = clock.millis();
		while (true) {
			Path target = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
			try (FileChannel channel = open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				writeFully(channel, ByteBuffer.wrap(content));
				channel.force(true);
				return target;
			}
			catch (FileAlreadyExistsException ex) {
				stamp++;
			}
		}
	}

	static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	/**
	 * Force a directory's entries (a new or renamed file) to disk, where the platform
	 * allows it.
	 * @param directory the directory
	 */
	static void forceDirectory(Path directory) {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// not supported on every platform; the rename itself is atomic
		}
	}

}
