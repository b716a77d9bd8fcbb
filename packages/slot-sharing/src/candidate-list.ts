/**
 * An insertion-ordered set of small non-negative integers (root indexes), kept as a doubly linked
 * list in typed arrays: add, delete, has and "first" are O(1) with no allocation, and filling it
 * with thousands of members costs a few typed-array writes each.
 *
 * @example
 * ```ts
 * const list = new CandidateList();
 * list.add(3); list.add(1); list.delete(3);
 * list.first(); // 1
 * ```
 */
export class CandidateList {
  private next: Int32Array = new Int32Array(0);
  private prev: Int32Array = new Int32Array(0);
  private member: Uint8Array = new Uint8Array(0);
  private headIndex = -1;
  private tailIndex = -1;
  private count = 0;

  /** Number of members. */
  get size(): number {
    return this.count;
  }

  /**
   * Whether `i` is a member.
   *
   * @example
   * ```ts
   * list.has(7);
   * ```
   */
  has(i: number): boolean {
    return i < this.member.length && this.member[i] === 1;
  }

  /**
   * Appends `i` (no-op when present, keeping its place).
   *
   * @returns true when added.
   * @example
   * ```ts
   * list.add(7);
   * ```
   */
  add(i: number): boolean {
    if (i >= this.member.length) this.grow(i + 1);
    if (this.member[i] === 1) return false;
    this.member[i] = 1;
    this.prev[i] = this.tailIndex;
    this.next[i] = -1;
    if (this.tailIndex === -1) this.headIndex = i;
    else this.next[this.tailIndex] = i;
    this.tailIndex = i;
    this.count++;
    return true;
  }

  /**
   * Removes `i`.
   *
   * @returns true when it was a member.
   * @example
   * ```ts
   * list.delete(7);
   * ```
   */
  delete(i: number): boolean {
    if (i >= this.member.length || this.member[i] !== 1) return false;
    this.member[i] = 0;
    const p = this.prev[i] as number;
    const n = this.next[i] as number;
    if (p === -1) this.headIndex = n;
    else this.next[p] = n;
    if (n === -1) this.tailIndex = p;
    else this.prev[n] = p;
    this.count--;
    return true;
  }

  /**
   * The first (oldest) member, or -1.
   *
   * @example
   * ```ts
   * list.first();
   * ```
   */
  first(): number {
    return this.headIndex;
  }

  /**
   * The member after `i` (which must be a member), or -1.
   *
   * @example
   * ```ts
   * for (let i = list.first(); i !== -1; i = list.after(i)) …
   * ```
   */
  after(i: number): number {
    return this.next[i] as number;
  }

  private grow(min: number): void {
    let capacity = Math.max(16, this.member.length);
    while (capacity < min) capacity *= 2;
    const next = new Int32Array(capacity);
    const prev = new Int32Array(capacity);
    const member = new Uint8Array(capacity);
    next.set(this.next);
    prev.set(this.prev);
    member.set(this.member);
    this.next = next;
    this.prev = prev;
    this.member = member;
  }
}
