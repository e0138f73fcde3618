package dev.metering.ledger;

import java.nio.file.Path;
import java.util.List;

/**
 * What a durable {@link MeteringLedger} found when it opened its directory.
 *
 * @param recoveredEntries the usage counters of open hours read back from the segments
 * @param recoveredReports the reports read back from the state journal
 * @param damages the damaged parts found, each copied aside and reported at ERROR
 * @author metering-spring-boot
 */
public record RecoveryResult(long recoveredEntries, int recoveredReports, List<Damage> damages) {

	/**
	 * Whether nothing was damaged.
	 * @return {@code true} if there are no damages
	 */
	public boolean isClean() {
		return this.damages.isEmpty();
	}

	/**
	 * A damaged part of a ledger file. Every valid record of the file was kept; the
	 * damaged file was copied aside before the damage was removed from it.
	 *
	 * @param file the damaged file
	 * @param offset the offset of the (first) damage
	 * @param problem what was found
	 * @param copy the copy of the damaged file
	 */
	public record Damage(Path file, long offset, String problem, Path copy) {

	}

}
