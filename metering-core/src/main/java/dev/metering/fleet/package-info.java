/**
 * Fleet mode: many replicas, one shared ledger on PostgreSQL, one reporter of the
 * customers' usage.
 * <p>
 * Each replica records into its local ledger as always (no network on the call). Its
 * {@code FleetPublisher} writes the replica's cumulative total per (replica, key, hour)
 * into the shared ledger every flush interval and at shutdown, by upsert: a replayed
 * flush counts once. The {@code FleetLedger} closes an hour on the database's clock once
 * its end plus a grace period has passed, sums the contributions into one report per
 * (customer or license, dimension, hour) and freezes them: what arrives later for a
 * closed hour is counted into the next hour that closes. The replica that holds the
 * {@code FleetLease} (a row with an expiry on the database's clock) reports the closed
 * hours through the usual reporter; outcomes are stored in the shared ledger, and every
 * change of state is conditional, so a report settles once even when two replicas lead at
 * a handover. The product's own usage (MeterUsage) stays per replica: AWS keys it per
 * instance, task or pod.
 */
package dev.metering.fleet;
