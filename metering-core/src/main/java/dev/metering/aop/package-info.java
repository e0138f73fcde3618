/**
 * The aspect that records the usage of {@code @MeteredUsage} methods. Annotations are
 * found once per method (on the method, the interface methods it implements, then the
 * types) and checked at startup against the configured dimensions; each call records
 * through the {@code UsageCapture} when it returns, or when its reactive or
 * {@code CompletionStage} result completes. Metering never breaks the call.
 */
package dev.metering.aop;
