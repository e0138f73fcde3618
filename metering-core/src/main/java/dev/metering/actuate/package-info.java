/**
 * What metering shows, from local state only, never from AWS:
 * {@link dev.metering.actuate.MeteringSources} gathers the ledger, the reporter and the
 * entitlement result, and {@link dev.metering.actuate.MeteringMetrics} binds the
 * {@code marketplace.metering.*} meters, read from the ledger's summary. The Spring Boot
 * wiring adds the {@code metering} health and endpoint to this package.
 */
package dev.metering.actuate;
