package dev.metering.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A local, embeddable emulator of the AWS Marketplace Metering Service speaking the AWS
 * JSON 1.1 protocol over HTTP, for development and tests. Never a production dependency.
 * <p>
 * Implements MeterUsage, BatchMeterUsage, RegisterUsage and ResolveCustomer with the
 * service's validation, deduplication and idempotency rules, plus injectable faults and
 * inspection of what was accepted, both in Java and under {@code /emulator/*} over HTTP.
 *
 * <pre class="code">
 * try (MarketplaceMeteringEmulator emulator = MarketplaceMeteringEmulator.builder()
 * 		.product("prod-code", Set.of("scans")).build().start()) {
 * 	URI endpoint = emulator.endpoint();
 * }
 * </pre>
 */
public final class MarketplaceMeteringEmulator implements AutoCloseable {

	/**
	 * The JDK server writes headers and body separately; with Nagle's algorithm on, every
	 * answer waits for the client's delayed ACK (about 40 ms). The JDK reads this
	 * property once, when the first {@code HttpServer} of the JVM is created, so
	 * {@link #start()} sets it unless it is set already.
	 */
	private static final String NO_DELAY = "sun.net.httpserver.nodelay";

	private final InetAddress bindAddress;

	private final int requestedPort;

	private final Settings settings;

	private final Faults initialFaults;

	private final Faults faults;

	private final MeteringService service;

	private HttpServer server;

	private ExecutorService executor;

	private MarketplaceMeteringEmulator(Builder builder, Settings settings) {
		this.bindAddress = builder.bindAddress;
		this.requestedPort = builder.port;
		this.settings = settings;
		this.initialFaults = builder.faults.copy();
		this.faults = builder.faults.copy();
		this.service = new MeteringService(settings);
	}

	/**
	 * Create a builder.
	 * @return a new builder with the defaults
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Build an emulator with the defaults (any product, any customer, entitled, ephemeral
	 * port on loopback) and start it.
	 * @return the started emulator
	 */
	public static MarketplaceMeteringEmulator startDefault() {
		return builder().build().start();
	}

	/**
	 * Bind the HTTP server and start serving. Calling it on a started emulator has no
	 * effect. Unless {@code sun.net.httpserver.nodelay} is set, it turns TCP_NODELAY on
	 * for the JDK HTTP servers of this JVM, so that answers are not held back by Nagle's
	 * algorithm.
	 * @return this emulator
	 * @throws UncheckedIOException if the port cannot be bound
	 */
	public synchronized MarketplaceMeteringEmulator start() {
		if (this.server != null) {
			return this;
		}
		if (System.getProperty(NO_DELAY) == null) {
			System.setProperty(NO_DELAY, "true");
		}
		try {
			HttpServer httpServer = HttpServer.create(new InetSocketAddress(this.bindAddress, this.requestedPort), 0);
			this.executor = Executors.newCachedThreadPool(new DaemonThreadFactory());
			httpServer.setExecutor(this.executor);
			httpServer.createContext("/", new EmulatorHttpHandler(this, this.service));
			httpServer.start();
			this.server = httpServer;
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not bind the metering emulator to "
					+ this.bindAddress.getHostAddress() + ":" + this.requestedPort, ex);
		}
	}

	/**
	 * Stop serving and release the port. The emulator cannot be restarted after that. A
	 * request in progress (one in a configured latency, say) ends on its own thread, a
	 * daemon: no thread is interrupted, since the emulator may share its JVM with a
	 * ledger or a JDBC connection.
	 */
	@Override
	public synchronized void close() {
		if (this.server != null) {
			this.server.stop(0);
			this.executor.shutdown();
		}
	}

	/**
	 * Return the bound port.
	 * @return the port
	 * @throws IllegalStateException if the emulator was not started
	 */
	public synchronized int port() {
		if (this.server == null) {
			throw new IllegalStateException("The metering emulator is not started");
		}
		return this.server.getAddress().getPort();
	}

	/**
	 * Return the endpoint to give the SDK's {@code endpointOverride}: {@code http://} the
	 * bind address (loopback when bound to every interface) and the port.
	 * @return the endpoint
	 */
	public URI endpoint() {
		InetAddress address = this.bindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress()
				: this.bindAddress;
		String host = address.getHostAddress();
		if (address instanceof Inet6Address) {
			int zone = host.indexOf('%');
			host = "[" + ((zone >= 0) ? host.substring(0, zone) : host) + "]";
		}
		return URI.create("http://" + host + ":" + port());
	}

	/**
	 * Return the address the server binds to.
	 * @return the bind address
	 */
	public InetAddress bindAddress() {
		return this.bindAddress;
	}

	/**
	 * Return the public key that verifies RegisterUsage signatures.
	 * @return the RSA public key
	 */
	public PublicKey publicKey() {
		return this.settings.signingKey().getPublic();
	}

	/**
	 * Return the public key that verifies RegisterUsage signatures, PEM encoded
	 * ({@code -----BEGIN PUBLIC KEY-----}).
	 * @return the PEM text
	 */
	public String publicKeyPem() {
		String body = Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(publicKey().getEncoded());
		return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
	}

	/**
	 * Return the live fault settings; changes apply to the next request.
	 * @return the fault settings
	 */
	public Faults faults() {
		return this.faults;
	}

	/**
	 * Return the records accepted so far, in the order they were accepted.
	 * @return an immutable snapshot
	 */
	public List<AcceptedRecord> records() {
		return this.service.records();
	}

	/**
	 * Return every customer and hour that BatchMeterUsage billed in both shapes (legacy
	 * and license): a double charge. Tests assert it is empty.
	 * @return the customers and hours billed twice
	 */
	public List<MixedShape> mixedShapes() {
		return this.service.mixedShapes();
	}

	/**
	 * Return a snapshot of the counters.
	 * @return the counters
	 */
	public Counters counters() {
		return this.service.counters();
	}

	/**
	 * Set whether the customer is entitled: when not, MeterUsage and RegisterUsage answer
	 * {@code CustomerNotEntitledException}.
	 * @param entitled whether the customer is entitled
	 */
	public void setEntitled(boolean entitled) {
		this.service.setEntitled(entitled);
	}

	/**
	 * Return whether the customer is currently entitled.
	 * @return whether entitled
	 */
	public boolean isEntitled() {
		return this.service.isEntitled();
	}

	/**
	 * Forget every record, counter and client token, and restore the entitlement and the
	 * fault settings to those built.
	 */
	public void reset() {
		this.service.reset();
		this.faults.copyFrom(this.initialFaults);
	}

	/**
	 * Builds a {@link MarketplaceMeteringEmulator}.
	 */
	public static final class Builder {

		private int port;

		private InetAddress bindAddress = InetAddress.getLoopbackAddress();

		private Clock clock = Clock.systemUTC();

		private final Map<String, Set<String>> products = new LinkedHashMap<>();

		private final Set<String> subscribedCustomers = new LinkedHashSet<>();

		private final Map<String, Settings.RegistrationToken> registrationTokens = new LinkedHashMap<>();

		private final Map<String, String[]> pendingTokens = new LinkedHashMap<>();

		private final Set<String> expiredTokens = new LinkedHashSet<>();

		private final Set<String> unauthorizedAccessKeys = new LinkedHashSet<>();

		private boolean entitled = true;

		private boolean platformSupported = true;

		private final Set<Integer> publicKeyVersions = new LinkedHashSet<>();

		private KeyPair signingKey;

		private String region;

		private Duration acceptanceWindow = Duration.ofHours(6);

		private Duration batchAcceptanceWindow = Duration.ofHours(24);

		private final Set<String> licenseProducts = new LinkedHashSet<>();

		private final Map<String, Settings.License> licenses = new LinkedHashMap<>();

		private final Map<String, String[]> pendingLicenseTokens = new LinkedHashMap<>();

		private Faults faults = Faults.none();

		private Builder() {
		}

		/**
		 * Port to listen on; 0 (the default) picks a free ephemeral port.
		 * @param port the port, 0..65535
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * Address to listen on; loopback by default.
		 * @param bindAddress the address
		 * @return this builder
		 */
		public Builder bindAddress(InetAddress bindAddress) {
			this.bindAddress = require(bindAddress, "bindAddress");
			return this;
		}

		/**
		 * Clock for every time rule (acceptance window, {@code iat}); system UTC by
		 * default.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = require(clock, "clock");
			return this;
		}

		/**
		 * Declare a product and its dimensions (empty: any dimension). Repeatable. When
		 * no product is declared, any product code is accepted.
		 * @param productCode the product code
		 * @param dimensions the dimensions, empty for any
		 * @return this builder
		 */
		public Builder product(String productCode, Set<String> dimensions) {
			if (productCode == null || productCode.isEmpty()
					|| !MeteringService.PRODUCT_CODE.matcher(productCode).matches()) {
				throw new IllegalArgumentException("productCode must match " + MeteringService.PRODUCT_CODE.pattern()
						+ " and not be empty, got '" + productCode + "'");
			}
			this.products.put(productCode, Set.copyOf(require(dimensions, "dimensions")));
			return this;
		}

		/**
		 * Declare a product of the license integration (SaaS products listed since
		 * 2026-06-01) and its dimensions: ResolveCustomer answers no
		 * {@code CustomerIdentifier} for it and BatchMeterUsage refuses records with one.
		 * Repeatable.
		 * @param productCode the product code
		 * @param dimensions the dimensions, empty for any
		 * @return this builder
		 */
		public Builder licenseProduct(String productCode, Set<String> dimensions) {
			product(productCode, dimensions);
			this.licenseProducts.add(productCode);
			return this;
		}

		/**
		 * Declare a license granted to a buyer's account for a product. BatchMeterUsage
		 * answers {@code InvalidLicenseException} for a record whose license is not
		 * declared or belongs to another account. Repeatable: an account may hold several
		 * licenses of one product.
		 * @param licenseArn the license ARN
		 * @param customerAwsAccountId the buyer's AWS account id
		 * @param productCode the product
		 * @return this builder
		 */
		public Builder license(String licenseArn, String customerAwsAccountId, String productCode) {
			this.licenses.put(require(licenseArn, "licenseArn"), new Settings.License(
					require(customerAwsAccountId, "customerAwsAccountId"), require(productCode, "productCode")));
			return this;
		}

		/**
		 * Declare a registration token that ResolveCustomer resolves to an account and a
		 * license (license integration), for the first declared license product (or the
		 * first declared product). The license is declared with it.
		 * @param token the registration token
		 * @param customerAwsAccountId the AWS account id it resolves to
		 * @param licenseArn the license ARN it resolves to
		 * @return this builder
		 */
		public Builder licenseRegistrationToken(String token, String customerAwsAccountId, String licenseArn) {
			this.pendingLicenseTokens.put(require(token, "token"), new String[] {
					require(customerAwsAccountId, "customerAwsAccountId"), require(licenseArn, "licenseArn") });
			return this;
		}

		/**
		 * Declare a subscribed customer (CustomerIdentifier or AWS account id) for
		 * BatchMeterUsage. Repeatable. When none is declared, every customer is
		 * subscribed.
		 * @param customer the customer identifier or AWS account id
		 * @return this builder
		 */
		public Builder subscribedCustomer(String customer) {
			this.subscribedCustomers.add(require(customer, "customer"));
			return this;
		}

		/**
		 * Declare a registration token that ResolveCustomer resolves, for the first
		 * declared product (or {@code emulator-product} when none is declared).
		 * @param token the registration token
		 * @param customerIdentifier the customer identifier it resolves to
		 * @param customerAwsAccountId the AWS account id it resolves to
		 * @return this builder
		 */
		public Builder registrationToken(String token, String customerIdentifier, String customerAwsAccountId) {
			this.pendingTokens.put(require(token, "token"),
					new String[] { require(customerIdentifier, "customerIdentifier"),
							require(customerAwsAccountId, "customerAwsAccountId") });
			return this;
		}

		/**
		 * Declare a registration token that ResolveCustomer resolves, for a given
		 * product.
		 * @param token the registration token
		 * @param customerIdentifier the customer identifier it resolves to
		 * @param customerAwsAccountId the AWS account id it resolves to
		 * @param productCode the product code it resolves to
		 * @return this builder
		 */
		public Builder registrationToken(String token, String customerIdentifier, String customerAwsAccountId,
				String productCode) {
			this.registrationTokens.put(require(token, "token"),
					new Settings.RegistrationToken(require(customerIdentifier, "customerIdentifier"),
							require(customerAwsAccountId, "customerAwsAccountId"), require(productCode, "productCode"),
							null));
			return this;
		}

		/**
		 * Declare a registration token that ResolveCustomer answers with
		 * {@code ExpiredTokenException}.
		 * @param token the token
		 * @return this builder
		 */
		public Builder expiredRegistrationToken(String token) {
			this.expiredTokens.add(require(token, "token"));
			return this;
		}

		/**
		 * Declare an access key id whose DryRun MeterUsage calls are answered
		 * {@code UnauthorizedException}.
		 * @param accessKeyId the access key id
		 * @return this builder
		 */
		public Builder unauthorizedAccessKey(String accessKeyId) {
			this.unauthorizedAccessKeys.add(require(accessKeyId, "accessKeyId"));
			return this;
		}

		/**
		 * Whether the customer is entitled initially; {@code true} by default.
		 * @param entitled whether entitled
		 * @return this builder
		 */
		public Builder entitled(boolean entitled) {
			this.entitled = entitled;
			return this;
		}

		/**
		 * Whether RegisterUsage is called from a supported platform; {@code true} by
		 * default, {@code false} answers {@code PlatformNotSupportedException}.
		 * @param platformSupported whether supported
		 * @return this builder
		 */
		public Builder platformSupported(boolean platformSupported) {
			this.platformSupported = platformSupported;
			return this;
		}

		/**
		 * Declare a valid public key version for RegisterUsage. Repeatable; {@code 1}
		 * when none is declared.
		 * @param version the version, at least 1
		 * @return this builder
		 */
		public Builder publicKeyVersion(int version) {
			if (version < 1) {
				throw new IllegalArgumentException("publicKeyVersion must be at least 1, got " + version);
			}
			this.publicKeyVersions.add(version);
			return this;
		}

		/**
		 * RSA key pair that signs RegisterUsage answers; a 2048-bit pair is generated
		 * when absent.
		 * @param signingKey the key pair
		 * @return this builder
		 */
		public Builder signingKey(KeyPair signingKey) {
			if (signingKey == null || !(signingKey.getPublic() instanceof RSAPublicKey)) {
				throw new IllegalArgumentException("signingKey must be an RSA key pair");
			}
			this.signingKey = signingKey;
			return this;
		}

		/**
		 * The workload's region: requests signed for another region are refused. Any
		 * region when not set.
		 * @param region the region, such as {@code us-east-1}
		 * @return this builder
		 */
		public Builder region(String region) {
			this.region = require(region, "region");
			return this;
		}

		/**
		 * How far in the past BatchMeterUsage accepts a timestamp; 24 hours by default.
		 * Whatever it is, an hour of the previous month is refused after 06:00 UTC on the
		 * 1st.
		 * @param batchAcceptanceWindow a positive duration
		 * @return this builder
		 */
		public Builder batchAcceptanceWindow(Duration batchAcceptanceWindow) {
			if (batchAcceptanceWindow == null || batchAcceptanceWindow.isNegative() || batchAcceptanceWindow.isZero()) {
				throw new IllegalArgumentException(
						"batchAcceptanceWindow must be positive, got " + batchAcceptanceWindow);
			}
			this.batchAcceptanceWindow = batchAcceptanceWindow;
			return this;
		}

		/**
		 * How far in the past MeterUsage accepts a timestamp; 6 hours by default.
		 * @param acceptanceWindow a positive duration
		 * @return this builder
		 */
		public Builder acceptanceWindow(Duration acceptanceWindow) {
			if (acceptanceWindow == null || acceptanceWindow.isNegative() || acceptanceWindow.isZero()) {
				throw new IllegalArgumentException("acceptanceWindow must be positive, got " + acceptanceWindow);
			}
			this.acceptanceWindow = acceptanceWindow;
			return this;
		}

		/**
		 * Initial fault settings (copied); also what {@link #reset()} restores.
		 * @param faults the fault settings
		 * @return this builder
		 */
		public Builder faults(Faults faults) {
			this.faults = require(faults, "faults").copy();
			return this;
		}

		/**
		 * Build the emulator without starting it.
		 * @return the emulator
		 */
		public MarketplaceMeteringEmulator build() {
			String defaultProduct = this.products.isEmpty() ? "emulator-product"
					: this.products.keySet().iterator().next();
			Map<String, Settings.RegistrationToken> tokens = new LinkedHashMap<>();
			String defaultLicenseProduct = this.licenseProducts.isEmpty() ? defaultProduct
					: this.licenseProducts.iterator().next();
			boolean defaultIsLicenseProduct = this.licenseProducts.contains(defaultProduct);
			this.pendingTokens.forEach((token, values) -> tokens.put(token, new Settings.RegistrationToken(
					defaultIsLicenseProduct ? null : values[0], values[1], defaultProduct, null)));
			Map<String, Settings.License> grantedLicenses = new LinkedHashMap<>(this.licenses);
			this.pendingLicenseTokens.forEach((token, values) -> {
				Settings.License license = grantedLicenses.computeIfAbsent(values[1],
						(arn) -> new Settings.License(values[0], defaultLicenseProduct));
				tokens.put(token, new Settings.RegistrationToken(null, values[0], license.productCode(), values[1]));
			});
			tokens.putAll(this.registrationTokens);
			Settings settings = new Settings(this.clock, Map.copyOf(this.products),
					Set.copyOf(this.subscribedCustomers), Map.copyOf(tokens), Set.copyOf(this.expiredTokens),
					this.entitled, this.platformSupported,
					this.publicKeyVersions.isEmpty() ? Set.of(1) : Set.copyOf(this.publicKeyVersions),
					(this.signingKey != null) ? this.signingKey : generateKeyPair(), this.region, this.acceptanceWindow,
					Set.copyOf(this.unauthorizedAccessKeys), this.batchAcceptanceWindow,
					Set.copyOf(this.licenseProducts), Map.copyOf(grantedLicenses));
			return new MarketplaceMeteringEmulator(this, settings);
		}

		/**
		 * Build the emulator and start it.
		 * @return the started emulator
		 */
		public MarketplaceMeteringEmulator start() {
			return build().start();
		}

		private static KeyPair generateKeyPair() {
			try {
				KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
				generator.initialize(2048);
				return generator.generateKeyPair();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("RSA is not available", ex);
			}
		}

		private static <T> T require(T value, String name) {
			if (value == null) {
				throw new IllegalArgumentException(name + " must not be null");
			}
			return value;
		}

	}

	private static final class DaemonThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "metering-emulator-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
