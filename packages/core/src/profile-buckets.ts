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
  /** `head.seq`, kept here so comparing buckets does not touch their heads (0 while empty). */
  headSeq = 0;
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
 * Buckets and cached match lists are kept in arrays indexed by the profile's
 * {@link ResourceProfile.ordinal}, so the hot paths do no hashing; profiles without an ordinal
 * (created after the intern table filled up) fall back to maps keyed by the profile key.
 *
 * @internal
 */
export class ProfileBuckets<E extends BucketEntry<E>> {
  /** Every bucket, in creation order (the order `matching` and `nonEmptyBuckets` report them in). */
  private buckets: Bucket<E>[] = [];
  private readonly byOrdinal: (Bucket<E> | undefined)[] = [];
  private readonly byKey = new Map<string, Bucket<E>>();
  private readonly matchByOrdinal: (Bucket<E>[] | undefined)[] = [];
  private readonly matchByKey = new Map<string, Bucket<E>[]>();

  constructor(private readonly side: BucketSide) {}

  /** Appends `entry` to its profile's chain. */
  add(entry: E): void {
    let bucket = this.bucketOf(entry.profile);
    if (bucket === undefined) bucket = this.createBucket(entry.profile);
    entry.bucketPrev = bucket.tail;
    entry.bucketNext = undefined;
    if (bucket.tail === undefined) {
      bucket.head = entry;
      bucket.headSeq = entry.seq;
    } else bucket.tail.bucketNext = entry;
    bucket.tail = entry;
    bucket.size++;
  }

  /** Unlinks `entry` (which must be in this index). */
  remove(entry: E): void {
    const bucket = this.bucketOf(entry.profile);
    if (bucket === undefined) return;
    const prev = entry.bucketPrev;
    const next = entry.bucketNext;
    if (prev === undefined) {
      bucket.head = next;
      bucket.headSeq = next === undefined ? 0 : next.seq;
    } else prev.bucketNext = next;
    if (next === undefined) bucket.tail = prev;
    else next.bucketPrev = prev;
    entry.bucketPrev = undefined;
    entry.bucketNext = undefined;
    bucket.size--;
  }

  /** The oldest entry that matches `query` (by the index's {@link BucketSide}), or undefined. */
  oldestMatching(query: ResourceProfile): E | undefined {
    const list = this.matchingBuckets(query);
    let best: Bucket<E> | undefined;
    for (let i = 0; i < list.length; i++) {
      const bucket = list[i] as Bucket<E>;
      if (bucket.size > 0 && (best === undefined || bucket.headSeq < best.headSeq)) best = bucket;
    }
    return best?.head;
  }

  /** The oldest entry overall, or undefined. */
  oldest(): E | undefined {
    let best: Bucket<E> | undefined;
    for (const bucket of this.buckets) {
      if (bucket.size > 0 && (best === undefined || bucket.headSeq < best.headSeq)) best = bucket;
    }
    return best?.head;
  }

  /** Every entry that matches `query`, oldest first within each bucket (buckets in creation order). */
  *matching(query: ResourceProfile): IterableIterator<E> {
    for (const bucket of this.matchingBuckets(query)) {
      for (let e = bucket.head; e !== undefined; e = e.bucketNext) yield e;
    }
  }

  /** Every entry, oldest first across all buckets. Cost: O(n log n) (for inspection, not hot paths). */
  inOrder(): E[] {
    const all: E[] = [];
    for (const bucket of this.buckets) for (let e = bucket.head; e !== undefined; e = e.bucketNext) all.push(e);
    return all.sort((a, b) => a.seq - b.seq);
  }

  /** The non-empty buckets (for inspection and consistency checks). */
  *nonEmptyBuckets(): IterableIterator<Bucket<E>> {
    for (const bucket of this.buckets) if (bucket.size > 0) yield bucket;
  }

  /** Forgets every bucket (entries keep their links: the caller resets them). */
  clear(): void {
    this.buckets = [];
    this.byOrdinal.length = 0;
    this.byKey.clear();
    this.clearMatchCache();
  }

  /** The buckets whose entries can match `query`. Cached per query profile until a bucket is created. */
  matchingBuckets(query: ResourceProfile): Bucket<E>[] {
    const o = query.ordinal;
    let list =
      o >= 0 ? (o < this.matchByOrdinal.length ? this.matchByOrdinal[o] : undefined) : this.matchByKey.get(query.key);
    if (list === undefined) {
      list = [];
      for (const bucket of this.buckets) {
        const ok = this.side === "offered" ? bucket.profile.isMatching(query) : query.isMatching(bucket.profile);
        if (ok) list.push(bucket);
      }
      if (o >= 0) {
        while (this.matchByOrdinal.length <= o) this.matchByOrdinal.push(undefined);
        this.matchByOrdinal[o] = list;
      } else this.matchByKey.set(query.key, list);
    }
    return list;
  }

  private bucketOf(profile: ResourceProfile): Bucket<E> | undefined {
    const o = profile.ordinal;
    if (o < 0) return this.byKey.get(profile.key);
    return o < this.byOrdinal.length ? this.byOrdinal[o] : undefined;
  }

  private createBucket(profile: ResourceProfile): Bucket<E> {
    this.collectEmptyBuckets();
    const bucket = new Bucket<E>(profile);
    this.buckets.push(bucket);
    const o = profile.ordinal;
    if (o >= 0) {
      while (this.byOrdinal.length <= o) this.byOrdinal.push(undefined);
      this.byOrdinal[o] = bucket;
    } else this.byKey.set(profile.key, bucket);
    this.clearMatchCache();
    return bucket;
  }

  private clearMatchCache(): void {
    this.matchByOrdinal.length = 0;
    this.matchByKey.clear();
  }

  /** Drops empty buckets once there are many, so a long run with ever-new profiles stays bounded. */
  private collectEmptyBuckets(): void {
    if (this.buckets.length < 64) return;
    let empty = 0;
    for (const b of this.buckets) if (b.size === 0) empty++;
    if (empty * 2 < this.buckets.length) return;
    const kept: Bucket<E>[] = [];
    for (const b of this.buckets) {
      if (b.size > 0) {
        kept.push(b);
        continue;
      }
      const o = b.profile.ordinal;
      if (o >= 0) this.byOrdinal[o] = undefined;
      else this.byKey.delete(b.profile.key);
    }
    this.buckets = kept;
    this.clearMatchCache();
  }
}
