import type { ResourceProfile } from "@slotpool/core";
import { CandidateList } from "./candidate-list.js";
import type { MultiTaskSlot } from "./multi-task-slot.js";

/**
 * For one group key: the roots that do **not** contain it yet (and are not releasing), i.e. the
 * roots a task of that vertex (or a co-location constraint of that group) could join — resolved and
 * pending ones, each in the order they became candidates for this key (resolved, or the key's task
 * on them left). Roots are kept by their manager-assigned index in {@link CandidateList}s, so taking
 * the first candidate, removing one, and building the index for a new key are cheap. Lookups by
 * TaskManager or host go through the manager's per-location lists and test membership here in O(1).
 *
 * @example
 * ```ts
 * const a = manager.indexedGroups().next().value?.[1];
 * a?.hasResolved(root);
 * ```
 */
export class RootAvailability {
  private readonly roots: readonly (MultiTaskSlot | undefined)[];
  private readonly resolvedList = new CandidateList();
  private readonly pendingList = new CandidateList();

  /** @param roots - the manager's roots by index (shared, read-only here). */
  constructor(roots: readonly (MultiTaskSlot | undefined)[]) {
    this.roots = roots;
  }

  /** Number of resolved candidates. */
  get resolvedCount(): number {
    return this.resolvedList.size;
  }

  /** Number of pending candidates. */
  get pendingCount(): number {
    return this.pendingList.size;
  }

  /**
   * Whether `root` is a resolved candidate.
   *
   * @example
   * ```ts
   * availability.hasResolved(root);
   * ```
   */
  hasResolved(root: MultiTaskSlot): boolean {
    return root.candidateIndex >= 0 && this.resolvedList.has(root.candidateIndex);
  }

  /**
   * Whether `root` is a pending candidate.
   *
   * @example
   * ```ts
   * availability.hasPending(root);
   * ```
   */
  hasPending(root: MultiTaskSlot): boolean {
    return root.candidateIndex >= 0 && this.pendingList.has(root.candidateIndex);
  }

  /**
   * Adds a resolved candidate (at the end).
   *
   * @example
   * ```ts
   * availability.addResolved(root);
   * ```
   */
  addResolved(root: MultiTaskSlot): void {
    this.resolvedList.add(root.candidateIndex);
  }

  /**
   * Adds a pending candidate (at the end).
   *
   * @example
   * ```ts
   * availability.addPending(root);
   * ```
   */
  addPending(root: MultiTaskSlot): void {
    this.pendingList.add(root.candidateIndex);
  }

  /**
   * Moves a pending candidate to the end of the resolved ones (its slot arrived).
   *
   * @example
   * ```ts
   * availability.resolve(root);
   * ```
   */
  resolve(root: MultiTaskSlot): void {
    if (this.pendingList.delete(root.candidateIndex)) this.resolvedList.add(root.candidateIndex);
  }

  /**
   * Removes a candidate, resolved or pending.
   *
   * @returns true when it was one.
   * @example
   * ```ts
   * availability.remove(root);
   * ```
   */
  remove(root: MultiTaskSlot): boolean {
    const i = root.candidateIndex;
    return this.pendingList.delete(i) || this.resolvedList.delete(i);
  }

  /**
   * The oldest resolved candidate with room for a task of `profile` (skipping full ones).
   *
   * @example
   * ```ts
   * availability.firstResolvedFitting(task.profile);
   * ```
   */
  firstResolvedFitting(profile: ResourceProfile): MultiTaskSlot | undefined {
    const list = this.resolvedList;
    if (profile.isUnknown) {
      const i = list.first();
      return i === -1 ? undefined : this.roots[i];
    }
    for (let i = list.first(); i !== -1; i = list.after(i)) {
      const root = this.roots[i] as MultiTaskSlot;
      if (root.fits(profile)) return root;
    }
    return undefined;
  }

  /**
   * The oldest pending candidate.
   *
   * @example
   * ```ts
   * availability.firstPending();
   * ```
   */
  firstPending(): MultiTaskSlot | undefined {
    const i = this.pendingList.first();
    return i === -1 ? undefined : this.roots[i];
  }

  /**
   * Resolved candidates, oldest first.
   *
   * @example
   * ```ts
   * [...availability.resolvedRoots()];
   * ```
   */
  *resolvedRoots(): IterableIterator<MultiTaskSlot> {
    const list = this.resolvedList;
    for (let i = list.first(); i !== -1; i = list.after(i)) yield this.roots[i] as MultiTaskSlot;
  }

  /**
   * Pending candidates, oldest first.
   *
   * @example
   * ```ts
   * [...availability.pendingRoots()];
   * ```
   */
  *pendingRoots(): IterableIterator<MultiTaskSlot> {
    const list = this.pendingList;
    for (let i = list.first(); i !== -1; i = list.after(i)) yield this.roots[i] as MultiTaskSlot;
  }
}
