package dev.metering.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on several threads released together, and waits for all of them.
 */
final class Concurrently {

	private Concurrently() {
	}

	/**
	 * Run a task on threads started at the same moment; rethrows the first failure.
	 * @param threads how many threads
	 * @param task receives the thread's index, from 0
	 * @throws Exception if a task failed or did not finish within a minute
	 */
	static void run(int threads, ThreadTask task) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					start.await();
					task.run(thread);
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	interface ThreadTask {

		void run(int thread) throws Exception;

	}

}
