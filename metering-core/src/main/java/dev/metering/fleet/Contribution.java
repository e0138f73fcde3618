package dev.metering.fleet;

import java.time.Instant;

import dev.metering.ledger.UsageKey;

/**
 * Where one replica's usage goes in the shared ledger: a customer's key and an hour. Its
 * value there is the replica's cumulative total, never a delta.
 *
 * @param key the customer's usage key
 * @param hour the start of the hour
 * @author metering-spring-boot
 */
record Contribution(UsageKey key, Instant hour) {

}
