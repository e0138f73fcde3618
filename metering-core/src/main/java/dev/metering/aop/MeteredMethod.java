package dev.metering.aop;

import java.util.List;

/**
 * What to record for the calls of one method: its {@link MeteredUsageBinding dimensions},
 * with everything that can be resolved before a call resolved once.
 *
 * @param description the method, for messages: class, name and parameter types
 * @param argumentVariables per argument, the variables it is bound to: {@code p0},
 * {@code a0} and, when the class was compiled with {@code -parameters}, its name
 * @param dimensions the dimensions billed, empty when the method is not metered
 * @param mayCompleteLater whether the returned object may be a
 * {@link java.util.concurrent.CompletionStage} or a reactive publisher, whose usage is
 * recorded when it completes: false when the declared return type rules it out
 * @author metering-spring-boot
 */
record MeteredMethod(String description, String[][] argumentVariables, List<MeteredUsageBinding> dimensions,
		boolean mayCompleteLater) {

}
