package dev.metering.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.metering.emulator.AcceptedRecord;
import dev.metering.emulator.Faults;
import dev.metering.emulator.MarketplaceMeteringEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replica JVMs ({@link FleetReplicaChild}) on one PostgreSQL bill the same 50
 * customers (half license, half legacy) through emulator faults (30% throttling, 10% 5xx,
 * 5% answers lost after AWS committed). The leader is killed with {@code kill -9} while
 * it reports, a follower right after a flush; each is restarted on its own ledger
 * directory. At the end AWS (the emulator) holds exactly what the replicas acknowledged,
 * one record per customer and hour, no {@code DuplicateRecord}, no mixed shapes.
 */
class FleetCrashTests {

	private static final Instant BASE = Instant.parse("2026-03-01T10:55:00Z");

	/** One simulated hour takes 10 s. */
	private static final long SPEED_UP = 360;

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static FleetDatabase database;

	@TempDir
	Path directory;

	@BeforeAll
	static void startDatabase() {
		database = FleetDatabase.start();
	}

	@AfterAll
	static void stopDatabase() throws IOException {
		database.close();
	}

	@Test
	void killedLeaderAndFollowerRestartOnTheirDirectoriesAndEveryAcknowledgedUnitIsBilledOnce() throws Exception {
		FleetSchema schema = database.newSchema();
		long realStart = System.currentTimeMillis();
		FleetReplicaChild.Simulated clock = new FleetReplicaChild.Simulated(BASE, realStart, SPEED_UP);
		MarketplaceMeteringEmulator.Builder settings = MarketplaceMeteringEmulator.builder()
			.clock(clock)
			.product(FleetReplicaChild.PRODUCT, Set.of("scans"))
			.faults(Faults.none().throttleRate(0.3).serverErrorRate(0.1).lostResponseRate(0.05).seed(11));
		for (int customer = 0; customer < FleetReplicaChild.CUSTOMERS / 2; customer++) {
			settings.license(FleetReplicaChild.license(customer), FleetReplicaChild.account(customer),
					FleetReplicaChild.PRODUCT);
		}
		try (MarketplaceMeteringEmulator emulator = settings.build().start()) {
			List<Child> children = new ArrayList<>();
			List<Child> all = new ArrayList<>();
			for (int replica = 0; replica < 3; replica++) {
				Child child = Child.start(emulator, schema, this.directory.resolve("replica-" + replica), realStart);
				children.add(child);
				all.add(child);
			}
			try {
				// the leader is killed while it reports the first hour
				Child leader = await().atMost(TIMEOUT)
					.until(() -> children.stream().filter((child) -> child.reporting.getCount() == 0).findFirst(),
							java.util.Optional::isPresent)
					.get();
				leader.kill();
				Child restartedLeader = Child.start(emulator, schema, leader.directory, realStart);
				children.set(children.indexOf(leader), restartedLeader);
				all.add(restartedLeader);
				// a follower is killed between two flushes
				Child follower = children.stream().filter((child) -> child != restartedLeader).findFirst().get();
				follower.awaitFlushes(3);
				follower.kill();
				Child restartedFollower = Child.start(emulator, schema, follower.directory, realStart);
				children.set(children.indexOf(follower), restartedFollower);
				all.add(restartedFollower);
				// bill into the third hour, then stop recording
				await().atMost(TIMEOUT).until(() -> clock.instant().isAfter(BASE.plus(Duration.ofMinutes(125))));
				for (Child child : children) {
					child.stopRecording();
				}
				Instant lastHour = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
				JdbcClient jdbc = JdbcClient.create(database.dataSource());
				await().atMost(TIMEOUT)
					.pollInterval(Duration.ofMillis(200))
					.until(() -> settled(jdbc, schema, lastHour));
			}
			finally {
				for (Child child : all) {
					child.close();
				}
			}
			Map<String, Long> acknowledged = new HashMap<>();
			Map<String, Long> inFlight = new HashMap<>();
			for (Child child : all) {
				child.acknowledged.forEach((customer, quantity) -> acknowledged.merge(customer, quantity, Long::sum));
				child.begun.values()
					.forEach((begun) -> inFlight.merge(begun.split(" ")[0], Long.parseLong(begun.split(" ")[1]),
							Long::sum));
			}
			List<AcceptedRecord> records = emulator.records();
			Map<String, Long> accepted = records.stream()
				.collect(Collectors.groupingBy(FleetCrashTests::customerOf,
						Collectors.summingLong(AcceptedRecord::quantity)));
			assertThat(accepted.keySet()).isEqualTo(acknowledged.keySet());
			acknowledged.forEach((customer, quantity) -> assertThat(accepted.get(customer)).as(customer)
				.isBetween(quantity, quantity + inFlight.getOrDefault(customer, 0L)));
			assertThat(emulator.counters().rejected("DuplicateRecord")).isZero();
			assertThat(emulator.mixedShapes()).isEmpty();
			assertThat(records.stream()
				.collect(Collectors.groupingBy((record) -> List.of(customerOf(record), record.hour()),
						Collectors.counting()))
				.values()).containsOnly(1L);
		}
	}

	/**
	 * Every hour up to the last one closed and reported, nothing pending, nothing
	 * uncounted.
	 */
	private static boolean settled(JdbcClient jdbc, FleetSchema schema, Instant lastHour) {
		Long open = jdbc
			.sql("select (select count(*) from " + schema.table("report")
					+ " where state in ('CLOSED', 'SENDING')) + (select count(*) from " + schema.table("contribution")
					+ " where quantity > counted) + (select count(*) from " + schema.table("fleet")
					+ " where closed_through is null or closed_through < ?)")
			.param(Timestamps.of(lastHour))
			.query(Long.class)
			.single();
		return open == 0;
	}

	private static String customerOf(AcceptedRecord record) {
		return (record.licenseArn() != null) ? record.licenseArn() : record.customer();
	}

	private static final class Child implements AutoCloseable {

		final Path directory;

		final Process process;

		final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

		final Map<String, String> begun = new ConcurrentHashMap<>();

		final CountDownLatch reporting = new CountDownLatch(1);

		volatile int flushes;

		private final Thread reader;

		private Child(Path directory, Process process) {
			this.directory = directory;
			this.process = process;
			this.reader = new Thread(this::read, "fleet-child-output");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		static Child start(MarketplaceMeteringEmulator emulator, FleetSchema schema, Path directory, long realStart)
				throws IOException {
			String java = ProcessHandle.current().info().command().orElse("java");
			Path log = Files.createDirectories(Path.of("target")).resolve("fleet-crash-child.log");
			List<String> command = List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp",
					System.getProperty("java.class.path"), FleetReplicaChild.class.getName(),
					emulator.endpoint().toString(), database.jdbcUrl(), schema.prefix(), directory.toString(),
					BASE.toString(), Long.toString(realStart), Long.toString(SPEED_UP));
			return new Child(directory,
					new ProcessBuilder(command).redirectError(Redirect.appendTo(log.toFile())).start());
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.endsWith(" .")) {
						accept(line.substring(0, line.length() - 2).split(" "));
					}
				}
			}
			catch (IOException ex) {
				// the child died
			}
		}

		private void accept(String[] fields) {
			switch (fields[0]) {
				case "BEGIN" -> this.begun.put(fields[1], fields[2] + " " + fields[3]);
				case "ACK" -> {
					this.begun.remove(fields[1]);
					this.acknowledged.merge(fields[2], Long.parseLong(fields[3]), Long::sum);
				}
				case "FLUSHED" -> this.flushes++;
				case "REPORTING" -> this.reporting.countDown();
				default -> {
					// not part of the protocol
				}
			}
		}

		void awaitFlushes(int count) {
			int start = this.flushes;
			await().atMost(TIMEOUT).until(() -> this.flushes >= start + count);
		}

		void stopRecording() throws IOException {
			OutputStream in = this.process.getOutputStream();
			in.write("stop\n".getBytes(StandardCharsets.UTF_8));
			in.flush();
		}

		/**
		 * SIGKILL the child, then read what it printed to the end.
		 */
		void kill() throws InterruptedException {
			this.process.toHandle().destroyForcibly();
			assertThat(this.process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("child killed").isTrue();
			this.reader.join(TIMEOUT.toMillis());
		}

		@Override
		public void close() throws Exception {
			if (this.process.isAlive()) {
				this.process.getOutputStream().close();
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.toHandle().destroyForcibly();
				}
			}
			this.reader.join(TIMEOUT.toMillis());
		}

	}

}
