package dev.metering.ledger;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.springframework.util.Assert;

/**
 * What a quantity of usage is for: a dimension, the customer it is billed to (SaaS
 * products; {@code null} for the product's own usage, reported with MeterUsage), the
 * customer's license (license integration; {@code null} in the legacy integration) and
 * the allocation tag set (empty for untagged usage). The ledger aggregates per key and
 * hour.
 *
 * @param dimension the dimension name
 * @param customer the customer identifier or AWS account id, or {@code null}
 * @param license the license ARN of the customer, or {@code null}
 * @param tags the allocation tags, sorted by key; empty when untagged
 * @author metering-spring-boot
 */
public record UsageKey(String dimension, String customer, String license, SortedMap<String, String> tags) {

	/**
	 * Create a key, copying the tags into an unmodifiable sorted map.
	 * @param dimension the dimension name
	 * @param customer the customer identifier or AWS account id, or {@code null}
	 * @param license the license ARN of the customer, or {@code null}
	 * @param tags the allocation tags, sorted by key; empty when untagged
	 */
	public UsageKey {
		Assert.hasText(dimension, "'dimension' must not be empty");
		Assert.isTrue(license == null || customer != null, "'license' needs a customer");
		tags = (tags == null || tags.isEmpty()) ? Collections.emptySortedMap()
				: Collections.unmodifiableSortedMap(new TreeMap<>(tags));
	}

	/**
	 * Create a key without a license.
	 * @param dimension the dimension name
	 * @param customer the customer identifier or AWS account id, or {@code null}
	 * @param tags the allocation tags; empty when untagged
	 */
	public UsageKey(String dimension, String customer, SortedMap<String, String> tags) {
		this(dimension, customer, null, tags);
	}

	/**
	 * Create a key for untagged usage of the product's own.
	 * @param dimension the dimension name
	 * @return the key
	 */
	public static UsageKey of(String dimension) {
		return new UsageKey(dimension, null, null);
	}

	/**
	 * Create a key.
	 * @param dimension the dimension name
	 * @param customer the customer, or {@code null}
	 * @param tags the allocation tags, possibly empty
	 * @return the key
	 */
	public static UsageKey of(String dimension, String customer, Map<String, String> tags) {
		return of(dimension, customer, null, tags);
	}

	/**
	 * Create a key.
	 * @param dimension the dimension name
	 * @param customer the customer, or {@code null}
	 * @param license the customer's license ARN, or {@code null}
	 * @param tags the allocation tags, possibly empty
	 * @return the key
	 */
	public static UsageKey of(String dimension, String customer, String license, Map<String, String> tags) {
		return new UsageKey(dimension, customer, license,
				(tags == null || tags.isEmpty()) ? null : new TreeMap<>(tags));
	}

}
