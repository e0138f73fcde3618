package dev.metering.reporting;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.metering.ledger.Allocation;
import dev.metering.ledger.UsageReport;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Builds the requests for stored {@link UsageReport reports}: the same report always
 * gives the same request.
 *
 * @author metering-spring-boot
 */
final class UsageRequests {

	private static final Pattern AWS_ACCOUNT_ID = Pattern.compile("\\d{12}");

	private UsageRequests() {
	}

	static MeterUsageRequest meterUsage(UsageReport report) {
		MeterUsageRequest.Builder request = MeterUsageRequest.builder()
			.usageDimension(report.dimension())
			.timestamp(report.hour())
			.usageQuantity(Math.toIntExact(report.quantity()))
			.clientToken(report.clientToken());
		if (isTagged(report)) {
			request.usageAllocations(allocations(report));
		}
		return request.build();
	}

	/**
	 * Build the usage record of a customer's report. The customer of a report with a
	 * license is an AWS account id ({@code CustomerAWSAccountId}; the license is added to
	 * the request with {@link dev.metering.core.LicenseArns}). Without a license, a
	 * customer of twelve digits is an AWS account id; anything else is a
	 * {@code CustomerIdentifier} from ResolveCustomer.
	 * @param report the report
	 * @return the usage record
	 */
	static UsageRecord usageRecord(UsageReport report) {
		UsageRecord.Builder record = UsageRecord.builder()
			.dimension(report.dimension())
			.timestamp(report.hour())
			.quantity(Math.toIntExact(report.quantity()));
		if (report.license() != null || AWS_ACCOUNT_ID.matcher(report.customer()).matches()) {
			record.customerAWSAccountId(report.customer());
		}
		else {
			record.customerIdentifier(report.customer());
		}
		if (isTagged(report)) {
			record.usageAllocations(allocations(report));
		}
		return record.build();
	}

	static UsageRecord untagged(UsageRecord record) {
		return record.toBuilder().usageAllocations((List<UsageAllocation>) null).build();
	}

	static String customerOf(UsageRecord record) {
		return (record.customerAWSAccountId() != null) ? record.customerAWSAccountId() : record.customerIdentifier();
	}

	private static boolean isTagged(UsageReport report) {
		return report.allocations().stream().anyMatch((allocation) -> !allocation.tags().isEmpty());
	}

	private static List<UsageAllocation> allocations(UsageReport report) {
		return report.allocations().stream().map(UsageRequests::allocation).toList();
	}

	private static UsageAllocation allocation(Allocation allocation) {
		UsageAllocation.Builder builder = UsageAllocation.builder()
			.allocatedUsageQuantity(Math.toIntExact(allocation.quantity()));
		if (!allocation.tags().isEmpty()) {
			builder.tags(allocation.tags().entrySet().stream().map(UsageRequests::tag).toList());
		}
		return builder.build();
	}

	private static Tag tag(Map.Entry<String, String> tag) {
		return Tag.builder().key(tag.getKey()).value(tag.getValue()).build();
	}

}
