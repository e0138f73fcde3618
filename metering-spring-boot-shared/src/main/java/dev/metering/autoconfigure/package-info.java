/**
 * The Spring Boot wiring only: an auto-configuration per concern (client and gateway,
 * ledger, aspect, reporter, entitlement check, shutdown, health, metrics, endpoint,
 * emulator), the {@code aws.marketplace.metering} properties and the failure analyzers
 * that explain a refused startup. Written once and compiled into the wiring module of
 * each Spring Boot line.
 */
package dev.metering.autoconfigure;
