import { ResourceProfile } from "@slotpool/core";

/** Below this, sums of fractional amounts count as equal (binary noise such as 0.1 + 0.2). */
const EPSILON = 1e-9;

/**
 * The summed known profiles of the tasks under one shared slot (UNKNOWN counts as zero), kept as
 * plain numbers so adding a task costs no allocation.
 *
 * **Fit rule.** A task of profile `p` fits a slot of capacity `c` already holding `used` when `p` is
 * UNKNOWN (it adds nothing), or when `c` is known and `used + p ≤ c` in cpu, memory and every
 * extended resource `p` names. A slot whose own profile is UNKNOWN has unknown capacity, so only
 * UNKNOWN tasks fit it — the same rule core applies when matching one request to one slot.
 *
 * @example
 * ```ts
 * const used = new ResourceUsage();
 * used.add(ResourceProfile.of({ cpu: 0.5, memoryMb: 256 }));
 * used.fits(ResourceProfile.of({ cpu: 0.5, memoryMb: 256 }), ResourceProfile.of({ cpu: 1, memoryMb: 1024 })); // true
 * ```
 */
export class ResourceUsage {
  private cpu = 0;
  private memoryMb = 0;
  private extended: Map<string, number> | undefined = undefined;
  private known = 0;

  /** Number of tasks with a known profile counted. */
  get knownTasks(): number {
    return this.known;
  }

  /**
   * Counts a task's profile (UNKNOWN adds nothing).
   *
   * @example
   * ```ts
   * used.add(task.profile);
   * ```
   */
  add(profile: ResourceProfile): void {
    if (profile.isUnknown) return;
    this.known++;
    this.cpu += profile.cpu;
    this.memoryMb += profile.memoryMb;
    for (const name in profile.extended) {
      if (this.extended === undefined) this.extended = new Map();
      this.extended.set(name, (this.extended.get(name) ?? 0) + (profile.extended[name] as number));
    }
  }

  /**
   * Removes a task's profile counted before.
   *
   * @example
   * ```ts
   * used.subtract(task.profile);
   * ```
   */
  subtract(profile: ResourceProfile): void {
    if (profile.isUnknown) return;
    this.known--;
    if (this.known <= 0) {
      this.reset();
      return;
    }
    this.cpu -= profile.cpu;
    this.memoryMb -= profile.memoryMb;
    for (const name in profile.extended) {
      const left = round((this.extended?.get(name) ?? 0) - (profile.extended[name] as number));
      // An extended resource no task uses any more is forgotten, so "gpu 0" is never required.
      if (left <= 0) this.extended?.delete(name);
      else this.extended?.set(name, left);
    }
  }

  /**
   * Whether one more task of `profile` fits within `capacity`, by the fit rule in the class docs.
   *
   * @example
   * ```ts
   * if (used.fits(task.profile, slot.profile)) used.add(task.profile);
   * ```
   */
  fits(profile: ResourceProfile, capacity: ResourceProfile): boolean {
    if (profile.isUnknown) return true;
    if (capacity.isUnknown) return false;
    if (this.cpu + profile.cpu > capacity.cpu + EPSILON) return false;
    if (this.memoryMb + profile.memoryMb > capacity.memoryMb + EPSILON) return false;
    for (const name in profile.extended) {
      const have = capacity.extended[name];
      if (have === undefined) return false;
      if ((this.extended?.get(name) ?? 0) + (profile.extended[name] as number) > have + EPSILON) return false;
    }
    return true;
  }

  /**
   * The sum as a profile: UNKNOWN when no known task is counted.
   *
   * @example
   * ```ts
   * String(used.toProfile()); // "cpu 1, 512 MB"
   * ```
   */
  toProfile(): ResourceProfile {
    if (this.known === 0) return ResourceProfile.UNKNOWN;
    const extended: Record<string, number> = {};
    if (this.extended !== undefined) {
      for (const [name, v] of this.extended) {
        const amount = round(v);
        if (amount > 0) extended[name] = amount;
      }
    }
    return ResourceProfile.of({ cpu: round(this.cpu), memoryMb: round(this.memoryMb), extended });
  }

  /**
   * Forgets everything counted.
   *
   * @example
   * ```ts
   * used.reset();
   * ```
   */
  reset(): void {
    this.known = 0;
    this.cpu = 0;
    this.memoryMb = 0;
    this.extended = undefined;
  }
}

/**
 * Sums profiles the way shared slots count them: UNKNOWN counts as zero, and the sum of nothing but
 * UNKNOWN profiles is UNKNOWN (so it still fits a slot of unknown capacity).
 *
 * @example
 * ```ts
 * sumKnownProfiles([ResourceProfile.UNKNOWN, ResourceProfile.of({ cpu: 1, memoryMb: 1 })]).cpu; // 1
 * ```
 */
export function sumKnownProfiles(profiles: Iterable<ResourceProfile>): ResourceProfile {
  let sum = ResourceProfile.UNKNOWN;
  for (const p of profiles) {
    if (p.isUnknown) continue;
    sum = sum.isUnknown ? p : sum.plus(p);
  }
  return sum;
}

function round(value: number): number {
  const r = Math.round(value * 1e9) / 1e9;
  return Math.max(r, 0);
}
