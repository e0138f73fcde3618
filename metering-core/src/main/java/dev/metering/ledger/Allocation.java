package dev.metering.ledger;

import java.util.SortedMap;

/**
 * The quantity of one allocation tag set within a {@link UsageReport}.
 *
 * @param tags the allocation tags; empty for the untagged bucket
 * @param quantity the quantity, 0..2,147,483,647
 * @author metering-spring-boot
 */
public record Allocation(SortedMap<String, String> tags, long quantity) {

}
