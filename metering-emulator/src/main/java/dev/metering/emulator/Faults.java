package dev.metering.emulator;

import java.time.Duration;
import java.util.Random;

/**
 * Fault injection settings of the emulator, applied to AWS operations only (never to the
 * {@code /emulator/*} inspection endpoints). Mutable and thread-safe: the instance
 * returned by {@link MarketplaceMeteringEmulator#faults()} can be changed while the
 * emulator runs. Rates are probabilities between 0 and 1. With a {@link #seed(long) seed}
 * the sequence of injected faults is deterministic for a given sequence of requests.
 */
public final class Faults {

	private volatile double throttleRate;

	private volatile double serverErrorRate;

	private volatile double dropConnectionRate;

	private volatile double lostResponseRate;

	private volatile double unprocessedRate;

	private volatile double expiredCredentialsRate;

	private volatile Duration latency = Duration.ZERO;

	private Long seed;

	private Random random = new Random();

	/**
	 * Create fault settings that inject nothing.
	 * @return new settings with every rate at 0 and no latency
	 */
	public static Faults none() {
		return new Faults();
	}

	/**
	 * Fraction of AWS requests answered {@code ThrottlingException} without processing.
	 * @param rate between 0 and 1
	 * @return this
	 */
	public Faults throttleRate(double rate) {
		this.throttleRate = checkRate("throttleRate", rate);
		return this;
	}

	/**
	 * Fraction of AWS requests answered {@code InternalServiceErrorException} (HTTP 500)
	 * without processing.
	 * @param rate between 0 and 1
	 * @return this
	 */
	public Faults serverErrorRate(double rate) {
		this.serverErrorRate = checkRate("serverErrorRate", rate);
		return this;
	}

	/**
	 * Fraction of AWS requests whose connection is closed without an answer and without
	 * processing.
	 * @param rate between 0 and 1
	 * @return this
	 */
	public Faults dropConnectionRate(double rate) {
		this.dropConnectionRate = checkRate("dropConnectionRate", rate);
		return this;
	}

	/**
	 * Fraction of AWS requests that are processed and committed, after which the
	 * connection is closed without the answer.
	 * @param rate between 0 and 1
	 * @return this
	 */
	public Faults lostResponseRate(double rate) {
		this.lostResponseRate = checkRate("lostResponseRate", rate);
		return this;
	}

	/**
	 * Fraction of BatchMeterUsage records returned untouched in
	 * {@code UnprocessedRecords}.
	 * @param rate between 0 and 1
	 * @return this
	 */
	public Faults unprocessedRate(double rate) {
		this.unprocessedRate = checkRate("unprocessedRate", rate);
		return this;
	}

	/**
	 * Fraction of AWS requests refused with {@code ExpiredTokenException} without
	 * processing, as AWS answers a call signed with temporary credentials that expired (a
	 * failed refresh of the role's session).
	 * @param rate between 0 and 1
	 * @return this
	 */
	public Faults expiredCredentialsRate(double rate) {
		this.expiredCredentialsRate = checkRate("expiredCredentialsRate", rate);
		return this;
	}

	/**
	 * Delay added before every AWS answer.
	 * @param latency a non-negative duration
	 * @return this
	 */
	public Faults latency(Duration latency) {
		if (latency == null || latency.isNegative()) {
			throw new IllegalArgumentException("latency must be a non-negative duration, got " + latency);
		}
		this.latency = latency;
		return this;
	}

	/**
	 * Seed the random source so that injected faults are reproducible.
	 * @param seed the seed
	 * @return this
	 */
	public synchronized Faults seed(long seed) {
		this.seed = seed;
		this.random = new Random(seed);
		return this;
	}

	/**
	 * Return the throttling rate.
	 * @return the rate
	 */
	public double throttleRate() {
		return this.throttleRate;
	}

	/**
	 * Return the server error rate.
	 * @return the rate
	 */
	public double serverErrorRate() {
		return this.serverErrorRate;
	}

	/**
	 * Return the dropped connection rate.
	 * @return the rate
	 */
	public double dropConnectionRate() {
		return this.dropConnectionRate;
	}

	/**
	 * Return the lost response rate.
	 * @return the rate
	 */
	public double lostResponseRate() {
		return this.lostResponseRate;
	}

	/**
	 * Return the unprocessed record rate.
	 * @return the rate
	 */
	public double unprocessedRate() {
		return this.unprocessedRate;
	}

	/**
	 * Return the expired credentials rate.
	 * @return the rate
	 */
	public double expiredCredentialsRate() {
		return this.expiredCredentialsRate;
	}

	/**
	 * Return the latency added before answers.
	 * @return the latency
	 */
	public Duration latency() {
		return this.latency;
	}

	/**
	 * Return the seed, or {@code null} when the random source is unseeded.
	 * @return the seed or {@code null}
	 */
	public synchronized Long seed() {
		return this.seed;
	}

	/**
	 * Copy every setting of {@code other} into this instance (re-seeding when it has a
	 * seed).
	 * @param other the settings to copy
	 * @return this
	 */
	public synchronized Faults copyFrom(Faults other) {
		this.throttleRate = other.throttleRate;
		this.serverErrorRate = other.serverErrorRate;
		this.dropConnectionRate = other.dropConnectionRate;
		this.lostResponseRate = other.lostResponseRate;
		this.unprocessedRate = other.unprocessedRate;
		this.expiredCredentialsRate = other.expiredCredentialsRate;
		this.latency = other.latency;
		Long otherSeed = other.seed();
		this.seed = otherSeed;
		this.random = (otherSeed != null) ? new Random(otherSeed) : new Random();
		return this;
	}

	/**
	 * Return an independent copy of these settings.
	 * @return a copy
	 */
	public Faults copy() {
		return new Faults().copyFrom(this);
	}

	synchronized boolean roll(double rate) {
		if (rate <= 0) {
			return false;
		}
		return rate >= 1 || this.random.nextDouble() < rate;
	}

	private static double checkRate(String name, double rate) {
		if (!(rate >= 0 && rate <= 1)) {
			throw new IllegalArgumentException(name + " must be between 0 and 1, got " + rate);
		}
		return rate;
	}

	@Override
	public String toString() {
		return "Faults[throttleRate=" + this.throttleRate + ", serverErrorRate=" + this.serverErrorRate
				+ ", dropConnectionRate=" + this.dropConnectionRate + ", lostResponseRate=" + this.lostResponseRate
				+ ", unprocessedRate=" + this.unprocessedRate + ", expiredCredentialsRate="
				+ this.expiredCredentialsRate + ", latency=" + this.latency + ", seed=" + seed() + "]";
	}

}
