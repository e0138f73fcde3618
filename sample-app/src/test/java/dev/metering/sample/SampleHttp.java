package dev.metering.sample;

import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.DefaultResponseErrorHandler;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * An HTTP client of the running sample that hands back every answer, 4xx and 5xx
 * included. Plain Spring Framework, so the same tests run on both Spring Boot lines.
 */
final class SampleHttp {

	private SampleHttp() {
	}

	/**
	 * A client whose relative URLs go to the application's port.
	 * @param port the port the application listens on
	 * @return the client
	 */
	static RestTemplate client(int port) {
		RestTemplate rest = new RestTemplate();
		rest.setUriTemplateHandler(new DefaultUriBuilderFactory("http://localhost:" + port));
		rest.setErrorHandler(new DefaultResponseErrorHandler() {

			@Override
			public boolean hasError(ClientHttpResponse response) {
				return false;
			}

		});
		return rest;
	}

}
