package dev.metering.ledger;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Runs file I/O that an interrupt must not break. Java NIO closes a channel when the
 * thread using it is interrupted; so the I/O runs with the thread's interrupt status
 * cleared, is run again whole if an interrupt arrives in the middle, and the status is
 * set again afterwards: the caller's interrupt is kept, never lost.
 *
 * @author metering-spring-boot
 */
final class Uninterruptibly {

	private Uninterruptibly() {
	}

	/**
	 * Run I/O that can be run again from its start after an interrupt closed its channel.
	 * @param <T> the result type
	 * @param io the I/O
	 * @return its result
	 * @throws IOException on a failure other than an interrupt
	 */
	static <T> T call(IoCall<T> io) throws IOException {
		boolean interrupted = Thread.interrupted();
		try {
			while (true) {
				try {
					return io.call();
				}
				catch (ClosedByInterruptException ex) {
					interrupted = true;
					Thread.interrupted();
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * File I/O with a result.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	interface IoCall<T> {

		T call() throws IOException;

	}

}
