package dev.metering.ledger;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How {@code audit.log} is bounded: it is rotated when it reaches a size or an age, the
 * rotated file is compressed with gzip, and only the newest archives are kept.
 *
 * @param maxFileSize the size in bytes at which the active file is rotated
 * @param maxFileAge the age of its first line at which the active file is rotated, before
 * its next append
 * @param maxHistory how many compressed archives are kept; older ones are deleted
 * @author metering-spring-boot
 */
public record AuditPolicy(long maxFileSize, Duration maxFileAge, int maxHistory) {

	/**
	 * Check the policy.
	 */
	public AuditPolicy {
		Assert.isTrue(maxFileSize > 0, () -> "'maxFileSize' is " + maxFileSize + ", but must be positive");
		Assert.isTrue(maxFileAge != null && maxFileAge.compareTo(Duration.ZERO) > 0,
				() -> "'maxFileAge' is " + maxFileAge + ", but must be positive");
		Assert.isTrue(maxHistory >= 0, () -> "'maxHistory' is " + maxHistory + ", but must not be negative");
	}

	/**
	 * Return the defaults: rotate at 10 MB or after a day, keep 90 archives.
	 * @return the default policy
	 */
	public static AuditPolicy defaults() {
		return new AuditPolicy(10L * 1024 * 1024, Duration.ofDays(1), 90);
	}

}
