import type { ResourceProfile } from "./resource-profile.js";

/**
 * An element that can sit in a {@link ProfileBuckets} index: it carries its own FIFO sequence
 * number and the links of its bucket's chain (an intrusive list: no per-element node objects, O(1)
 * removal, and no iteration holes after many removals).
 *
 * @internal
 */
export interface BucketEntry<E> {
  readonly seq: number;
  readonly profile: ResourceProfile;
  bucketPrev: E | undefined;
  bucketNext: E | undefined;
}

/**
 * A FIFO chain of the entries that share one exact profile.
 *
 * @internal
 */
export class Bucket<E extends BucketEntry<E>> {
  head: E | undefined = undefined;
  tail: E | undefined = undefined;
  size = 0;
  constructor(readonly profile: ResourceProfile) {}
}

/**
 * Which way matching goes: `offered` buckets hold slots and are queried with a required profile;
 * `required` buckets hold requests and are queried with an offered (slot) profile.
 *
 * @internal
 */
export type BucketSide = "offered" | "required";

/**
 * Entries bucketed by exact profile, with a cache from a query profile to the buckets that can
 * match it. Finding the oldest matching entry costs O(number of matching profiles), never
 * O(number of entries); entries that cannot match are never looked at.
 *
 * @internal
 */
export class ProfileBuckets<E extends BucketEntry<E>> {
  private readonly buckets = new Map<string, Bucket<E>>();
  private readonly matchCache = new Map<string, Bucket<E>[]>();

  constructor(private readonly side: BucketSide) {}

  /** Appends `entry` to its profile's chain. */
  add(entry: E): void {
    let bucket = this.buckets.get(entry.profile.key);
    if (bucket === undefined) {
      this.collectEmptyBuckets();
      bucket = new Bucket<E>(entry.profile);
      this.buckets.set(entry.profile.key, bucket);
      this.matchCache.clear();
    }
    entry.bucketPrev = bucket.tail;
    entry.bucketNext = undefined;
    if (bucket.tail === undefined) bucket.head = entry;
    else bucket.tail.bucketNext = entry;
    bucket.tail = entry;
    bucket.size++;
  }

  /** Unlinks `entry` (which must be in this index). */
  remove(entry: E): void {
    const bucket = this.buckets.get(entry.profile.key);
    if (bucket === undefined) return;
    if (entry.bucketPrev === undefined) bucket.head = entry.bucketNext;
    else entry.bucketPrev.bucketNext = entry.bucketNext;
    if (entry.bucketNext === undefined) bucket.tail = entry.bucketPrev;
    else entry.bucketNext.bucketPrev = entry.bucketPrev;
    entry.bucketPrev = undefined;
    entry.bucketNext = undefined;
    bucket.size--;
  }

  /** The oldest entry that matches `query` (by the index's {@link BucketSide}), or undefined. */
  oldestMatching(query: ResourceProfile): E | undefined {
    let best: E | undefined;
    for (const bucket of this.matchingBuckets(query)) {
      const head = bucket.head;
      if (head !== undefined && (best === undefined || head.seq < best.seq)) best = head;
    }
    return best;
  }

  /** The oldest entry overall, or undefined. */
  oldest(): E | undefined {
    let best: E | undefined;
    for (const bucket of this.buckets.values()) {
      const head = bucket.head;
      if (head !== undefined && (best === undefined || head.seq < best.seq)) best = head;
    }
    return best;
  }

  /** Every entry that matches `query`, oldest first within each bucket (buckets in creation order). */
  *matching(query: ResourceProfile): IterableIterator<E> {
    for (const bucket of this.matchingBuckets(query)) {
      for (let e = bucket.head; e !== undefined; e = e.bucketNext) yield e;
    }
  }

  /** The non-empty buckets (for inspection and consistency checks). */
  *nonEmptyBuckets(): IterableIterator<Bucket<E>> {
    for (const bucket of this.buckets.values()) if (bucket.size > 0) yield bucket;
  }

  /** Forgets every entry. */
  clear(): void {
    this.buckets.clear();
    this.matchCache.clear();
  }

  /** The buckets whose entries can match `query`. Cached per query profile until a bucket is created. */
  matchingBuckets(query: ResourceProfile): Bucket<E>[] {
    let list = this.matchCache.get(query.key);
    if (list === undefined) {
      list = [];
      for (const bucket of this.buckets.values()) {
        const ok = this.side === "offered" ? bucket.profile.isMatching(query) : query.isMatching(bucket.profile);
        if (ok) list.push(bucket);
      }
      this.matchCache.set(query.key, list);
    }
    return list;
  }

  /** Drops empty buckets once there are many, so a long run with ever-new profiles stays bounded. */
  private collectEmptyBuckets(): void {
    if (this.buckets.size < 64) return;
    let empty = 0;
    for (const b of this.buckets.values()) if (b.size === 0) empty++;
    if (empty * 2 < this.buckets.size) return;
    for (const [key, b] of this.buckets) if (b.size === 0) this.buckets.delete(key);
    this.matchCache.clear();
  }
}
