/**
 * The hourly {@link dev.metering.reporting.UsageReporter}. Each run seals the hours that
 * have ended and sends the ledger's pending reports through the {@code MeteringGateway}:
 * own usage with MeterUsage, customers' usage with BatchMeterUsage, each call through the
 * Resilience4j retry and rate limiter, within the service's acceptance windows and the
 * run's deadline. One class, {@code ReportSettler}, writes each answer back into the
 * ledger.
 */
package dev.metering.reporting;
