package dev.metering.ledger;

/**
 * A quantity moved into an open hour: the excess of an overflowing hour, or the usage of
 * a report carried forward.
 *
 * @param key what the usage is for
 * @param hour the open hour it moved to
 * @param quantity the quantity
 * @author metering-spring-boot
 */
record Carry(UsageKey key, int hour, long quantity) {

}
