package dev.metering.reporting;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.metering.core.MeteringException;
import dev.metering.core.MeteringOutcome;

/**
 * The error codes AWS answered with during one report run, and how often, so that the
 * run's warnings name the cause. Runs never overlap, so it is used by one thread at a
 * time.
 *
 * @author metering-spring-boot
 */
final class RunErrors {

	/** The name counted for a failure without an answer (I/O error, timeout). */
	static final String NO_ANSWER = "no answer";

	private final Map<String, Integer> counts = new TreeMap<>();

	private final Set<String> unauthorized = new TreeSet<>();

	/**
	 * Count a failed attempt.
	 * @param failure the failure
	 */
	void seen(MeteringException failure) {
		String code = (failure.getErrorCode() != null) ? failure.getErrorCode() : NO_ANSWER;
		seen(code);
		if (failure.getOutcome() == MeteringOutcome.UNAUTHORIZED) {
			this.unauthorized.add(code);
		}
	}

	/**
	 * Count a record status or an error code.
	 * @param code the status or error code
	 */
	void seen(String code) {
		this.counts.merge(code, 1, Integer::sum);
	}

	/**
	 * Return the codes seen with their counts, most frequent first, for example
	 * {@code ThrottlingException ×12, AccessDeniedException ×1}, or "none".
	 * @return the summary
	 */
	String summary() {
		if (this.counts.isEmpty()) {
			return "none";
		}
		return this.counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
			.map((entry) -> entry.getKey() + " ×" + entry.getValue())
			.collect(Collectors.joining(", "));
	}

	/**
	 * Return the codes seen that refused the caller's credentials or permissions.
	 * @return the codes, in name order
	 */
	Set<String> unauthorized() {
		return this.unauthorized;
	}

	void clear() {
		this.counts.clear();
		this.unauthorized.clear();
	}

}
