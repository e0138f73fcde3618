package dev.metering.limits;

/**
 * The limits of the AWS Marketplace Metering Service, declared once: the lengths, counts
 * and quantities of its service model (named after the model's shapes, checked against
 * the botocore model by the tests) and the documented ones the model does not hold. The
 * request validation, usage capture, the {@code @MeteredUsage} checks, the ledger's
 * reports and the reporter's batches all read them here.
 *
 * @author metering-spring-boot
 */
public final class MeteringLimits {

	/**
	 * Stricter than the model (min 0): an empty product code is never valid.
	 */
	public static final int PRODUCT_CODE_MIN = 1;

	/** Longest product code. */
	public static final int PRODUCT_CODE_MAX = 255;

	/** Shortest dimension name. */
	public static final int USAGE_DIMENSION_MIN = 1;

	/** Longest dimension name. */
	public static final int USAGE_DIMENSION_MAX = 255;

	/** Smallest quantity of a record. */
	public static final int USAGE_QUANTITY_MIN = 0;

	/**
	 * Largest quantity of one record, that is of one dimension and hour: 2,147,483,647.
	 */
	public static final int USAGE_QUANTITY_MAX = Integer.MAX_VALUE;

	/** Smallest quantity of an allocation. */
	public static final int ALLOCATED_USAGE_QUANTITY_MIN = 0;

	/** Largest quantity of an allocation. */
	public static final int ALLOCATED_USAGE_QUANTITY_MAX = Integer.MAX_VALUE;

	/** Shortest MeterUsage client token. */
	public static final int CLIENT_TOKEN_MIN = 1;

	/** Longest MeterUsage client token. */
	public static final int CLIENT_TOKEN_MAX = 64;

	/** Fewest allocations of a record that has any. */
	public static final int USAGE_ALLOCATIONS_MIN = 1;

	/** Most allocations of one record. */
	public static final int USAGE_ALLOCATIONS_MAX = 2_500;

	/** Fewest tags of an allocation that has any. */
	public static final int TAGS_MIN = 1;

	/** Most tags of one allocation. */
	public static final int TAGS_MAX = 5;

	/** Shortest tag key. */
	public static final int TAG_KEY_MIN = 1;

	/** Longest tag key. */
	public static final int TAG_KEY_MAX = 100;

	/** Shortest tag value. */
	public static final int TAG_VALUE_MIN = 1;

	/** Longest tag value. */
	public static final int TAG_VALUE_MAX = 256;

	/** Fewest records of a BatchMeterUsage call. */
	public static final int USAGE_RECORDS_MIN = 0;

	/** Most records of one BatchMeterUsage call. */
	public static final int USAGE_RECORDS_MAX = 25;

	/**
	 * Stricter than the model (min 0): an empty customer identifier is never valid.
	 */
	public static final int CUSTOMER_IDENTIFIER_MIN = 1;

	/** Longest customer identifier. */
	public static final int CUSTOMER_IDENTIFIER_MAX = 255;

	/** Shortest customer AWS account id. */
	public static final int CUSTOMER_AWS_ACCOUNT_ID_MIN = 1;

	/** Longest customer AWS account id. */
	public static final int CUSTOMER_AWS_ACCOUNT_ID_MAX = 255;

	/** Smallest RegisterUsage public key version. */
	public static final int PUBLIC_KEY_VERSION_MIN = 1;

	/** Longest RegisterUsage nonce. */
	public static final int NONCE_MAX = 255;

	/**
	 * A BatchMeterUsage body must be smaller than 1 MB (documented, not in the model).
	 */
	public static final int BATCH_METER_USAGE_BODY_LIMIT = 1_048_576;

	private MeteringLimits() {
	}

}
