package dev.metering.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * Carries {@code LicenseArn} on the wire for an SDK whose model predates it (such as
 * 2.41.4): writes the license ARN of each BatchMeterUsage record, set with
 * {@link LicenseArns#withLicenseArns}, into the AWS JSON 1.1 body and leaves out the
 * request-level {@code ProductCode}; reads {@code LicenseArn} from the ResolveCustomer
 * answer. The body is changed before it is signed. Requests without license ARNs pass
 * unchanged; with an SDK that has the field it does nothing.
 *
 * @author metering-spring-boot
 */
public class LicenseArnInterceptor implements ExecutionInterceptor {

	private static final ExecutionAttribute<byte[]> REWRITTEN_BODY = new ExecutionAttribute<>(
			"dev.metering.LicenseArnBody");

	private static final JsonFactory JSON = new JsonFactory();

	@Override
	public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
			ExecutionAttributes executionAttributes) {
		byte[] body = rewrittenBody(context, executionAttributes);
		SdkHttpRequest request = context.httpRequest();
		if (body == null) {
			return request;
		}
		if (request instanceof SdkHttpFullRequest full) {
			// the SDK may send the content of a full request: it must be the new body too
			return full.toBuilder()
				.contentStreamProvider(() -> new ByteArrayInputStream(body))
				.putHeader("Content-Length", String.valueOf(body.length))
				.build();
		}
		return request.toBuilder().putHeader("Content-Length", String.valueOf(body.length)).build();
	}

	@Override
	public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
			ExecutionAttributes executionAttributes) {
		byte[] body = rewrittenBody(context, executionAttributes);
		return (body != null) ? Optional.of(RequestBody.fromBytes(body)) : context.requestBody();
	}

	/**
	 * Return the body with license ARNs, made once per attempt from the body the SDK
	 * marshalled (the SDK may ask for the content before or after the request), or
	 * {@code null} for a request without license ARNs.
	 */
	private static byte[] rewrittenBody(Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
		List<String> licenses = executionAttributes.getAttribute(LicenseArns.RECORD_LICENSES);
		if (licenses == null || !(context.request() instanceof BatchMeterUsageRequest)) {
			return null;
		}
		byte[] body = executionAttributes.getAttribute(REWRITTEN_BODY);
		if (body == null && context.requestBody().isPresent()) {
			body = withLicenses(read(context.requestBody().get()), licenses);
			executionAttributes.putAttribute(REWRITTEN_BODY, body);
		}
		return body;
	}

	@Override
	public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
			ExecutionAttributes executionAttributes) {
		AtomicReference<String> holder = executionAttributes.getAttribute(LicenseArns.RESOLVED_LICENSE);
		Optional<InputStream> content = context.responseBody();
		if (holder == null || content.isEmpty() || !context.httpResponse().isSuccessful()) {
			return content;
		}
		try (InputStream in = content.get()) {
			byte[] body = in.readAllBytes();
			holder.set(topLevelString(body, "LicenseArn"));
			return Optional.of(new ByteArrayInputStream(body));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Copy a BatchMeterUsage body, adding {@code LicenseArn} to each usage record and
	 * leaving out {@code ProductCode}.
	 * @param body the body the SDK wrote
	 * @param licenses the license ARN of each record, in order
	 * @return the new body
	 */
	static byte[] withLicenses(byte[] body, List<String> licenses) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 128 * licenses.size());
		try (JsonParser parser = JSON.createParser(body); JsonGenerator generator = JSON.createGenerator(out)) {
			int depth = 0;
			boolean inRecords = false;
			int record = -1;
			for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
				if (depth == 1 && token == JsonToken.FIELD_NAME) {
					String name = parser.currentName();
					if ("ProductCode".equals(name)) {
						parser.nextToken();
						parser.skipChildren();
						continue;
					}
					inRecords = "UsageRecords".equals(name);
				}
				if (inRecords && depth == 2 && token == JsonToken.START_OBJECT) {
					record++;
				}
				if (inRecords && depth == 3 && token == JsonToken.END_OBJECT) {
					generator.writeStringField("LicenseArn", licenses.get(record));
				}
				if (token.isNumeric()) {
					// as written, never re-formatted: 1782900000.000 stays as it is
					generator.writeNumber(parser.getText());
				}
				else {
					generator.copyCurrentEvent(parser);
				}
				if (token.isStructStart()) {
					depth++;
				}
				else if (token.isStructEnd()) {
					depth--;
				}
			}
			if (record + 1 != licenses.size()) {
				throw new IllegalStateException("BatchMeterUsage body has " + (record + 1) + " usage records for "
						+ licenses.size() + " licenses");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not add LicenseArn to the BatchMeterUsage body", ex);
		}
		return out.toByteArray();
	}

	private static String topLevelString(byte[] body, String field) throws IOException {
		try (JsonParser parser = JSON.createParser(body)) {
			int depth = 0;
			for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
				if (depth == 1 && token == JsonToken.FIELD_NAME && field.equals(parser.currentName())) {
					return (parser.nextToken() == JsonToken.VALUE_STRING) ? parser.getText() : null;
				}
				if (token.isStructStart()) {
					depth++;
				}
				else if (token.isStructEnd()) {
					depth--;
				}
			}
			return null;
		}
	}

	private static byte[] read(RequestBody body) {
		try (InputStream in = body.contentStreamProvider().newStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
