package dev.metering.aop;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

/**
 * Records the usage of a call that returned a reactive type when the publisher completes,
 * once per subscription: every type Spring's {@link ReactiveAdapterRegistry} adapts,
 * decorated with Reactor operators and adapted back to the type returned. Only loaded
 * when Reactor is on the classpath.
 * <ul>
 * <li>a publisher of at most one value (a {@code Mono}) completes with its value, which
 * {@code #result} sees, or empty;</li>
 * <li>a publisher of many values (a {@code Flux}) completes once, and {@code #count} sees
 * how many elements it emitted;</li>
 * <li>an error is a failed call; a cancellation before completion, or no subscription,
 * records nothing.</li>
 * </ul>
 *
 * @author metering-spring-boot
 */
final class ReactiveCompletion {

	private final ReactiveAdapterRegistry registry = ReactiveAdapterRegistry.getSharedInstance();

	// by the returned object's class: looked up once per class, not per call
	private final ClassValue<Optional<ReactiveAdapter>> adapters = new ClassValue<>() {

		@Override
		protected Optional<ReactiveAdapter> computeValue(Class<?> type) {
			return Optional.ofNullable(ReactiveCompletion.this.registry.getAdapter(type));
		}

	};

	/**
	 * Return an object of the type returned that records the usage of the call when it
	 * completes, or {@code null} if the returned object is not reactive.
	 * @param returned the object the method returned, not {@code null}
	 * @param method the method
	 * @param arguments the arguments of the call
	 * @param recorder records the outcome
	 * @return the decorated object, or {@code null}
	 */
	Object recordOnCompletion(Object returned, MeteredMethod method, Object[] arguments,
			Consumer<MeteredInvocation> recorder) {
		ReactiveAdapter adapter = this.adapters.get(returned.getClass()).orElse(null);
		if (adapter == null) {
			return null;
		}
		Publisher<Object> publisher = adapter.toPublisher(returned);
		if (adapter.isMultiValue()) {
			return adapter.fromPublisher(Flux.defer(() -> {
				AtomicLong count = new AtomicLong();
				return Flux.from(publisher)
					.doOnNext((element) -> count.incrementAndGet())
					.doOnComplete(
							() -> recorder.accept(MeteredInvocation.completed(method, arguments, null, count.get())))
					.doOnError((ex) -> recorder.accept(MeteredInvocation.failed(method, arguments, ex, count.get())));
			}));
		}
		return adapter.fromPublisher(Mono.from(publisher)
			.doOnSuccess((value) -> recorder
				.accept(MeteredInvocation.completed(method, arguments, value, (value != null) ? 1 : 0)))
			.doOnError((ex) -> recorder.accept(MeteredInvocation.failed(method, arguments, ex, 0))));
	}

}
