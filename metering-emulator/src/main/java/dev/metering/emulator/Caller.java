package dev.metering.emulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who signed a request: the access key id and the region of its SigV4 credential scope.
 *
 * @param accessKeyId the access key id
 * @param region the region of the credential scope
 */
record Caller(String accessKeyId, String region) {

	private static final Pattern CREDENTIAL = Pattern
		.compile("Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request");

	/**
	 * Read the caller from a SigV4 {@code Authorization} header.
	 * @param authorization the header value, may be {@code null}
	 * @return the caller, or {@code null} when the header is missing or not SigV4
	 */
	static Caller fromAuthorization(String authorization) {
		if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256")) {
			return null;
		}
		Matcher matcher = CREDENTIAL.matcher(authorization);
		if (!matcher.find()) {
			return null;
		}
		return new Caller(matcher.group(1), matcher.group(3));
	}

}
