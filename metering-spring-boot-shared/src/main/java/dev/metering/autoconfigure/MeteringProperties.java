package dev.metering.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.metering.aop.MeteredUsageAspect;
import dev.metering.core.ProductType;
import dev.metering.core.SaasIntegration;
import dev.metering.core.UsageCapture;
import dev.metering.entitlement.OnEntitlementFailure;
import dev.metering.ledger.FileLedgerBuilder;
import dev.metering.reporting.ExpiredUsage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for AWS Marketplace metering.
 *
 * @author metering-spring-boot
 */
@ConfigurationProperties("aws.marketplace.metering")
public class MeteringProperties {

	/**
	 * Product code AWS Marketplace assigned to the product. Required.
	 */
	private String productCode;

	/**
	 * How the product is delivered: container (ECS, EKS), ami (EC2) or saas.
	 */
	private ProductType productType = ProductType.CONTAINER;

	/**
	 * AWS region of the Metering Service. Defaults to the SDK's region provider chain,
	 * which finds the workload's own region on EC2, ECS and EKS.
	 */
	private String region;

	/**
	 * Endpoint of the Metering Service, to override the regional AWS endpoint (tests,
	 * emulators). Defaults to the regional AWS endpoint, or the embedded emulator's when
	 * it is enabled.
	 */
	private URI endpoint;

	/**
	 * Dimension names defined for the product. When set, usage for any other dimension is
	 * refused at startup or at the call.
	 */
	private Set<String> dimensions = new LinkedHashSet<>();

	/**
	 * Time allowed for one call to the Metering Service, from connecting to reading the
	 * answer.
	 */
	private Duration apiCallTimeout = Duration.ofSeconds(10);

	private final Entitlement entitlement = new Entitlement();

	/**
	 * Identity of this process in the client tokens of its reports, so that two replicas
	 * never share one. Defaults to the host name (the pod or task name).
	 */
	private String reportingIdentity;

	/**
	 * Whether a graceful shutdown also seals and reports the current partial hour. Usage
	 * recorded in that hour after a restart moves on to the next hour.
	 */
	private boolean reportOnShutdown = true;

	/**
	 * What to do with usage AWS no longer accepts (MeterUsage: older than 6 hours;
	 * BatchMeterUsage: older than 24 hours, or of the previous month after 06:00 UTC on
	 * the 1st).
	 */
	private ExpiredUsage expiredUsage = ExpiredUsage.CARRY_FORWARD;

	/**
	 * Dimensions reported with quantity 0 for every hour without usage while the
	 * application runs.
	 */
	private Set<String> reportZeroUsage = new LinkedHashSet<>();

	/**
	 * Order of the @MeteredUsage aspect. The default puts it outside @Transactional and
	 * Resilience4j's @Retry, so a business call is billed once, after it committed.
	 */
	private int aspectOrder = MeteredUsageAspect.DEFAULT_ORDER;

	private final Ledger ledger = new Ledger();

	private final Capture capture = new Capture();

	private final Reporting reporting = new Reporting();

	private final Emulator emulator = new Emulator();

	private final Health health = new Health();

	private final Saas saas = new Saas();

	public String getProductCode() {
		return this.productCode;
	}

	public void setProductCode(String productCode) {
		this.productCode = productCode;
	}

	public ProductType getProductType() {
		return this.productType;
	}

	public void setProductType(ProductType productType) {
		this.productType = productType;
	}

	public String getRegion() {
		return this.region;
	}

	public void setRegion(String region) {
		this.region = region;
	}

	public URI getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(URI endpoint) {
		this.endpoint = endpoint;
	}

	public Set<String> getDimensions() {
		return this.dimensions;
	}

	public void setDimensions(Set<String> dimensions) {
		this.dimensions = dimensions;
	}

	public Duration getApiCallTimeout() {
		return this.apiCallTimeout;
	}

	public void setApiCallTimeout(Duration apiCallTimeout) {
		this.apiCallTimeout = apiCallTimeout;
	}

	public Entitlement getEntitlement() {
		return this.entitlement;
	}

	public String getReportingIdentity() {
		return this.reportingIdentity;
	}

	public void setReportingIdentity(String reportingIdentity) {
		this.reportingIdentity = reportingIdentity;
	}

	public boolean isReportOnShutdown() {
		return this.reportOnShutdown;
	}

	public void setReportOnShutdown(boolean reportOnShutdown) {
		this.reportOnShutdown = reportOnShutdown;
	}

	public ExpiredUsage getExpiredUsage() {
		return this.expiredUsage;
	}

	public void setExpiredUsage(ExpiredUsage expiredUsage) {
		this.expiredUsage = expiredUsage;
	}

	public Set<String> getReportZeroUsage() {
		return this.reportZeroUsage;
	}

	public void setReportZeroUsage(Set<String> reportZeroUsage) {
		this.reportZeroUsage = reportZeroUsage;
	}

	public int getAspectOrder() {
		return this.aspectOrder;
	}

	public void setAspectOrder(int aspectOrder) {
		this.aspectOrder = aspectOrder;
	}

	public Ledger getLedger() {
		return this.ledger;
	}

	public Capture getCapture() {
		return this.capture;
	}

	public Reporting getReporting() {
		return this.reporting;
	}

	public Emulator getEmulator() {
		return this.emulator;
	}

	public Health getHealth() {
		return this.health;
	}

	public Saas getSaas() {
		return this.saas;
	}

	/**
	 * Settings of the entitlement check made once at startup.
	 */
	public static class Entitlement {

		/**
		 * Whether to check the buyer's entitlement at startup. Defaults to true for
		 * container products (RegisterUsage) and false for ami (DryRun MeterUsage) and
		 * saas (no startup check).
		 */
		private Boolean enabled;

		/**
		 * Version of the public key AWS Marketplace gave with the product code.
		 */
		private int publicKeyVersion = 1;

		/**
		 * Public key that verifies the RegisterUsage signature: the PEM text (-----BEGIN
		 * PUBLIC KEY-----) or the location of a PEM file. Required for container products
		 * unless the emulator is enabled.
		 */
		private String publicKey;

		/**
		 * What to do when the check fails: fail startup, or degrade (start, log a warning
		 * and report the failure in the entitlement status).
		 */
		private OnEntitlementFailure onFailure = OnEntitlementFailure.FAIL;

		/**
		 * Time allowed for the check at startup, retried attempts included. Without an
		 * answer by then (throttling, 5xx, network errors) the application starts with
		 * the entitlement not checked.
		 */
		private Duration startupTimeout = Duration.ofSeconds(30);

		/**
		 * Longest delay between the background checks that follow a startup without an
		 * answer; they back off exponentially from 10s to this, with jitter.
		 */
		private Duration recheckMaxInterval = Duration.ofMinutes(5);

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public int getPublicKeyVersion() {
			return this.publicKeyVersion;
		}

		public void setPublicKeyVersion(int publicKeyVersion) {
			this.publicKeyVersion = publicKeyVersion;
		}

		public String getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(String publicKey) {
			this.publicKey = publicKey;
		}

		public OnEntitlementFailure getOnFailure() {
			return this.onFailure;
		}

		public void setOnFailure(OnEntitlementFailure onFailure) {
			this.onFailure = onFailure;
		}

		public Duration getStartupTimeout() {
			return this.startupTimeout;
		}

		public void setStartupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
		}

		public Duration getRecheckMaxInterval() {
			return this.recheckMaxInterval;
		}

		public void setRecheckMaxInterval(Duration recheckMaxInterval) {
			this.recheckMaxInterval = recheckMaxInterval;
		}

	}

	/**
	 * Where recorded usage is kept until AWS confirmed it.
	 */
	public static class Ledger {

		/**
		 * Kind of ledger. 'file' survives kill -9 of the JVM; 'memory' loses unreported
		 * usage on every restart; 'jdbc' is a file ledger per replica whose customers'
		 * usage a fleet shares in PostgreSQL and reports once.
		 */
		private LedgerType type = LedgerType.FILE;

		/**
		 * Directory of the file ledger. In a container, mount a volume here that outlives
		 * the container (an EKS emptyDir survives container restarts in the pod; EFS or
		 * EBS survive the task).
		 */
		private Path directory = Path.of("metering-ledger");

		/**
		 * How often the file ledger forces its files to disk: the most usage an OS crash
		 * (not a process crash) can lose.
		 */
		private Duration syncInterval = Duration.ofSeconds(1);

		/**
		 * How long final reports are kept in memory and in the state journal after their
		 * hour before they are compacted into the audit log. Open dead letters stay until
		 * acknowledged or replayed.
		 */
		private Duration retention = Duration.ofHours(2);

		/**
		 * Free space of the ledger directory's volume below which the metering health is
		 * DOWN, before a full disk keeps usage from the ledger (4 segments of 16MB).
		 */
		private DataSize minFreeSpace = DataSize.ofMegabytes(64);

		private final Audit audit = new Audit();

		private final Jdbc jdbc = new Jdbc();

		public LedgerType getType() {
			return this.type;
		}

		public void setType(LedgerType type) {
			this.type = type;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public Duration getSyncInterval() {
			return this.syncInterval;
		}

		public void setSyncInterval(Duration syncInterval) {
			this.syncInterval = syncInterval;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public DataSize getMinFreeSpace() {
			return this.minFreeSpace;
		}

		public void setMinFreeSpace(DataSize minFreeSpace) {
			this.minFreeSpace = minFreeSpace;
		}

		public Audit getAudit() {
			return this.audit;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		/**
		 * The shared ledger of a fleet (ledger type 'jdbc'), on PostgreSQL.
		 */
		public static class Jdbc {

			/**
			 * When to create the shared ledger's tables: 'embedded' only in an embedded
			 * database (never PostgreSQL), 'always', or 'never' (apply
			 * dev/metering/fleet/schema-postgresql.sql yourself).
			 */
			private InitializeSchema initializeSchema = InitializeSchema.EMBEDDED;

			/**
			 * Prefix of the shared ledger's table names.
			 */
			private String tablePrefix = "metering_";

			/**
			 * How often each replica publishes its totals to the shared ledger; it also
			 * publishes at shutdown.
			 */
			private Duration flushInterval = Duration.ofSeconds(5);

			/**
			 * How long after its end, on the database's clock, an hour closes across the
			 * fleet. Must exceed the flush interval plus the replicas' clock skew; usage
			 * published later moves into the next hour.
			 */
			private Duration gracePeriod = Duration.ofMinutes(1);

			/**
			 * How long the reporter's lease lasts without renewal: the longest the fleet
			 * waits for a dead leader before another replica reports.
			 */
			private Duration leaseDuration = Duration.ofSeconds(30);

			public InitializeSchema getInitializeSchema() {
				return this.initializeSchema;
			}

			public void setInitializeSchema(InitializeSchema initializeSchema) {
				this.initializeSchema = initializeSchema;
			}

			public String getTablePrefix() {
				return this.tablePrefix;
			}

			public void setTablePrefix(String tablePrefix) {
				this.tablePrefix = tablePrefix;
			}

			public Duration getFlushInterval() {
				return this.flushInterval;
			}

			public void setFlushInterval(Duration flushInterval) {
				this.flushInterval = flushInterval;
			}

			public Duration getGracePeriod() {
				return this.gracePeriod;
			}

			public void setGracePeriod(Duration gracePeriod) {
				this.gracePeriod = gracePeriod;
			}

			public Duration getLeaseDuration() {
				return this.leaseDuration;
			}

			public void setLeaseDuration(Duration leaseDuration) {
				this.leaseDuration = leaseDuration;
			}

		}

		/**
		 * How the ledger's audit.log is bounded.
		 */
		public static class Audit {

			/**
			 * Size at which audit.log is rotated into a compressed archive.
			 */
			private DataSize maxFileSize = DataSize.ofMegabytes(10);

			/**
			 * Age of its first line at which audit.log is rotated, before its next line.
			 */
			private Duration maxFileAge = Duration.ofDays(1);

			/**
			 * How many compressed archives of audit.log are kept; the oldest are deleted.
			 */
			private int maxHistory = 90;

			public DataSize getMaxFileSize() {
				return this.maxFileSize;
			}

			public void setMaxFileSize(DataSize maxFileSize) {
				this.maxFileSize = maxFileSize;
			}

			public Duration getMaxFileAge() {
				return this.maxFileAge;
			}

			public void setMaxFileAge(Duration maxFileAge) {
				this.maxFileAge = maxFileAge;
			}

			public int getMaxHistory() {
				return this.maxHistory;
			}

			public void setMaxHistory(int maxHistory) {
				this.maxHistory = maxHistory;
			}

		}

	}

	/**
	 * How recorded usage is captured when the ledger cannot write it (a full disk, a
	 * read-only directory).
	 */
	public static class Capture {

		/**
		 * Most keys (a dimension, customer and tag set, in an hour) whose usage is held
		 * in memory while the ledger cannot write; usage of more keys is lost, and
		 * counted.
		 */
		private int holdLimit = FileLedgerBuilder.DEFAULT_HOLD_LIMIT;

		/**
		 * What a metered call does when the ledger cannot write its usage. 'hold' holds
		 * it in memory up to the hold limit and lets the call succeed; 'fail' holds
		 * nothing and throws UsageNotRecordedException from the call.
		 */
		private UsageCapture.OnFailure onFailure = UsageCapture.OnFailure.HOLD;

		public int getHoldLimit() {
			return this.holdLimit;
		}

		public void setHoldLimit(int holdLimit) {
			this.holdLimit = holdLimit;
		}

		public UsageCapture.OnFailure getOnFailure() {
			return this.onFailure;
		}

		public void setOnFailure(UsageCapture.OnFailure onFailure) {
			this.onFailure = onFailure;
		}

	}

	/**
	 * Kinds of usage ledger.
	 */
	public enum LedgerType {

		/** Memory-mapped files in a directory: survives kill -9 of the JVM. */
		FILE,

		/** Memory only: unreported usage is lost on restart. */
		MEMORY,

		/**
		 * A fleet: each replica's file ledger, published to a shared ledger on
		 * PostgreSQL, and one reporter of the customers' usage.
		 */
		JDBC

	}

	/**
	 * When the shared ledger's tables are created.
	 */
	public enum InitializeSchema {

		/** Only in an embedded database (which the PostgreSQL schema never is). */
		EMBEDDED,

		/** At every startup; the script creates only what is missing. */
		ALWAYS,

		/** Never: the schema is applied by hand or by a migration tool. */
		NEVER

	}

	/**
	 * How the hourly reporter runs.
	 */
	public static class Reporting {

		/**
		 * Whether to report recorded usage to AWS hourly.
		 */
		private boolean enabled = true;

		/**
		 * How long after each hour boundary the hour that ended is reported.
		 */
		private Duration offset = Duration.ofMinutes(1);

		/**
		 * How often to try again while reports are pending (throttling, outage). A run
		 * retries no report past the start of the next one.
		 */
		private Duration retryInterval = Duration.ofMinutes(1);

		/**
		 * How long the stop of the reporter may take, retries and waits included; a call
		 * in flight when it runs out adds at most one api-call-timeout. Keep their sum
		 * below the platform's grace period.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Range of the random delay each process adds to the offset, so that the replicas
		 * of a fleet spread their hourly runs over it instead of all calling AWS in the
		 * same second. Offset plus spread must stay within 30 minutes.
		 */
		private Duration startSpread = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getOffset() {
			return this.offset;
		}

		public void setOffset(Duration offset) {
			this.offset = offset;
		}

		public Duration getRetryInterval() {
			return this.retryInterval;
		}

		public void setRetryInterval(Duration retryInterval) {
			this.retryInterval = retryInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public Duration getStartSpread() {
			return this.startSpread;
		}

		public void setStartSpread(Duration startSpread) {
			this.startSpread = startSpread;
		}

	}

	/**
	 * Settings of the embedded Metering Service emulator (module
	 * {@code metering-emulator}).
	 */
	public static class Emulator {

		/**
		 * Whether to start the embedded Metering Service emulator and point the client at
		 * it with throwaway credentials. Needs metering-emulator on the classpath.
		 */
		private boolean enabled;

		/**
		 * Port of the embedded emulator. 0 picks a free port.
		 */
		private int port;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

	}

	/**
	 * Settings of SaaS products (product type saas).
	 */
	public static class Saas {

		/**
		 * How customers' usage is identified: license (AWS account id and license ARN, as
		 * AWS requires of SaaS products listed since 2026-06-01) or legacy (customer
		 * identifier or account id, with the product code).
		 */
		private SaasIntegration integration = SaasIntegration.LICENSE;

		public SaasIntegration getIntegration() {
			return this.integration;
		}

		public void setIntegration(SaasIntegration integration) {
			this.integration = integration;
		}

	}

	/**
	 * Settings of the {@code metering} health contributor.
	 */
	public static class Health {

		/**
		 * How long before an unreported hour leaves AWS's acceptance window (6 hours for
		 * MeterUsage, up to 24 hours for BatchMeterUsage) the health turns DOWN.
		 */
		private Duration expiryWarning = Duration.ofHours(1);

		public Duration getExpiryWarning() {
			return this.expiryWarning;
		}

		public void setExpiryWarning(Duration expiryWarning) {
			this.expiryWarning = expiryWarning;
		}

	}

}
