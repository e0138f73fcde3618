/**
 * What applications call. {@link dev.metering.core.MeteringOperations}, implemented by
 * {@link dev.metering.core.MeteringTemplate}, records usage through the
 * {@link dev.metering.core.UsageCapture} into the ledger, and sends requests through the
 * {@link dev.metering.core.MeteringGateway}: the one way out to the AWS Marketplace
 * Metering Service, which the reporter and the entitlement check use too. The gateway
 * fills in the product code, validates each request with
 * {@link dev.metering.core.MeteringRequestValidator}, calls the SDK client and translates
 * its exceptions with {@link dev.metering.core.MeteringErrors}, the one table of the
 * service's error names and what each means.
 */
package dev.metering.core;
