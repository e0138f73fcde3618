package dev.metering.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;

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

	private final Emulator emulator = new Emulator();

	public String getProductCode() {
		return this.productCode;
	}

	public void setProductCode(String productCode) {
		this.productCode = productCode;
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

	public Emulator getEmulator() {
		return this.emulator;
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
