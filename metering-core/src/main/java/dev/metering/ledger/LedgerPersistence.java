package dev.metering.ledger;

import java.io.IOException;
import java.util.List;

/**
 * How a {@link MeteringLedger} keeps what it holds: nowhere ({@link #NONE}, the in-memory
 * ledger) or in files ({@link FilePersistence}). The ledger calls it at each change,
 * before the change takes effect in memory.
 *
 * @author metering-spring-boot
 */
interface LedgerPersistence {

	/** Keeps nothing: everything the ledger holds is lost when the process stops. */
	LedgerPersistence NONE = new LedgerPersistence() {
	};

	/**
	 * Give the persistence the ledger it serves, once, before the ledger is shared: a
	 * durable persistence restores what an earlier run left and starts its background
	 * work.
	 * @param ledger the ledger
	 */
	default void attach(MeteringLedger ledger) {
	}

	/**
	 * Called once when a key is used for the first time, before any usage of it is
	 * appended.
	 * @param key the new key
	 */
	default void keyDefined(KeyRef key) {
	}

	/**
	 * Called for each recorded quantity, while the hour's bucket is entered, before it is
	 * added.
	 * @param key the key
	 * @param hour the open hour
	 * @param quantity the quantity
	 */
	default void append(KeyRef key, int hour, long quantity) {
	}

	/**
	 * Called under the ledger's lock with a change of state, before it is applied; if it
	 * throws, the change is not applied.
	 * @param event the change
	 */
	default void persist(LedgerEvent event) {
	}

	/**
	 * Called under the ledger's lock after a seal was applied: drops the
	 * {@link MeteringLedger#expiredReports() expired reports} from memory; a durable
	 * persistence keeps them elsewhere first.
	 * @param ledger the ledger
	 */
	default void sealed(MeteringLedger ledger) {
		ledger.removeReports(ledger.expiredReports());
	}

	/**
	 * Complete the storage state of the ledger with the persistence's own: its directory,
	 * free space and failure.
	 * @param held the usage the ledger holds in memory or lost
	 * @return the storage state
	 */
	default LedgerStorage storage(LedgerStorage held) {
		return held;
	}

	/**
	 * Return what the persistence found of an earlier run when it opened.
	 * @return the recovery result
	 */
	default RecoveryResult recovery() {
		return new RecoveryResult(0, 0, List.of());
	}

	/**
	 * Called once, by the ledger's first close, after the usage held in memory was
	 * written a last time.
	 * @throws IOException on failure
	 */
	default void close() throws IOException {
	}

}
