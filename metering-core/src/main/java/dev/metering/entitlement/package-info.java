/**
 * The entitlement check made once at startup, before the application serves: a probe sent
 * through the {@code MeteringGateway} (RegisterUsage with a verified signature for
 * container products, a DryRun MeterUsage for AMI products), tried again with backoff
 * while AWS throttles or fails, until the startup timeout. Its result is an
 * {@link dev.metering.entitlement.EntitlementStatus} for the health, and, on failure,
 * what {@link dev.metering.entitlement.OnEntitlementFailure} says.
 */
package dev.metering.entitlement;
