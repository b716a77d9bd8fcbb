/**
 * An element of a {@link LazyKeyIndex}: it carries the links of the index's list of entries not
 * yet hashed, and which of the two places it is in.
 *
 * @internal
 */
export interface LazyIndexEntry<E> {
  /** 0: not in an index; 1: in the not-yet-hashed list; 2: in the hash map. */
  indexState: 0 | 1 | 2;
  indexPrev: E | undefined;
  indexNext: E | undefined;
}

/**
 * A map from a key to an entry that hashes lazily: `add` and `delete` of an entry (given the entry
 * itself) cost a few pointer writes; entries enter the hash map only when someone looks an entry
 * up by key or iterates, and then all at once, in insertion order.
 *
 * Why: the pool adds and removes an entry for every allocate + release pair and every queued
 * request, but almost never looks one up by request id. A V8 `Map` that churns like that rehashes
 * every few operations, and a long-lived map rehashes into old space, so the churn fills the old
 * generation with garbage that only a full collection frees. Here the common pair never touches a
 * hash map.
 *
 * Iteration order is insertion order: every entry in the map was added before every entry still
 * waiting in the list.
 *
 * @internal
 * @example
 * ```ts
 * const byRequest = new LazyKeyIndex<SlotRequestId, PendingRequest>((r) => r.requestId);
 * byRequest.add(request);      // no hashing
 * byRequest.delete(request);   // no hashing
 * byRequest.get(id);           // hashes whatever was added since the last lookup, then looks up
 * ```
 */
export class LazyKeyIndex<K, E extends LazyIndexEntry<E>> {
  private readonly map = new Map<K, E>();
  private head: E | undefined = undefined;
  private tail: E | undefined = undefined;
  private waiting = 0;

  /** @param keyOf - the entry's key; must not change while the entry is in the index. */
  constructor(private readonly keyOf: (entry: E) => K) {}

  /** Number of entries. */
  get size(): number {
    return this.map.size + this.waiting;
  }

  /** Adds `entry` (whose key must not be in the index; callers check with {@link has} when unsure). */
  add(entry: E): void {
    entry.indexState = 1;
    entry.indexPrev = this.tail;
    entry.indexNext = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.indexNext = entry;
    this.tail = entry;
    this.waiting++;
  }

  /** Removes `entry` itself (it must be in this index). */
  delete(entry: E): void {
    if (entry.indexState === 2) {
      const key = this.keyOf(entry);
      if (this.map.get(key) === entry) this.map.delete(key);
    } else if (entry.indexState === 1) {
      const prev = entry.indexPrev;
      const next = entry.indexNext;
      if (prev === undefined) this.head = next;
      else prev.indexNext = next;
      if (next === undefined) this.tail = prev;
      else next.indexPrev = prev;
      entry.indexPrev = undefined;
      entry.indexNext = undefined;
      this.waiting--;
    }
    entry.indexState = 0;
  }

  /** The entry with this key. */
  get(key: K): E | undefined {
    this.hashWaiting();
    return this.map.get(key);
  }

  /** Whether an entry has this key. */
  has(key: K): boolean {
    this.hashWaiting();
    return this.map.has(key);
  }

  /** Every entry, in insertion order. */
  values(): IterableIterator<E> {
    this.hashWaiting();
    return this.map.values();
  }

  /** Every [key, entry], in insertion order. */
  entries(): IterableIterator<[K, E]> {
    this.hashWaiting();
    return this.map.entries();
  }

  /** The hash map itself, after hashing every waiting entry (for consistency checks). */
  hashed(): ReadonlyMap<K, E> {
    this.hashWaiting();
    return this.map;
  }

  /** Removes every entry. */
  clear(): void {
    for (const entry of this.map.values()) entry.indexState = 0;
    for (let e = this.head; e !== undefined; e = this.head) this.delete(e);
    this.map.clear();
  }

  /** Moves the waiting entries into the map, oldest first. */
  private hashWaiting(): void {
    for (let e = this.head; e !== undefined; e = this.head) {
      this.head = e.indexNext;
      e.indexPrev = undefined;
      e.indexNext = undefined;
      e.indexState = 2;
      this.map.set(this.keyOf(e), e);
    }
    this.tail = undefined;
    this.waiting = 0;
  }
}
