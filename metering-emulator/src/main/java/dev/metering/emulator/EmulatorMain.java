package dev.metering.emulator;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a standalone process:
 * {@code java -jar metering-emulator.jar --port 4566 --product CODE:scans}. Prints
 * {@code Metering emulator listening on http://host:port} once bound and serves until
 * killed. {@code --help} lists the options.
 */
public final class EmulatorMain {

	static final String USAGE = """
			Usage: java -jar metering-emulator.jar [options]
			  --port N                      port to listen on (default 0: ephemeral)
			  --bind ADDRESS                address to bind (default 127.0.0.1)
			  --product CODE[:dim1,dim2]    accepted product and its dimensions (repeatable; none = any product)
			  --customer ID                 subscribed customer id or AWS account id (repeatable; none = all)
			  --registration-token TOKEN,CUSTOMER_ID,ACCOUNT_ID   token ResolveCustomer resolves (repeatable)
			  --license-product CODE[:dim1,dim2]   product of the license integration (repeatable)
			  --license-token TOKEN,ACCOUNT_ID,LICENSE_ARN   token resolving to an account and a license
			                                of the first license product (repeatable)
			  --expired-token TOKEN         token ResolveCustomer answers ExpiredTokenException (repeatable)
			  --public-key-version N        valid RegisterUsage key version (repeatable; default 1)
			  --region REGION               refuse requests signed for another region
			  --window-hours N              acceptance window in hours (default 6)
			  --not-entitled                the customer is not entitled
			  --platform-not-supported      RegisterUsage answers PlatformNotSupportedException
			  --throttle-rate R             fraction answered ThrottlingException (0..1)
			  --server-error-rate R         fraction answered InternalServiceErrorException (0..1)
			  --drop-connection-rate R      fraction dropped without processing (0..1)
			  --lost-response-rate R        fraction processed whose answer is dropped (0..1)
			  --unprocessed-rate R          fraction of batch records returned unprocessed (0..1)
			  --latency-ms N                delay before every answer
			  --seed N                      seed for reproducible faults
			  --help                        print this help
			""";

	private static final Set<String> VALUED = Set.of("--port", "--bind", "--product", "--customer",
			"--registration-token", "--license-product", "--license-token", "--expired-token", "--public-key-version",
			"--region", "--window-hours", "--throttle-rate", "--server-error-rate", "--drop-connection-rate",
			"--lost-response-rate", "--unprocessed-rate", "--latency-ms", "--seed");

	private EmulatorMain() {
	}

	/**
	 * Start the emulator from command line arguments and serve until the process ends.
	 * @param args the arguments, see {@code --help}
	 * @throws InterruptedException if interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("metering-emulator: " + ex.getMessage());
			System.err.println("Try --help.");
			System.exit(2);
			return;
		}
		if (options.help()) {
			System.out.print(USAGE);
			System.out.flush();
			return;
		}
		MarketplaceMeteringEmulator emulator;
		try {
			emulator = options.builder().build().start();
		}
		catch (RuntimeException ex) {
			System.err.println("metering-emulator: " + ex.getMessage());
			System.exit(1);
			return;
		}
		Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "metering-emulator-shutdown"));
		PrintStream out = System.out;
		String bound = emulator.bindAddress().isAnyLocalAddress()
				? " (bound to " + emulator.bindAddress().getHostAddress() + ")" : "";
		out.println("Metering emulator listening on " + emulator.endpoint() + bound);
		out.flush();
		new CountDownLatch(1).await();
	}

	/**
	 * Parsed command line options.
	 *
	 * @param help whether help was asked
	 * @param port the port
	 * @param bind the bind address
	 * @param products products and their dimensions
	 * @param customers subscribed customers
	 * @param registrationTokens tokens to (customer id, account id)
	 * @param expiredTokens expired tokens
	 * @param publicKeyVersions valid key versions
	 * @param region the region or {@code null}
	 * @param window the acceptance window
	 * @param entitled whether entitled
	 * @param platformSupported whether the platform is supported
	 * @param faults the initial faults
	 * @param licenseProducts the products of the license integration
	 * @param licenseTokens the registration tokens resolving to an account and a license
	 */
	record Options(boolean help, int port, InetAddress bind, Map<String, Set<String>> products, Set<String> customers,
			Map<String, List<String>> registrationTokens, Set<String> expiredTokens, Set<Integer> publicKeyVersions,
			String region, Duration window, boolean entitled, boolean platformSupported, Faults faults,
			Set<String> licenseProducts, Map<String, List<String>> licenseTokens) {

		static Options parse(String[] args) {
			boolean help = false;
			int port = 0;
			InetAddress bind = InetAddress.getLoopbackAddress();
			Map<String, Set<String>> products = new LinkedHashMap<>();
			Set<String> licenseProducts = new LinkedHashSet<>();
			Map<String, List<String>> licenseTokens = new LinkedHashMap<>();
			Set<String> customers = new LinkedHashSet<>();
			Map<String, List<String>> tokens = new LinkedHashMap<>();
			Set<String> expired = new LinkedHashSet<>();
			Set<Integer> versions = new LinkedHashSet<>();
			String region = null;
			Duration window = Duration.ofHours(6);
			boolean entitled = true;
			boolean platformSupported = true;
			Faults faults = Faults.none();
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				String name = arg;
				String inline = null;
				int eq = arg.indexOf('=');
				if (arg.startsWith("--") && eq > 0) {
					name = arg.substring(0, eq);
					inline = arg.substring(eq + 1);
				}
				switch (name) {
					case "--help", "-h" -> help = true;
					case "--not-entitled" -> entitled = false;
					case "--platform-not-supported" -> platformSupported = false;
					default -> {
						String value;
						if (!VALUED.contains(name)) {
							throw new IllegalArgumentException("unknown argument " + name);
						}
						if (inline != null) {
							value = inline;
						}
						else {
							if (i + 1 >= args.length) {
								throw new IllegalArgumentException(name + " needs a value");
							}
							value = args[++i];
						}
						switch (name) {
							case "--port" -> port = (int) integer(name, value, 0, 65535);
							case "--bind" -> bind = address(value);
							case "--product", "--license-product" -> {
								int colon = value.indexOf(':');
								String code = (colon < 0) ? value : value.substring(0, colon);
								Set<String> dimensions = new LinkedHashSet<>();
								if (colon >= 0) {
									for (String dimension : value.substring(colon + 1).split(",")) {
										if (!dimension.isBlank()) {
											dimensions.add(dimension.trim());
										}
									}
								}
								if (code.isEmpty() || !MeteringService.PRODUCT_CODE.matcher(code).matches()) {
									throw new IllegalArgumentException(
											"--product: '" + code + "' is not a valid product code");
								}
								products.put(code, dimensions);
								if (name.equals("--license-product")) {
									licenseProducts.add(code);
								}
							}
							case "--customer" -> customers.add(nonEmpty(name, value));
							case "--registration-token" -> {
								String[] parts = value.split(",", -1);
								if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()
										|| !parts[2].matches("[0-9]+")) {
									throw new IllegalArgumentException(
											"--registration-token: expected TOKEN,CUSTOMER_ID,ACCOUNT_ID (digits), got '"
													+ value + "'");
								}
								tokens.put(parts[0], List.of(parts[1], parts[2]));
							}
							case "--license-token" -> {
								String[] parts = value.split(",", 3);
								if (parts.length != 3 || parts[0].isEmpty() || !parts[1].matches("[0-9]+")
										|| !parts[2].startsWith("arn:aws")) {
									throw new IllegalArgumentException(
											"--license-token: expected TOKEN,ACCOUNT_ID (digits),LICENSE_ARN, got '"
													+ value + "'");
								}
								licenseTokens.put(parts[0], List.of(parts[1], parts[2]));
							}
							case "--expired-token" -> expired.add(nonEmpty(name, value));
							case "--public-key-version" ->
								versions.add((int) integer(name, value, 1, Integer.MAX_VALUE));
							case "--region" -> region = nonEmpty(name, value);
							case "--window-hours" -> window = Duration.ofHours(integer(name, value, 1, 24 * 366));
							case "--throttle-rate" -> faults.throttleRate(rate(name, value));
							case "--server-error-rate" -> faults.serverErrorRate(rate(name, value));
							case "--drop-connection-rate" -> faults.dropConnectionRate(rate(name, value));
							case "--lost-response-rate" -> faults.lostResponseRate(rate(name, value));
							case "--unprocessed-rate" -> faults.unprocessedRate(rate(name, value));
							case "--latency-ms" -> faults.latency(Duration.ofMillis(integer(name, value, 0, 600_000)));
							case "--seed" -> faults.seed(integer(name, value, Long.MIN_VALUE, Long.MAX_VALUE));
							default -> throw new IllegalArgumentException("unknown argument " + name);
						}
					}
				}
			}
			return new Options(help, port, bind, products, customers, tokens, expired, versions, region, window,
					entitled, platformSupported, faults, licenseProducts, licenseTokens);
		}

		MarketplaceMeteringEmulator.Builder builder() {
			MarketplaceMeteringEmulator.Builder builder = MarketplaceMeteringEmulator.builder()
				.port(this.port)
				.bindAddress(this.bind)
				.entitled(this.entitled)
				.platformSupported(this.platformSupported)
				.acceptanceWindow(this.window)
				.faults(this.faults);
			this.products.forEach((code, dimensions) -> {
				if (this.licenseProducts.contains(code)) {
					builder.licenseProduct(code, dimensions);
				}
				else {
					builder.product(code, dimensions);
				}
			});
			this.licenseTokens.forEach((token, ids) -> builder.licenseRegistrationToken(token, ids.get(0), ids.get(1)));
			this.customers.forEach(builder::subscribedCustomer);
			this.registrationTokens.forEach((token, ids) -> builder.registrationToken(token, ids.get(0), ids.get(1)));
			this.expiredTokens.forEach(builder::expiredRegistrationToken);
			this.publicKeyVersions.forEach(builder::publicKeyVersion);
			if (this.region != null) {
				builder.region(this.region);
			}
			return builder;
		}

		private static long integer(String name, String value, long min, long max) {
			long parsed;
			try {
				parsed = Long.parseLong(value.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(name + ": '" + value + "' is not an integer");
			}
			if (parsed < min || parsed > max) {
				throw new IllegalArgumentException(name + ": " + parsed + " is not between " + min + " and " + max);
			}
			return parsed;
		}

		private static double rate(String name, String value) {
			double parsed;
			try {
				parsed = Double.parseDouble(value.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(name + ": '" + value + "' is not a number");
			}
			if (!(parsed >= 0 && parsed <= 1)) {
				throw new IllegalArgumentException(name + ": " + value + " is not between 0 and 1");
			}
			return parsed;
		}

		private static String nonEmpty(String name, String value) {
			if (value.isBlank()) {
				throw new IllegalArgumentException(name + " must not be empty");
			}
			return value;
		}

		private static InetAddress address(String value) {
			try {
				return InetAddress.getByName(nonEmpty("--bind", value));
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException("--bind: unknown address '" + value + "'");
			}
		}

	}

}
