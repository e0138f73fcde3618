package dev.metering.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.metering.core.ProductType;
import dev.metering.entitlement.OnEntitlementFailure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration properties for AWS Marketplace metering.
 *
 * @author metering-spring-boot
 */
@ConfigurationProperties("aws.marketplace.metering")
public class MeteringProperties {

	/**
	 * Product code AWS Marketplace assigned to the product.
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
	 * emulators).
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

	private final Emulator emulator = new Emulator();

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

	public Emulator getEmulator() {
		return this.emulator;
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
		 * PEM public key (-----BEGIN PUBLIC KEY-----) that verifies the RegisterUsage
		 * signature. Required for container products unless the emulator is enabled.
		 */
		private Resource publicKey;

		/**
		 * What to do when the check fails: fail startup, or degrade (start, log a warning
		 * and report the failure in the entitlement status).
		 */
		private OnEntitlementFailure onFailure = OnEntitlementFailure.FAIL;

		/**
		 * Time allowed for the check, throttled attempts included.
		 */
		private Duration startupTimeout = Duration.ofSeconds(30);

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

		public Resource getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(Resource publicKey) {
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

}
