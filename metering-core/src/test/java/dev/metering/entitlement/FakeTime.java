package dev.metering.entitlement;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.metering.test.MutableClock;

/**
 * A clock that only moves when the code under test sleeps, so that backoff and deadlines
 * are tested without waiting.
 */
final class FakeTime extends MutableClock implements Sleeper {

	private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

	private volatile Runnable afterSleep = () -> {
	};

	FakeTime(Instant start) {
		super(start);
	}

	@Override
	public void sleep(Duration duration) {
		this.sleeps.add(duration);
		advance(duration);
		this.afterSleep.run();
	}

	void afterSleep(Runnable action) {
		this.afterSleep = action;
	}

	List<Duration> sleeps() {
		return this.sleeps;
	}

}
