package dev.metering.autoconfigure;

import dev.metering.ledger.LedgerView;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.UsageLedger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Says, at shutdown, just before the ledger closes and after the final usage report, how
 * many units the ledger holds that are not reported yet: usage recorded after the final
 * report (work that finished late), or with
 * {@code aws.marketplace.metering.report-on-shutdown=false} the current hour's. They stay
 * in the ledger and are reported after the next start.
 *
 * @author metering-spring-boot
 */
final class LateUsageWarning implements DisposableBean {

	private static final Log logger = LogFactory.getLog(LateUsageWarning.class);

	private final UsageLedger ledger;

	private final boolean reportOnShutdown;

	/**
	 * Create a new warning; being given the ledger, it is destroyed before it.
	 * @param ledger the ledger
	 * @param reportOnShutdown whether the final report includes the current hour
	 */
	LateUsageWarning(UsageLedger ledger, boolean reportOnShutdown) {
		this.ledger = ledger;
		this.reportOnShutdown = reportOnShutdown;
	}

	@Override
	public void destroy() {
		long units = this.ledger.view().openUsage().stream().mapToLong(LedgerView.OpenUsage::quantity).sum();
		if (units == 0) {
			return;
		}
		if (this.ledger instanceof MeteringLedger && this.ledger.summary().storage().directory() == null) {
			logger.warn(units + " units of usage are not reported and are lost: the in-memory ledger keeps nothing "
					+ "across restarts");
		}
		else if (this.reportOnShutdown) {
			logger.warn(units + " units of usage were recorded after the final report; they stay in the ledger and "
					+ "are reported after the next start");
		}
		else {
			logger.info(units + " units of usage of the current hour or later stay in the ledger and are reported "
					+ "after the next start (aws.marketplace.metering.report-on-shutdown=false)");
		}
	}

}
