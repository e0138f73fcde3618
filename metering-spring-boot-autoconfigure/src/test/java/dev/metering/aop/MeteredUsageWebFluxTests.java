package dev.metering.aop;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.metering.annotation.MeteredUsage;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.reactive.HttpHandlerAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.ReactiveWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.reactive.context.AnnotationConfigReactiveWebServerApplicationContext;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests a {@code @MeteredUsage} WebFlux endpoint over a real server: a request whose
 * client disconnects before the answer is not billed, an answered one is.
 */
class MeteredUsageWebFluxTests {

	private static final UsageKey SCANS = UsageKey.of("scans");

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner(
			AnnotationConfigReactiveWebServerApplicationContext::new)
		.withConfiguration(AutoConfigurations.of(ReactiveWebServerFactoryAutoConfiguration.class,
				HttpHandlerAutoConfiguration.class, WebFluxAutoConfiguration.class))
		.withUserConfiguration(MeteringTestConfiguration.class)
		.withBean(ScanController.class)
		.withPropertyValues("server.port=0", "server.address=127.0.0.1");

	@Test
	void answeredRequestIsBilledAndOneWhoseClientDisconnectedIsNot() {
		this.contextRunner.run((context) -> {
			int port = context.getSourceApplicationContext(ReactiveWebServerApplicationContext.class)
				.getWebServer()
				.getPort();
			ScanController controller = context.getBean(ScanController.class);
			SummingUsageLedger ledger = context.getBean(SummingUsageLedger.class);
			HttpResponse<String> answered = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fast")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(answered.statusCode()).isEqualTo(200);
			assertThat(answered.body()).isEqualTo("scanned");
			assertThat(ledger.quantities()).containsExactly(Map.entry(SCANS, 1L));
			try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
				OutputStream request = client.getOutputStream();
				request.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				request.flush();
				await().atMost(Duration.ofSeconds(10)).until(() -> controller.slowAnswer() != null);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> controller.slowAnswer().isCancelled());
			assertThat(ledger.quantities()).containsExactly(Map.entry(SCANS, 1L));
			assertThat(context.getBean(MeteredUsageAspect.class).getFailureCount()).isZero();
		});
	}

	@RestController
	static class ScanController {

		private volatile CompletableFuture<String> slowAnswer;

		// read through the proxy, from the target
		public CompletableFuture<String> slowAnswer() {
			return this.slowAnswer;
		}

		@GetMapping("/slow")
		@MeteredUsage(dimension = "scans")
		public Mono<String> slow() {
			CompletableFuture<String> answer = new CompletableFuture<>();
			// cancels the future when the response is cancelled
			return Mono.fromFuture(answer).doOnSubscribe((subscription) -> this.slowAnswer = answer);
		}

		@GetMapping("/fast")
		@MeteredUsage(dimension = "scans")
		public Mono<String> fast() {
			return Mono.just("scanned");
		}

	}

}
