package dev.metering.sample;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.LoggerContext;
import dev.metering.autoconfigure.MarketplaceMeteringClientCustomizer;
import dev.metering.reporting.UsageReporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's structured logging in the ECS format, the reporter's warnings are
 * JSON lines whose fields include the AWS error codes and the customer, dimension, hour
 * and report id: here for a run that AWS refuses with {@code AccessDeniedException}, as
 * it does while the IAM role lacks {@code aws-marketplace:BatchMeterUsage}.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.structured.format.console=ecs", "management.server.port=0" })
class SampleAppStructuredLogTests {

	@TempDir
	static Path ledgerDirectory;

	@DynamicPropertySource
	static void ledgerDirectory(DynamicPropertyRegistry properties) {
		properties.add("aws.marketplace.metering.ledger.directory", () -> ledgerDirectory.toString());
	}

	@Value("${local.server.port}")
	private int port;

	/**
	 * Spring Boot sets logging up once while a context is open in the JVM, and other
	 * tests' cached contexts set it up plain: let this context set it up with its own
	 * format. It is closed after the class, which releases logging to the next context.
	 */
	@BeforeAll
	static void releaseLoggingOfCachedContexts() {
		((LoggerContext) LoggerFactory.getILoggerFactory()).removeObject(LoggingSystem.class.getName());
	}

	@Autowired
	private UsageReporter reporter;

	@Test
	void anAccessDeniedRunWarnsNamingTheCodeWithTheReportsFieldsAsJson(CapturedOutput output) {
		RestTemplate rest = SampleHttp.client(this.port);
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("x-amzn-marketplace-token", LocalMarketplaceConfiguration.DEMO_REGISTRATION_TOKEN);
		HttpHeaders formHeaders = new HttpHeaders();
		formHeaders.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
		assertThat(rest.postForEntity("/marketplace/register", new HttpEntity<>(form, formHeaders), Map.class)
			.getStatusCode()).isEqualTo(HttpStatus.OK);
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_PLAIN);
		headers.set("X-Customer-Id", LocalMarketplaceConfiguration.DEMO_LICENSE);
		assertThat(rest.postForEntity("/scans", new HttpEntity<>("a scan", headers), Map.class).getStatusCode())
			.isEqualTo(HttpStatus.OK);

		assertThat(this.reporter.report(true).pending()).isPositive();

		List<String> warnings = Arrays.stream(output.getOut().split("\\R"))
			.filter((line) -> line.startsWith("{") && line.contains("\"level\":\"WARN\""))
			.toList();
		assertThat(warnings).anySatisfy((line) -> assertThat(line)
			.contains("refused the credentials or permissions of this process (AccessDeniedException)")
			.contains("check the IAM role")
			.contains("\"errorCodes\":\"AccessDeniedException"));
		assertThat(warnings).anySatisfy((line) -> assertThat(line).contains("usage reports are still pending")
			.contains("\"errorCodes\":\"AccessDeniedException")
			.contains("\"customer\":\"" + LocalMarketplaceConfiguration.DEMO_ACCOUNT + "\"")
			.containsPattern("\"dimension\":\"(scans|kilobytes)\"")
			.containsPattern("\"hour\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:00:00Z\"")
			.containsPattern("\"reportId\":\"[^\"]+\""));
		assertThat(output.getOut()).doesNotContain("\tat ");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class AccessDenied {

		/**
		 * AWS refuses every BatchMeterUsage call as it does for a role without the
		 * permission.
		 * @return the customizer
		 */
		@Bean
		MarketplaceMeteringClientCustomizer accessDeniedToBatchMeterUsage() {
			ExecutionInterceptor denied = new ExecutionInterceptor() {

				@Override
				public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
					if (context.request() instanceof BatchMeterUsageRequest) {
						throw MarketplaceMeteringException.builder()
							.statusCode(400)
							.message("User is not authorized to perform: aws-marketplace:BatchMeterUsage")
							.awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build())
							.build();
					}
				}

			};
			return (builder) -> builder.overrideConfiguration(
					builder.overrideConfiguration().toBuilder().addExecutionInterceptor(denied).build());
		}

	}

}
