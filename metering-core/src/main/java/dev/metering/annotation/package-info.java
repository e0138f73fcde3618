/**
 * {@link dev.metering.annotation.MeteredUsage}: declares that each successful call of a
 * method is billable usage of a dimension. The aspect of {@code dev.metering.aop} records
 * it.
 */
package dev.metering.annotation;
