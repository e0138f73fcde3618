package dev.metering.ledger;

import java.nio.file.Path;

import org.springframework.lang.Nullable;

/**
 * Whether a ledger can make recorded usage durable, and what it holds in memory
 * meanwhile: usage a full disk or a failed write kept from its files is held, up to a
 * limit, and written as soon as the files take writes again; past the limit it is lost.
 *
 * @param directory the directory the ledger writes to, or {@code null} if it has none
 * @param usableSpace the bytes that can still be written there, or -1 if unknown
 * @param failure why the ledger cannot write now, or {@code null} if it can
 * @param heldUnits the units recorded and held in memory, not yet durable
 * @param heldKeys the keys (and hours) of the held units
 * @param holdLimit the most keys whose usage is held; usage of more is lost
 * @param lostUnits the units refused since the ledger opened: neither written nor held
 * @author metering-spring-boot
 */
public record LedgerStorage(@Nullable Path directory, long usableSpace, @Nullable String failure, long heldUnits,
		int heldKeys, int holdLimit, long lostUnits) {

	/**
	 * Whether every recorded unit is durable and none was lost, and the ledger can write.
	 * @return {@code true} if nothing is at risk
	 */
	public boolean isSafe() {
		return this.failure == null && this.heldUnits == 0 && this.lostUnits == 0;
	}

}
