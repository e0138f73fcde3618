package dev.metering.reporting;

import dev.metering.ledger.UsageReport;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The key-value pairs the reporting classes log with a report, so that structured logging
 * ({@code logging.structured.format.console=ecs} in Spring Boot) renders them as fields:
 * {@value #CUSTOMER} (customers' usage only), {@value #DIMENSION}, {@value #HOUR} and
 * {@value #REPORT_ID}.
 *
 * @author metering-spring-boot
 */
final class ReportLogFields {

	/** The customer: the AWS account id, or the legacy customer identifier. */
	static final String CUSTOMER = "customer";

	/** The dimension name. */
	static final String DIMENSION = "dimension";

	/** The start of the hour, ISO-8601 in UTC. */
	static final String HOUR = "hour";

	/** The id of the report in the ledger. */
	static final String REPORT_ID = "reportId";

	/** The AWS error codes of a run with their counts. */
	static final String ERROR_CODES = "errorCodes";

	private ReportLogFields() {
	}

	/**
	 * Add a report's fields to a log event.
	 * @param event the event
	 * @param report the report
	 * @return the event
	 */
	static LoggingEventBuilder of(LoggingEventBuilder event, UsageReport report) {
		if (report.customer() != null) {
			event = event.addKeyValue(CUSTOMER, report.customer());
		}
		return event.addKeyValue(DIMENSION, report.dimension())
			.addKeyValue(HOUR, report.hour().toString())
			.addKeyValue(REPORT_ID, report.id());
	}

}
