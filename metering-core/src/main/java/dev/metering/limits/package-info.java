/**
 * The limits of the AWS Marketplace Metering Service in one class,
 * {@link dev.metering.limits.MeteringLimits}. A leaf package: it imports nothing of this
 * library, so that every other package, the ledger included, may read it without an
 * import cycle.
 */
package dev.metering.limits;
