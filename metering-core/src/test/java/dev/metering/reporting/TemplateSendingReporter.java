package dev.metering.reporting;

import dev.metering.core.MeteringTemplate;

/**
 * A reporter class that sends through the user-facing template, which the object graph
 * forbids: it exists only for {@code ObjectGraphArchitectureTests} to show that its rule
 * catches it.
 *
 * @author metering-spring-boot
 */
public final class TemplateSendingReporter {

	private final MeteringTemplate template;

	TemplateSendingReporter(MeteringTemplate template) {
		this.template = template;
	}

	MeteringTemplate template() {
		return this.template;
	}

}
