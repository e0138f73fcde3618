package dev.metering.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

import org.springframework.util.Assert;

/**
 * The {@code LicenseArn} of BatchMeterUsage records and of the ResolveCustomer answer, on
 * every SDK version. An SDK whose model has the field (2.42.3 and later) carries it in
 * the field; an older one (such as 2.41.4) carries it in an execution attribute of the
 * request that {@link LicenseArnInterceptor} writes into the AWS JSON 1.1 body.
 *
 * @author metering-spring-boot
 */
public final class LicenseArns {

	static final ExecutionAttribute<List<String>> RECORD_LICENSES = new ExecutionAttribute<>(
			"dev.metering.RecordLicenseArns");

	static final ExecutionAttribute<AtomicReference<String>> RESOLVED_LICENSE = new ExecutionAttribute<>(
			"dev.metering.ResolvedLicenseArn");

	private static final Method RECORD_FIELD = method(UsageRecord.class, "licenseArn");

	private static final Method RECORD_BUILDER_FIELD = method(UsageRecord.Builder.class, "licenseArn", String.class);

	private static final Method RESOLVED_FIELD = method(ResolveCustomerResponse.class, "licenseArn");

	private LicenseArns() {
	}

	/**
	 * Return whether the SDK on the classpath has the {@code LicenseArn} field, so that
	 * no {@link LicenseArnInterceptor} is needed.
	 * @return whether the SDK has the field
	 */
	public static boolean sdkHasField() {
		return RECORD_FIELD != null && RECORD_BUILDER_FIELD != null && RESOLVED_FIELD != null;
	}

	/**
	 * Return a request whose records carry the given license ARNs (license integration).
	 * @param request the request, whose records have {@code CustomerAWSAccountId}
	 * @param licenseArns the license ARN of each record, in order
	 * @return the request with the license ARNs
	 */
	public static BatchMeterUsageRequest withLicenseArns(BatchMeterUsageRequest request, List<String> licenseArns) {
		Assert.isTrue(licenseArns.size() == request.usageRecords().size(),
				"'licenseArns' must have one entry per usage record");
		Assert.noNullElements(licenseArns, "'licenseArns' must not contain null");
		if (sdkHasField()) {
			List<UsageRecord> records = new ArrayList<>();
			for (int i = 0; i < licenseArns.size(); i++) {
				UsageRecord.Builder record = request.usageRecords().get(i).toBuilder();
				invoke(RECORD_BUILDER_FIELD, record, licenseArns.get(i));
				records.add(record.build());
			}
			return request.toBuilder().usageRecords(records).build();
		}
		return request.toBuilder()
			.overrideConfiguration(overrides(request.overrideConfiguration().orElse(null))
				.putExecutionAttribute(RECORD_LICENSES, List.copyOf(licenseArns))
				.build())
			.build();
	}

	/**
	 * Return the license ARN of each record of a request.
	 * @param request the request
	 * @return the license ARN of each record, in order, {@code null} for a record without
	 * one
	 */
	public static List<String> of(BatchMeterUsageRequest request) {
		if (!request.hasUsageRecords()) {
			return List.of();
		}
		if (sdkHasField()) {
			return request.usageRecords()
				.stream()
				.map((record) -> (record != null) ? (String) invoke(RECORD_FIELD, record) : null)
				.toList();
		}
		List<String> attached = request.overrideConfiguration()
			.map((overrides) -> overrides.executionAttributes().getAttribute(RECORD_LICENSES))
			.orElse(null);
		return (attached != null) ? attached : Collections.nCopies(request.usageRecords().size(), null);
	}

	/**
	 * Return the {@code LicenseArn} field of a record, or {@code null} when the SDK has
	 * no such field or the record has none.
	 * @param record the record
	 * @return the license ARN in the field
	 */
	static String fieldOf(UsageRecord record) {
		return (RECORD_FIELD != null && record != null) ? (String) invoke(RECORD_FIELD, record) : null;
	}

	/**
	 * Return whether any record of a request carries a license ARN.
	 * @param request the request
	 * @return whether it is a request of the license integration
	 */
	static boolean hasAny(BatchMeterUsageRequest request) {
		return of(request).stream().anyMatch(Objects::nonNull);
	}

	/**
	 * Prepare a ResolveCustomer request so that the license ARN of the answer can be read
	 * with {@link #resolved}.
	 * @param request the request
	 * @param holder where the license ARN is put
	 * @return the request
	 */
	static ResolveCustomerRequest resolving(ResolveCustomerRequest request, AtomicReference<String> holder) {
		if (sdkHasField()) {
			return request;
		}
		return request.toBuilder()
			.overrideConfiguration(overrides(request.overrideConfiguration().orElse(null))
				.putExecutionAttribute(RESOLVED_LICENSE, holder)
				.build())
			.build();
	}

	/**
	 * Return the license ARN of a ResolveCustomer answer.
	 * @param response the answer
	 * @param holder the holder given to {@link #resolving}
	 * @return the license ARN, or {@code null}
	 */
	static String resolved(ResolveCustomerResponse response, AtomicReference<String> holder) {
		return sdkHasField() ? (String) invoke(RESOLVED_FIELD, response) : holder.get();
	}

	private static AwsRequestOverrideConfiguration.Builder overrides(AwsRequestOverrideConfiguration existing) {
		return (existing != null) ? existing.toBuilder() : AwsRequestOverrideConfiguration.builder();
	}

	private static Method method(Class<?> type, String name, Class<?>... parameterTypes) {
		try {
			return type.getMethod(name, parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	private static Object invoke(Method method, Object target, Object... arguments) {
		try {
			return method.invoke(target, arguments);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Could not call " + method, ex);
		}
	}

}
