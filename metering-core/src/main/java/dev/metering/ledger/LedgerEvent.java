package dev.metering.ledger;

import java.util.List;

/**
 * A change of the ledger's state other than recorded usage, handed to the ledger's
 * persistence before it is applied in memory.
 *
 * @author metering-spring-boot
 */
sealed interface LedgerEvent {

	/**
	 * Return the quantities this event moves into open hours.
	 * @return the carries, possibly empty
	 */
	List<Carry> carries();

	/**
	 * Hours before {@code openFrom} were sealed into reports; their excess moved on.
	 *
	 * @param openFrom the first hour still open
	 * @param reports the reports created
	 * @param carries the excess of hours over the quantity limit
	 */
	record Sealed(int openFrom, List<UsageReport> reports, List<Carry> carries) implements LedgerEvent {

	}

	/**
	 * A report changed state; a report carried forward moved its quantities.
	 *
	 * @param report the report in its new state
	 * @param carries the quantities moved into an open hour, if any
	 */
	record Transitioned(UsageReport report, List<Carry> carries) implements LedgerEvent {

	}

}
