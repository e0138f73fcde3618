package dev.metering.aop;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.metering.annotation.MeteredUsage;
import dev.metering.annotation.MeteredUsage.Tag;
import dev.metering.annotation.MeteredUsage.When;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link MeteredUsageAspect} in a Spring context over sample services.
 */
class MeteredUsageAspectTests {

	private static final UsageKey SCANS = UsageKey.of("scans");

	private static final UsageKey PAGES = UsageKey.of("pages");

	private static final UsageKey BYTES = UsageKey.of("bytes");

	private static final UsageKey CALLS = UsageKey.of("calls");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(MeteringTestConfiguration.class)
		.withBean(QuantityService.class)
		.withBean(AllocationService.class)
		.withBean(OutcomeService.class)
		.withBean(AsyncService.class)
		.withBean(RepeatedService.class)
		.withBean(BilledApi.class)
		.withBean(FailingService.class);

	private void run(Consumer<Metering> test) {
		this.contextRunner.run((context) -> test.accept(new Metering(context)));
	}

	@Nested
	class Quantity {

		@Test
		void defaultsToOnePerCall() {
			run((metering) -> {
				QuantityService service = metering.bean(QuantityService.class);
				assertThat(service.scan("doc")).isEqualTo("scanned doc");
				service.scan("doc");
				assertThat(metering.ledger.quantities()).containsExactly(Map.entry(SCANS, 2L));
			});
		}

		@Test
		void isAnExpressionOverAnArgumentByName() {
			run((metering) -> {
				metering.bean(QuantityService.class).print(7);
				assertThat(metering.ledger.quantity(PAGES)).isEqualTo(7);
			});
		}

		@Test
		void isAnExpressionOverAnArgumentByPosition() {
			run((metering) -> {
				metering.bean(QuantityService.class).printTwice(3);
				metering.bean(QuantityService.class).printThrice(1);
				assertThat(metering.ledger.quantity(PAGES)).isEqualTo(9);
			});
		}

		@Test
		void isAnExpressionOverTheResult() {
			run((metering) -> {
				assertThat(metering.bean(QuantityService.class).load("abcd")).isEqualTo("abcd");
				assertThat(metering.ledger.quantity(BYTES)).isEqualTo(4);
			});
		}

		@Test
		void mayBeAWholeDecimal() {
			run((metering) -> {
				metering.bean(QuantityService.class).measure(2.0);
				assertThat(metering.ledger.quantity(BYTES)).isEqualTo(2);
			});
		}

	}

	@Nested
	class Allocation {

		@Test
		void constantAndExpressionTagsMakeTheKey() {
			run((metering) -> {
				metering.bean(AllocationService.class).scanFor(new ScanRequest("blue", "cust-1"));
				metering.bean(AllocationService.class).scanFor(new ScanRequest("red", "cust-1"));
				assertThat(metering.ledger.quantities()).containsOnly(
						Map.entry(UsageKey.of("scans", null, Map.of("tier", "gold", "team", "blue")), 1L),
						Map.entry(UsageKey.of("scans", null, Map.of("tier", "gold", "team", "red")), 1L));
			});
		}

		@Test
		void customerIsAnExpression() {
			run((metering) -> {
				metering.bean(AllocationService.class).activate(new ScanRequest("blue", "cust-1"));
				assertThat(metering.ledger.quantities())
					.containsExactly(Map.entry(UsageKey.of("users", "cust-1", null), 1L));
			});
		}

		@Test
		void constantCustomerAndTagsAreRecordedUnderTheValidatedKey() {
			run((metering) -> {
				metering.bean(AllocationService.class).house();
				assertThat(metering.ledger.quantities())
					.containsExactly(Map.entry(UsageKey.of("users", "house", Map.of("tier", "free")), 1L));
			});
		}

	}

	@Nested
	class Outcome {

		@Test
		void successIsBilledAndAFailureIsNotByDefault() {
			run((metering) -> {
				OutcomeService service = metering.bean(OutcomeService.class);
				service.billedOnSuccess(false);
				IllegalStateException failure = new IllegalStateException("business failure");
				assertThatException().isThrownBy(() -> service.billedOnSuccess(failure)).isSameAs(failure);
				assertThat(metering.ledger.quantity(CALLS)).isEqualTo(1);
			});
		}

		@Test
		void alwaysBillsFailuresToo() {
			run((metering) -> {
				OutcomeService service = metering.bean(OutcomeService.class);
				service.alwaysBilled(null);
				IllegalStateException failure = new IllegalStateException("business failure");
				assertThatException().isThrownBy(() -> service.alwaysBilled(failure)).isSameAs(failure);
				assertThat(metering.ledger.quantity(CALLS)).isEqualTo(2);
			});
		}

		@Test
		void conditionSeesTheResult() {
			run((metering) -> {
				OutcomeService service = metering.bean(OutcomeService.class);
				assertThat(service.billedAboveTen(5)).isEqualTo(5);
				assertThat(metering.ledger.quantities()).isEmpty();
				service.billedAboveTen(11);
				assertThat(metering.ledger.quantity(CALLS)).isEqualTo(1);
			});
		}

		@Test
		void conditionWithAlwaysSeesTheException() {
			run((metering) -> {
				OutcomeService service = metering.bean(OutcomeService.class);
				service.billedUnlessRejected(null);
				assertThatIllegalStateException()
					.isThrownBy(() -> service.billedUnlessRejected(new IllegalStateException("timeout")));
				assertThatIllegalStateException()
					.isThrownBy(() -> service.billedUnlessRejected(new IllegalStateException("rejected")));
				assertThat(metering.ledger.quantity(CALLS)).isEqualTo(2);
			});
		}

	}

	@Nested
	class CompletionStages {

		@Test
		void successIsRecordedWhenTheStageCompletesWithTheCompletionValueAsResult() {
			run((metering) -> {
				CompletableFuture<Integer> future = new CompletableFuture<>();
				assertThat(metering.bean(AsyncService.class).pages(future)).isSameAs(future);
				assertThat(metering.ledger.quantities()).isEmpty();
				future.complete(12);
				assertThat(metering.ledger.quantities()).containsExactly(Map.entry(PAGES, 12L));
			});
		}

		@Test
		void tagsAndCustomerAreRecordedWhenTheStageCompletes() {
			run((metering) -> {
				CompletableFuture<Integer> future = new CompletableFuture<>();
				metering.bean(AsyncService.class).pagesFor("customer-1", "red", future);
				assertThat(metering.ledger.quantities()).isEmpty();
				future.complete(3);
				assertThat(metering.ledger.quantities())
					.containsExactly(Map.entry(UsageKey.of("pages", "customer-1", Map.of("team", "red")), 3L));
			});
		}

		@Test
		void exceptionalCompletionIsNotRecordedByDefault() {
			run((metering) -> {
				CompletableFuture<Integer> future = new CompletableFuture<>();
				metering.bean(AsyncService.class).pages(future);
				future.completeExceptionally(new IllegalStateException("business failure"));
				assertThat(metering.ledger.quantities()).isEmpty();
				assertThat(metering.aspect().getFailureCount()).isZero();
			});
		}

		@Test
		void exceptionalCompletionIsRecordedWithAlways() {
			run((metering) -> {
				CompletableFuture<String> future = new CompletableFuture<>();
				metering.bean(AsyncService.class).alwaysBilled(future);
				assertThat(metering.ledger.quantities()).isEmpty();
				future.completeExceptionally(new IllegalStateException("business failure"));
				assertThat(metering.ledger.quantities()).containsExactly(Map.entry(CALLS, 1L));
			});
		}

		@Test
		void conditionSeesTheCompletionValueOrTheUnwrappedException() {
			run((metering) -> {
				AsyncService service = metering.bean(AsyncService.class);
				CompletableFuture<String> small = new CompletableFuture<>();
				CompletableFuture<String> large = new CompletableFuture<>();
				CompletableFuture<String> timeout = new CompletableFuture<>();
				CompletableFuture<String> rejected = new CompletableFuture<>();
				service.billedUnlessSmallOrRejected(small);
				service.billedUnlessSmallOrRejected(large.thenApply((value) -> value));
				service.billedUnlessSmallOrRejected(timeout.thenApply((value) -> value));
				service.billedUnlessSmallOrRejected(rejected.thenApply((value) -> value));
				assertThat(metering.ledger.quantities()).isEmpty();
				small.complete("small");
				large.complete("large");
				timeout.completeExceptionally(new IllegalStateException("timeout"));
				rejected.completeExceptionally(new IllegalStateException("rejected"));
				assertThat(metering.ledger.quantities()).containsExactly(Map.entry(CALLS, 2L));
				assertThat(metering.aspect().getFailureCount()).isZero();
			});
		}

		@Test
		void aSynchronousFailureIsHandledAsAFailedCall() {
			run((metering) -> {
				IllegalStateException failure = new IllegalStateException("before any stage");
				assertThatException().isThrownBy(() -> metering.bean(AsyncService.class).alwaysBilledFailing(failure))
					.isSameAs(failure);
				assertThat(metering.ledger.quantities()).containsExactly(Map.entry(CALLS, 1L));
			});
		}

	}

	@Nested
	class RepeatedAndTypeLevel {

		@Test
		void oneMethodBillsSeveralDimensions() {
			run((metering) -> {
				metering.bean(RepeatedService.class).scanBytes(512);
				assertThat(metering.ledger.quantities()).containsOnly(Map.entry(SCANS, 1L), Map.entry(BYTES, 512L));
			});
		}

		@Test
		void typeLevelAnnotationsBillEveryPublicMethod() {
			run((metering) -> {
				metering.bean(BilledApi.class).list();
				assertThat(metering.ledger.quantities()).containsOnly(Map.entry(CALLS, 1L), Map.entry(SCANS, 2L));
			});
		}

		@Test
		void methodLevelAnnotationWinsForTheSameDimension() {
			run((metering) -> {
				metering.bean(BilledApi.class).bulk();
				assertThat(metering.ledger.quantities()).containsOnly(Map.entry(CALLS, 1L), Map.entry(SCANS, 5L));
			});
		}

		@Test
		void typeLevelAnnotationsSkipNonPublicAndObjectMethods() {
			run((metering) -> {
				BilledApi api = metering.bean(BilledApi.class);
				api.helper();
				api.toString();
				api.hashCode();
				assertThat(metering.ledger.quantities()).isEmpty();
			});
		}

	}

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	class Failures {

		@Test
		void failingExpressionDoesNotBreakTheCallAndIsCountedAndLogged(CapturedOutput output) {
			run((metering) -> {
				assertThat(metering.bean(FailingService.class).unknownVariable()).isEqualTo("done");
				assertThat(metering.ledger.quantities()).isEmpty();
				assertThat(metering.aspect().getFailureCount()).isOne();
				assertThat(output).contains("Usage of dimension \"scans\" by " + FailingService.class.getName()
						+ ".unknownVariable() was not recorded (1 failures so far)");
			});
		}

		@Test
		void negativeOrNonNumericQuantityIsCounted() {
			run((metering) -> {
				FailingService service = metering.bean(FailingService.class);
				assertThat(service.quantity(-1)).isEqualTo(-1);
				assertThat(service.quantity("many")).isEqualTo("many");
				assertThat(service.quantity(1.5)).isEqualTo(1.5);
				assertThat(metering.ledger.quantities()).isEmpty();
				assertThat(metering.aspect().getFailureCount()).isEqualTo(3);
			});
		}

		@Test
		void invalidDynamicTagOrNullCustomerIsCounted() {
			run((metering) -> {
				AllocationService service = metering.bean(AllocationService.class);
				service.scanFor(new ScanRequest("bad?", "cust-1"));
				service.activate(new ScanRequest("blue", null));
				assertThat(metering.ledger.quantities()).isEmpty();
				assertThat(metering.aspect().getFailureCount()).isEqualTo(2);
			});
		}

		@Test
		void ledgerExceptionDoesNotBreakTheCallAndIsCounted() {
			run((metering) -> {
				metering.ledger.failWith(new IllegalStateException("ledger is full"));
				assertThat(metering.bean(QuantityService.class).scan("doc")).isEqualTo("scanned doc");
				assertThat(metering.bean(AllocationService.class).activate(new ScanRequest("blue", "c"))).isTrue();
				assertThat(metering.aspect().getFailureCount()).isEqualTo(2);
			});
		}

		@Test
		void failureOfOneDimensionDoesNotStopTheOthers() {
			run((metering) -> {
				metering.bean(FailingService.class).oneOfTwoFails();
				assertThat(metering.ledger.quantities()).containsExactly(Map.entry(CALLS, 1L));
				assertThat(metering.aspect().getFailureCount()).isOne();
			});
		}

		@Test
		void failureOnCompletionIsCounted() {
			run((metering) -> {
				CompletableFuture<Integer> future = new CompletableFuture<>();
				metering.bean(AsyncService.class).pages(future);
				future.complete(-3);
				assertThat(metering.ledger.quantities()).isEmpty();
				assertThat(metering.aspect().getFailureCount()).isOne();
			});
		}

	}

	static final class Metering {

		private final ApplicationContext context;

		private final SummingUsageLedger ledger;

		Metering(ApplicationContext context) {
			this.context = context;
			this.ledger = context.getBean(SummingUsageLedger.class);
		}

		<T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		MeteredUsageAspect aspect() {
			return this.context.getBean(MeteredUsageAspect.class);
		}

	}

	public static class ScanRequest {

		private final String team;

		private final String customer;

		ScanRequest(String team, String customer) {
			this.team = team;
			this.customer = customer;
		}

		public String getTeam() {
			return this.team;
		}

		public String getCustomer() {
			return this.customer;
		}

	}

	static class QuantityService {

		@MeteredUsage(dimension = "scans")
		public String scan(String document) {
			return "scanned " + document;
		}

		@MeteredUsage(dimension = "pages", quantity = "#pages")
		public void print(int pages) {
		}

		@MeteredUsage(dimension = "pages", quantity = "#p0 * 2")
		public void printTwice(int pages) {
		}

		@MeteredUsage(dimension = "pages", quantity = "#a0 * 3")
		public void printThrice(int pages) {
		}

		@MeteredUsage(dimension = "bytes", quantity = "#result.length()")
		public String load(String content) {
			return content;
		}

		@MeteredUsage(dimension = "bytes", quantity = "#size")
		public void measure(double size) {
		}

	}

	static class AllocationService {

		@MeteredUsage(dimension = "scans",
				tags = { @Tag(key = "tier", value = "'gold'"), @Tag(key = "team", value = "#request.team") })
		public void scanFor(ScanRequest request) {
		}

		@MeteredUsage(dimension = "users", customer = "#request.customer")
		public boolean activate(ScanRequest request) {
			return true;
		}

		@MeteredUsage(dimension = "users", customer = "'house'", tags = @Tag(key = "tier", value = "'free'"))
		public void house() {
		}

	}

	static class OutcomeService {

		@MeteredUsage(dimension = "calls")
		public void billedOnSuccess(boolean ignored) {
		}

		@MeteredUsage(dimension = "calls")
		public void billedOnSuccess(RuntimeException failure) {
			throw failure;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS)
		public void alwaysBilled(RuntimeException failure) {
			if (failure != null) {
				throw failure;
			}
		}

		@MeteredUsage(dimension = "calls", condition = "#result > 10")
		public int billedAboveTen(int value) {
			return value;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS,
				condition = "#exception == null or #exception.message != 'rejected'")
		public void billedUnlessRejected(RuntimeException failure) {
			if (failure != null) {
				throw failure;
			}
		}

	}

	static class AsyncService {

		@MeteredUsage(dimension = "pages", quantity = "#result")
		public CompletableFuture<Integer> pages(CompletableFuture<Integer> future) {
			return future;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS)
		public CompletableFuture<String> alwaysBilled(CompletableFuture<String> future) {
			return future;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS,
				condition = "#result == 'large'" + " or (#exception != null and #exception.message != 'rejected')")
		public CompletableFuture<String> billedUnlessSmallOrRejected(CompletableFuture<String> future) {
			return future;
		}

		@MeteredUsage(dimension = "pages", quantity = "#result", customer = "#customer",
				tags = @Tag(key = "team", value = "#team"))
		public CompletableFuture<Integer> pagesFor(String customer, String team, CompletableFuture<Integer> future) {
			return future;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS)
		public CompletableFuture<String> alwaysBilledFailing(RuntimeException failure) {
			throw failure;
		}

	}

	static class RepeatedService {

		@MeteredUsage(dimension = "scans")
		@MeteredUsage(dimension = "bytes", quantity = "#size")
		public void scanBytes(long size) {
		}

	}

	@MeteredUsage(dimension = "calls")
	@MeteredUsage(dimension = "scans", quantity = "2")
	static class BilledApi {

		public void list() {
		}

		@MeteredUsage(dimension = "scans", quantity = "5")
		public void bulk() {
		}

		void helper() {
		}

		@Override
		public String toString() {
			return "BilledApi";
		}

		@Override
		public int hashCode() {
			return 1;
		}

		@Override
		public boolean equals(Object obj) {
			return obj == this;
		}

	}

	static class FailingService {

		@MeteredUsage(dimension = "scans", quantity = "#missing.size()")
		public String unknownVariable() {
			return "done";
		}

		@MeteredUsage(dimension = "scans", quantity = "#p0")
		public <T> T quantity(T value) {
			return value;
		}

		@MeteredUsage(dimension = "scans", quantity = "#result.size()")
		@MeteredUsage(dimension = "calls")
		public String oneOfTwoFails() {
			return "not a collection";
		}

	}

}
