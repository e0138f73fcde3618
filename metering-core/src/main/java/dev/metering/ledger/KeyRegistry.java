package dev.metering.ledger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Interns {@link UsageKey keys} to {@link KeyRef ids}. A lookup of a known key is
 * lock-free; a key's first use is defined under a lock, and the definition is handed to a
 * listener (which may persist it) before the id is returned to anyone.
 *
 * @author metering-spring-boot
 */
final class KeyRegistry {

	private final ConcurrentHashMap<UsageKey, KeyRef> refs = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private final Consumer<KeyRef> onDefine;

	private int nextId = 1;

	KeyRegistry(Consumer<KeyRef> onDefine) {
		this.onDefine = onDefine;
	}

	KeyRef intern(UsageKey key) {
		KeyRef ref = this.refs.get(key);
		return (ref != null) ? ref : define(key);
	}

	private KeyRef define(UsageKey key) {
		synchronized (this.lock) {
			KeyRef ref = this.refs.get(key);
			if (ref == null) {
				ref = new KeyRef(this.nextId, key);
				this.onDefine.accept(ref);
				this.nextId++;
				this.refs.put(key, ref);
			}
			return ref;
		}
	}

	/**
	 * Restore a key defined by an earlier run, keeping its id.
	 * @param ref the key with its id
	 */
	void restore(KeyRef ref) {
		synchronized (this.lock) {
			this.refs.put(ref.key(), ref);
			this.nextId = Math.max(this.nextId, ref.id() + 1);
		}
	}

}
