package dev.metering.entitlement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that only moves when the code under test sleeps, so that backoff and deadlines
 * are tested without waiting.
 */
final class FakeTime extends Clock implements Sleeper {

	private volatile Instant now;

	private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

	private volatile Runnable afterSleep = () -> {
	};

	FakeTime(Instant start) {
		this.now = start;
	}

	@Override
	public void sleep(Duration duration) {
		this.sleeps.add(duration);
		this.now = this.now.plus(duration);
		this.afterSleep.run();
	}

	void afterSleep(Runnable action) {
		this.afterSleep = action;
	}

	List<Duration> sleeps() {
		return this.sleeps;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("FakeTime is UTC only");
	}

}
