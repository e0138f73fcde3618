package dev.metering.reporting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.metering.core.MeteringErrors;
import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;
import dev.metering.ledger.ReportState;
import dev.metering.ledger.UsageLedger;
import dev.metering.ledger.UsageReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Applies the answer for each record to the ledger, as GUIDE R4 says, and counts it.
 *
 * @author metering-spring-boot
 */
final class ReportOutcomes {

	private static final Log logger = LogFactory.getLog(ReportOutcomes.class);

	private final UsageLedger ledger;

	private final ExpiredUsage expiredUsage;

	private final Clock clock;

	private final Duration acceptanceWindow;

	private final Duration lastSendMargin;

	private final ReportingStatistics statistics;

	ReportOutcomes(UsageLedger ledger, ReportingSettings settings, Clock clock, ReportingStatistics statistics) {
		this.ledger = ledger;
		this.expiredUsage = settings.expiredUsage();
		this.acceptanceWindow = settings.acceptanceWindow();
		this.lastSendMargin = settings.lastSendMargin();
		this.clock = clock;
		this.statistics = statistics;
	}

	/**
	 * Whether a first attempt may start. A report never sent whose hour is about to leave
	 * the acceptance window is expired here, without a call: a first attempt so late
	 * could be committed with its answer lost and no time left to confirm it by a resend.
	 * A report already sent is always resent, so that AWS settles it (a replay or an
	 * out-of-bounds answer).
	 * @param report the report
	 * @return whether to send it
	 */
	boolean mayStart(UsageReport report) {
		Instant closesAt = AcceptanceWindow.closesAt(report.hour(), report.customer() != null, this.acceptanceWindow);
		if (report.state() == ReportState.CLOSED
				&& !this.clock.instant().isBefore(closesAt.minus(this.lastSendMargin))) {
			expired(report, "hour " + report.hour() + " left the acceptance window before it was sent");
			return false;
		}
		return true;
	}

	void reported(UsageReport report, String meteringRecordId) {
		this.ledger.markReported(report.id(), meteringRecordId);
		this.statistics.increment(ReportOutcome.REPORTED);
	}

	void refused(UsageReport report, MeteringException failure) {
		if (failure.getOutcome() == MeteringOutcome.EXPIRED) {
			expired(report, failure.getErrorCode() + ": " + failure.getMessage());
			return;
		}
		deadLetter(report, failure.getOutcome() + " " + failure.getErrorCode());
	}

	void refused(UsageReport report, String status) {
		deadLetter(report, MeteringErrors.outcomeOf(status, 200) + " " + status);
	}

	private void expired(UsageReport report, String reason) {
		if (this.expiredUsage == ExpiredUsage.CARRY_FORWARD) {
			logger.warn("Carrying " + describe(report) + " forward into the open hour: " + reason);
			this.ledger.carryForward(report.id(), reason);
			this.statistics.increment(ReportOutcome.CARRIED_FORWARD);
		}
		else {
			deadLetter(report, "EXPIRED " + reason);
		}
	}

	private void deadLetter(UsageReport report, String reason) {
		logger.error("AWS Marketplace refused " + describe(report) + " for good (" + reason
				+ "); it is kept as a dead letter and will not be sent again");
		this.ledger.deadLetter(report.id(), reason);
		this.statistics.increment(ReportOutcome.DEAD_LETTERED);
	}

	private static String describe(UsageReport report) {
		return "usage of " + report.quantity() + " " + report.dimension() + " in hour " + report.hour()
				+ ((report.customer() != null) ? " for customer " + report.customer() : "") + " (report " + report.id()
				+ ")";
	}

}
