package dev.metering.emulator;

import java.time.Instant;

/**
 * A customer and hour billed by BatchMeterUsage in both shapes: a legacy record (with the
 * product code) and a license record (with {@code LicenseArn}). AWS bills both, so a
 * correct client never causes one.
 *
 * @param customerAwsAccountId the customer's AWS account id (or the customer identifier
 * when no registration token maps it to an account)
 * @param hour the hour
 */
public record MixedShape(String customerAwsAccountId, Instant hour) {

}
