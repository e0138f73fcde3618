package dev.metering;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.metering.core.MeteringOperations;
import dev.metering.core.MeteringTemplate;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.Settlement;
import dev.metering.ledger.UsageReport;
import dev.metering.reporting.ReportSettler;
import dev.metering.reporting.TemplateSendingReporter;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The object graph follows the data: one class writes outcomes into the ledger, and what
 * sends to AWS on its own (the reporter, the entitlement probes) goes through the
 * gateway, never through the template users record with.
 *
 * @author metering-spring-boot
 */
class ObjectGraphArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.metering");

	/** Calls of {@link ReportOutbox#settle}, on the interface or any implementation. */
	private static final DescribedPredicate<JavaMethodCall> SETTLE = DescribedPredicate.describe("ReportOutbox.settle",
			(call) -> call.getTarget().getName().equals("settle")
					&& call.getTarget().getOwner().isAssignableTo(ReportOutbox.class));

	static final ArchRule ONLY_THE_SETTLER_SETTLES = noClasses().that()
		.doNotHaveFullyQualifiedName(ReportSettler.class.getName())
		.and()
		.areNotAssignableTo(ReportOutbox.class)
		.should()
		.callMethodWhere(SETTLE)
		.because("one class of the reporting package writes outcomes into the ledger (an outbox that "
				+ "decorates another, such as a fleet replica's view of its own usage, passes settle on)");

	static final ArchRule SENDERS_USE_THE_GATEWAY = noClasses().that()
		.resideInAnyPackage("dev.metering.reporting..", "dev.metering.entitlement..")
		.should()
		.dependOnClassesThat()
		.belongToAnyOf(MeteringTemplate.class, MeteringOperations.class)
		.because("the reporter and the entitlement probes send through MeteringGateway, "
				+ "never through the template users record with");

	@Test
	void onlyTheReportSettlerSettlesReports() {
		ONLY_THE_SETTLER_SETTLES.check(MAIN);
	}

	@Test
	void theReporterAndTheProbesSendThroughTheGateway() {
		SENDERS_USE_THE_GATEWAY.check(MAIN);
	}

	@Test
	void aClassThatSettlesOutsideTheSettlerBreaksTheRule() {
		JavaClasses intruder = new ClassFileImporter().importClasses(SettlingIntruder.class);
		assertThat(ONLY_THE_SETTLER_SETTLES.evaluate(intruder).getFailureReport().getDetails()).singleElement()
			.asString()
			.contains(SettlingIntruder.class.getName() + ".settle(");
	}

	@Test
	void aReporterClassThatSendsThroughTheTemplateBreaksTheRule() {
		JavaClasses intruder = new ClassFileImporter().importClasses(TemplateSendingReporter.class);
		assertThat(SENDERS_USE_THE_GATEWAY.evaluate(intruder).getFailureReport().getDetails()).isNotEmpty()
			.allSatisfy((detail) -> assertThat(detail).contains(TemplateSendingReporter.class.getName()));
	}

	/**
	 * Settles a report outside the settler, which the object graph forbids.
	 */
	static final class SettlingIntruder {

		void settle(ReportOutbox outbox, UsageReport report) {
			outbox.settle(report, Settlement.reported("rec-1"));
		}

	}

}
