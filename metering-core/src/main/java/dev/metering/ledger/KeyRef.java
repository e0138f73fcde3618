package dev.metering.ledger;

/**
 * A {@link UsageKey} interned to a small id. Identity is the id, so hashing it on the hot
 * path is cheap.
 *
 * @author metering-spring-boot
 */
final class KeyRef {

	private final int id;

	private final UsageKey key;

	KeyRef(int id, UsageKey key) {
		this.id = id;
		this.key = key;
	}

	int id() {
		return this.id;
	}

	UsageKey key() {
		return this.key;
	}

	@Override
	public boolean equals(Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return this.id;
	}

	@Override
	public String toString() {
		return this.id + "=" + this.key;
	}

}
