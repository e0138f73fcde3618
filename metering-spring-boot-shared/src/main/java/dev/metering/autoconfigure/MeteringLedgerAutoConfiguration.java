package dev.metering.autoconfigure;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;

import dev.metering.core.UsageCapture;
import dev.metering.ledger.AuditPolicy;
import dev.metering.ledger.MeteringLedger;
import dev.metering.ledger.ReportOutbox;
import dev.metering.ledger.UsageLedger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the {@link UsageLedger}, where recorded usage lives until AWS
 * confirmed it (a durable file ledger by default), and of the {@link UsageCapture} every
 * recording goes through.
 *
 * @author metering-spring-boot
 */
@AutoConfiguration(before = MeteringAutoConfiguration.class)
@EnableConfigurationProperties(MeteringProperties.class)
public class MeteringLedgerAutoConfiguration {

	private static final Log logger = LogFactory.getLog(MeteringLedgerAutoConfiguration.class);

	private static final String AUDIT = "aws.marketplace.metering.ledger.audit.";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	UsageLedger usageLedger(MeteringProperties properties) {
		MeteringConfigurationValidator.validate(properties);
		MeteringProperties.Ledger ledger = properties.getLedger();
		String identity = reportingIdentity(properties);
		if (ledger.getType() == MeteringProperties.LedgerType.MEMORY) {
			logger.warn("Recorded usage is kept in memory only (aws.marketplace.metering.ledger.type=memory): "
					+ "usage not yet reported to AWS is lost on every restart or crash");
			return MeteringLedger.inMemory(Clock.systemUTC(), properties.getProductCode(), identity,
					properties.getReportZeroUsage());
		}
		MeteringLedger opened;
		try {
			opened = MeteringLedger.file(ledger.getDirectory())
				.clock(Clock.systemUTC())
				.productCode(properties.getProductCode())
				.reportingIdentity(identity)
				.syncInterval(ledger.getSyncInterval())
				.retention(ledger.getRetention())
				.holdLimit(holdLimit(properties.getCapture()))
				.auditPolicy(auditPolicy(ledger.getAudit()))
				.zeroUsageDimensions(properties.getReportZeroUsage())
				.build();
		}
		catch (UncheckedIOException ex) {
			throw new LedgerDirectoryException(ledger.getDirectory(), ex.getCause());
		}
		logger.info(LedgerRecoveryMessage.of(opened, ledger.getDirectory()));
		return opened;
	}

	/**
	 * The reporter's face of the ledger. A ledger of this library offers it; a ledger of
	 * another kind comes with a {@link ReportOutbox} bean of its own.
	 * @param ledger the ledger
	 * @return the ledger's outbox
	 */
	@Bean
	@ConditionalOnMissingBean
	ReportOutbox reportOutbox(UsageLedger ledger) {
		if (ledger instanceof MeteringLedger meteringLedger) {
			return meteringLedger.outbox();
		}
		throw new IllegalStateException("The UsageLedger bean is a " + ledger.getClass().getName()
				+ ", not a MeteringLedger, and there is no ReportOutbox bean: define the ReportOutbox of that ledger "
				+ "as a bean too, so that its usage is reported");
	}

	@Bean
	@ConditionalOnMissingBean
	UsageCapture usageCapture(UsageLedger ledger, MeteringProperties properties) {
		return new UsageCapture(ledger, properties.getDimensions(), properties.getSaas().getIntegration(),
				properties.getCapture().getOnFailure());
	}

	private static AuditPolicy auditPolicy(MeteringProperties.Ledger.Audit audit) {
		long maxFileSize = (audit.getMaxFileSize() != null) ? audit.getMaxFileSize().toBytes() : 0;
		if (maxFileSize <= 0) {
			throw new InvalidMeteringConfigurationException(AUDIT + "max-file-size",
					AUDIT + "max-file-size is " + audit.getMaxFileSize() + ", but must be positive");
		}
		if (audit.getMaxFileAge() == null || audit.getMaxFileAge().compareTo(Duration.ZERO) <= 0) {
			throw new InvalidMeteringConfigurationException(AUDIT + "max-file-age",
					AUDIT + "max-file-age is " + audit.getMaxFileAge() + ", but must be positive");
		}
		if (audit.getMaxHistory() < 0) {
			throw new InvalidMeteringConfigurationException(AUDIT + "max-history",
					AUDIT + "max-history is " + audit.getMaxHistory() + ", but must not be negative");
		}
		return new AuditPolicy(maxFileSize, audit.getMaxFileAge(), audit.getMaxHistory());
	}

	/**
	 * An application that opted into failing calls holds nothing in memory: its calls
	 * fail as soon as the ledger cannot write.
	 */
	private static int holdLimit(MeteringProperties.Capture capture) {
		return (capture.getOnFailure() == UsageCapture.OnFailure.FAIL) ? 0 : capture.getHoldLimit();
	}

	static String reportingIdentity(MeteringProperties properties) {
		if (StringUtils.hasText(properties.getReportingIdentity())) {
			return properties.getReportingIdentity();
		}
		String hostname = System.getenv("HOSTNAME");
		if (StringUtils.hasText(hostname)) {
			return hostname;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
