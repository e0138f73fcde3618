package dev.metering.emulator;

import java.util.Map;

/**
 * A snapshot of the emulator's counters.
 *
 * @param accepted number of new records accepted
 * @param replays number of identical resends answered with an existing record id
 * @param rejected number of refusals by reason: error name (injected faults included) or
 * BatchMeterUsage status
 */
public record Counters(long accepted, long replays, Map<String, Long> rejected) {

	/**
	 * Return how many times the given reason was answered.
	 * @param reason an error name such as {@code DuplicateRequestException} or a batch
	 * status such as {@code DuplicateRecord}
	 * @return the count, 0 if never
	 */
	public long rejected(String reason) {
		return this.rejected.getOrDefault(reason, 0L);
	}

}
