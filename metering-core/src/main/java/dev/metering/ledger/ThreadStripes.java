package dev.metering.ledger;

/**
 * Spreads recording threads over a few stripes, so that threads running at the same time
 * mostly write to memory of their own. Thread ids are handed out in sequence, so the
 * threads of a pool fall on different stripes.
 *
 * @author metering-spring-boot
 */
final class ThreadStripes {

	static final int COUNT = 8;

	private ThreadStripes() {
	}

	/**
	 * Return the stripe of the calling thread.
	 * @return a stripe from 0 to {@link #COUNT} - 1
	 */
	static int current() {
		return (int) Thread.currentThread().getId() & (COUNT - 1);
	}

}
