package dev.metering.aop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.metering.annotation.MeteredUsage;
import dev.metering.annotation.MeteredUsage.When;
import dev.metering.ledger.UsageKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a call returning a reactive publisher or a {@code CompletionStage} is billed
 * when it completes, as documented on {@link MeteredUsage}, whatever the declared return
 * type.
 */
class MeteredUsageReactiveTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(MeteringTestConfiguration.class)
		.withBean(ReactiveService.class);

	/**
	 * What a method returns, and what its caller does with it.
	 *
	 * @param name the case
	 * @param returned what the method returns
	 * @param use what the caller does with what the proxy returned
	 * @param billedOnSuccess the units billed with {@code when = SUCCESS}
	 * @param billedAlways the units billed with {@code when = ALWAYS}
	 */
	record Case(String name, Supplier<Object> returned, Consumer<Object> use, long billedOnSuccess, long billedAlways) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static List<Arguments> cases() {
		IllegalStateException failure = new IllegalStateException("failed");
		List<Case> cases = List.of(new Case("Mono: success", () -> Mono.just("a"), (mono) -> mono(mono).block(), 1, 1),
				new Case("Mono: error", () -> Mono.error(failure),
						(mono) -> mono(mono).onErrorResume((ex) -> Mono.empty()).block(), 0, 1),
				new Case("Mono: empty", Mono::empty, (mono) -> mono(mono).block(), 1, 1),
				new Case("Mono: cancelled", Mono::never, (mono) -> mono(mono).subscribe().dispose(), 0, 0),
				new Case("Mono: never subscribed", () -> Mono.just("a"), (mono) -> {
				}, 0, 0), new Case("Mono: subscribed twice", () -> Mono.fromSupplier(() -> "a"), (mono) -> {
					mono(mono).block();
					mono(mono).block();
				}, 2, 2),
				new Case("Flux: complete, #count elements", () -> Flux.just("a", "b", "c"),
						(flux) -> flux(flux).blockLast(), 3, 3),
				new Case("Flux: error after three elements",
						() -> Flux.just("a", "b", "c").concatWith(Flux.error(failure)),
						(flux) -> flux(flux).onErrorResume((ex) -> Flux.empty()).blockLast(), 0, 3),
				new Case("Flux: cancelled after two elements", () -> Flux.just("a", "b", "c").concatWith(Flux.never()),
						(flux) -> flux(flux).take(2).blockLast(), 0, 0),
				new Case("CompletableFuture declared Object: completes", CompletableFuture::new,
						(future) -> future(future).complete("a"), 1, 1),
				new Case("CompletableFuture declared Object: fails", CompletableFuture::new,
						(future) -> future(future).completeExceptionally(failure), 0, 1),
				new Case("Mono declared Object: error", () -> Mono.error(failure),
						(mono) -> mono(mono).onErrorResume((ex) -> Mono.empty()).block(), 0, 1));
		List<Arguments> arguments = new ArrayList<>();
		for (Case row : cases) {
			arguments.add(Arguments.of(row, When.SUCCESS));
			arguments.add(Arguments.of(row, When.ALWAYS));
		}
		return arguments;
	}

	@ParameterizedTest(name = "{0}, when = {1}")
	@MethodSource("cases")
	void isBilledAsDocumented(Case row, When when) {
		this.contextRunner.run((context) -> {
			ReactiveService service = context.getBean(ReactiveService.class);
			Object returned = row.returned().get();
			Object proxied = call(service, returned, row.name().contains("declared Object"), when);
			row.use().accept(proxied);
			long billed = context.getBean(SummingUsageLedger.class)
				.quantities()
				.values()
				.stream()
				.mapToLong(Long::longValue)
				.sum();
			assertThat(billed).isEqualTo((when == When.SUCCESS) ? row.billedOnSuccess() : row.billedAlways());
			assertThat(context.getBean(MeteredUsageAspect.class).getFailureCount()).isZero();
		});
	}

	@Test
	void resultOfAMonoIsItsValue() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(ReactiveService.class).read(Mono.just("four")).block()).isEqualTo("four");
			assertThat(context.getBean(SummingUsageLedger.class).quantities())
				.containsExactly(Map.entry(UsageKey.of("bytes"), 4L));
		});
	}

	@Test
	void futureDeclaredAsFutureIsBilledOnlyWhenItSucceeds() {
		this.contextRunner.run((context) -> {
			ReactiveService service = context.getBean(ReactiveService.class);
			CompletableFuture<String> succeeding = new CompletableFuture<>();
			CompletableFuture<String> failing = new CompletableFuture<>();
			service.future(succeeding);
			service.future(failing);
			assertThat(context.getBean(SummingUsageLedger.class).quantities()).isEmpty();
			succeeding.complete("done");
			failing.completeExceptionally(new IllegalStateException("failed"));
			assertThat(context.getBean(SummingUsageLedger.class).quantities())
				.containsExactly(Map.entry(UsageKey.of("calls"), 1L));
		});
	}

	@SuppressWarnings("unchecked")
	private static Mono<Object> mono(Object returned) {
		return (Mono<Object>) returned;
	}

	@SuppressWarnings("unchecked")
	private static Flux<Object> flux(Object returned) {
		return (Flux<Object>) returned;
	}

	@SuppressWarnings("unchecked")
	private static CompletableFuture<Object> future(Object returned) {
		return (CompletableFuture<Object>) returned;
	}

	/**
	 * Call the method of the service for a case through the proxy.
	 */
	private static Object call(ReactiveService service, Object returned, boolean declaredObject, When when) {
		boolean success = when == When.SUCCESS;
		if (declaredObject) {
			return success ? service.object(returned) : service.objectAlways(returned);
		}
		if (returned instanceof Mono<?> mono) {
			return success ? service.mono(mono) : service.monoAlways(mono);
		}
		return success ? service.flux((Flux<?>) returned) : service.fluxAlways((Flux<?>) returned);
	}

	static class ReactiveService {

		@MeteredUsage(dimension = "calls")
		public Mono<?> mono(Mono<?> returned) {
			return returned;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS)
		public Mono<?> monoAlways(Mono<?> returned) {
			return returned;
		}

		@MeteredUsage(dimension = "pages", quantity = "#count")
		public Flux<?> flux(Flux<?> returned) {
			return returned;
		}

		@MeteredUsage(dimension = "pages", quantity = "#count", when = When.ALWAYS)
		public Flux<?> fluxAlways(Flux<?> returned) {
			return returned;
		}

		@MeteredUsage(dimension = "calls")
		public Object object(Object returned) {
			return returned;
		}

		@MeteredUsage(dimension = "calls", when = When.ALWAYS)
		public Object objectAlways(Object returned) {
			return returned;
		}

		@MeteredUsage(dimension = "bytes", quantity = "#result.length()")
		public Mono<String> read(Mono<String> returned) {
			return returned;
		}

		@MeteredUsage(dimension = "calls")
		public Future<String> future(CompletableFuture<String> returned) {
			return returned;
		}

	}

}
