import { InvalidArgumentError } from "./errors.js";

/**
 * The plain-object form of a {@link ResourceProfile}, as written in scenario files and APIs.
 *
 * @example
 * ```ts
 * const spec: ResourceSpec = { cpu: 2, memoryMb: 4096, extended: { gpu: 1 } };
 * ```
 */
export interface ResourceSpec {
  /** CPU cores (fractions allowed). */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
  /** Named extended resources (GPUs, FPGAs, licences…), each a quantity ≥ 0. */
  readonly extended?: Readonly<Record<string, number>>;
}

/** Extended-resource records have no prototype, so names such as `constructor` or `__proto__` are plain keys. */
const EMPTY: Readonly<Record<string, number>> = Object.freeze(Object.create(null) as Record<string, number>);
const INTERN_LIMIT = 4096;
const interned = new Map<string, ResourceProfile>();
/** The next {@link ResourceProfile.ordinal} to hand out (interned profiles only, so at most INTERN_LIMIT + 2). */
let nextOrdinal = 0;

/**
 * A multi-dimensional resource amount: what a slot offers or what a request needs.
 *
 * **Matching rule** (Flink's `isMatching`, evaluated on the *offering* side): a slot's profile
 * `offered` matches a requirement `required` iff `offered.cpu ≥ required.cpu`, `offered.memoryMb ≥
 * required.memoryMb`, and for every extended resource named in `required` the slot has the same
 * name with a value ≥ the required one. {@link ResourceProfile.UNKNOWN} (cpu −1, memory −1) is the
 * "don't know" profile: every slot with non-negative fields matches an UNKNOWN requirement, an
 * UNKNOWN slot matches an UNKNOWN requirement, and an UNKNOWN slot matches no real requirement.
 *
 * Profiles are immutable and interned: equal profiles are usually the same object, so a million
 * slots of three sizes hold three profile objects.
 *
 * @example
 * ```ts
 * const slot = ResourceProfile.of({ cpu: 2, memoryMb: 2048 });
 * slot.isMatching(ResourceProfile.of({ cpu: 1, memoryMb: 512 })); // true
 * slot.isMatching(ResourceProfile.UNKNOWN); // true
 * ```
 */
export class ResourceProfile {
  /** The "unknown" profile: matches any slot when required; matches nothing real when offered. */
  static readonly UNKNOWN: ResourceProfile = new ResourceProfile(-1, -1, EMPTY, "unknown", nextOrdinal++);
  /** Nothing at all. */
  static readonly ZERO: ResourceProfile = new ResourceProfile(0, 0, EMPTY, "0|0", nextOrdinal++);

  /** CPU cores; −1 for UNKNOWN. */
  readonly cpu: number;
  /** Memory in MiB; −1 for UNKNOWN. */
  readonly memoryMb: number;
  /** Extended resources by name (frozen). */
  readonly extended: Readonly<Record<string, number>>;
  /** A canonical string: equal profiles have equal keys. Used to bucket slots and requests. */
  readonly key: string;
  /**
   * @internal A small number unique to this interned profile (its key has no other object), so
   * indexes can keep per-profile data in arrays; −1 for profiles created after the intern table
   * filled up (indexes then fall back to the key).
   */
  readonly ordinal: number;

  private constructor(
    cpu: number,
    memoryMb: number,
    extended: Readonly<Record<string, number>>,
    key: string,
    ordinal: number,
  ) {
    this.cpu = cpu;
    this.memoryMb = memoryMb;
    this.extended = extended;
    this.key = key;
    this.ordinal = ordinal;
  }

  /**
   * Makes (or reuses) a profile from a spec. `undefined` gives {@link ResourceProfile.UNKNOWN}.
   *
   * @param spec - cpu and memory (finite, ≥ 0) and optional extended resources (finite, ≥ 0).
   * @param path - the field path reported in errors (default `profile`).
   * @throws InvalidArgumentError naming the bad field, e.g. `profile.cpu: expected a finite number ≥ 0, got -1`.
   * @example
   * ```ts
   * const p = ResourceProfile.of({ cpu: 0.5, memoryMb: 256 });
   * ```
   */
  static of(spec: ResourceSpec | ResourceProfile | undefined, path = "profile"): ResourceProfile {
    if (spec === undefined) return ResourceProfile.UNKNOWN;
    if (spec instanceof ResourceProfile) return spec;
    if (spec === null || typeof spec !== "object") throw new InvalidArgumentError(path, "an object", spec);
    const cpu = checkAmount(spec.cpu, `${path}.cpu`);
    const memoryMb = checkAmount(spec.memoryMb, `${path}.memoryMb`);
    let extended = EMPTY;
    let extKey = "";
    if (spec.extended !== undefined) {
      if (spec.extended === null || typeof spec.extended !== "object" || Array.isArray(spec.extended)) {
        throw new InvalidArgumentError(`${path}.extended`, "an object of name → quantity", spec.extended);
      }
      const names = Object.keys(spec.extended).sort();
      if (names.length > 0) {
        const copy: Record<string, number> = Object.create(null);
        for (const name of names) {
          if (name.length === 0) throw new InvalidArgumentError(`${path}.extended`, "non-empty resource names", name);
          const amount = checkAmount(spec.extended[name], `${path}.extended.${name}`);
          copy[name] = amount;
          // Names are quoted so that separators inside a name cannot make two profiles share a key.
          extKey += `|${JSON.stringify(name)}=${amount}`;
        }
        extended = Object.freeze(copy);
      }
    }
    const key = `${cpu}|${memoryMb}${extKey}`;
    const known = interned.get(key);
    if (known !== undefined) return known;
    if (interned.size >= INTERN_LIMIT) return new ResourceProfile(cpu, memoryMb, extended, key, -1);
    const profile = new ResourceProfile(cpu, memoryMb, extended, key, nextOrdinal++);
    interned.set(key, profile);
    return profile;
  }

  /** True for {@link ResourceProfile.UNKNOWN}. */
  get isUnknown(): boolean {
    return this.cpu < 0;
  }

  /**
   * Whether this (offered) profile satisfies `required`, by the matching rule in the class docs.
   *
   * @example
   * ```ts
   * ResourceProfile.UNKNOWN.isMatching(ResourceProfile.of({ cpu: 1, memoryMb: 1 })); // false
   * ```
   */
  isMatching(required: ResourceProfile): boolean {
    if (required === this || required.cpu < 0) return this.cpu >= required.cpu && this.memoryMb >= required.memoryMb;
    if (this.cpu < required.cpu || this.memoryMb < required.memoryMb) return false;
    for (const name in required.extended) {
      const have = this.extended[name];
      if (have === undefined || have < (required.extended[name] as number)) return false;
    }
    return true;
  }

  /**
   * The sum of two profiles; UNKNOWN counts as zero (used to add up the tasks sharing a slot).
   *
   * @example
   * ```ts
   * ResourceProfile.of({ cpu: 1, memoryMb: 1 }).plus(ResourceProfile.UNKNOWN).cpu; // 1
   * ```
   */
  plus(other: ResourceProfile): ResourceProfile {
    if (other.isUnknown || other === ResourceProfile.ZERO) return this.isUnknown ? ResourceProfile.ZERO : this;
    if (this.isUnknown || this === ResourceProfile.ZERO) return other;
    const extended: Record<string, number> = Object.assign(Object.create(null), this.extended);
    for (const name in other.extended) extended[name] = (extended[name] ?? 0) + (other.extended[name] as number);
    return ResourceProfile.of({
      cpu: roundAmount(this.cpu + other.cpu),
      memoryMb: roundAmount(this.memoryMb + other.memoryMb),
      extended,
    });
  }

  /**
   * `this − other`, never below zero in any dimension; UNKNOWN counts as zero.
   *
   * @example
   * ```ts
   * ResourceProfile.of({ cpu: 2, memoryMb: 8 }).minus(ResourceProfile.of({ cpu: 1, memoryMb: 2 })).cpu; // 1
   * ```
   */
  minus(other: ResourceProfile): ResourceProfile {
    if (other.isUnknown || other === ResourceProfile.ZERO) return this.isUnknown ? ResourceProfile.ZERO : this;
    if (this.isUnknown) return ResourceProfile.ZERO;
    const extended: Record<string, number> = Object.assign(Object.create(null), this.extended);
    for (const name in other.extended) {
      extended[name] = Math.max(0, roundAmount((extended[name] ?? 0) - (other.extended[name] as number)));
    }
    return ResourceProfile.of({
      cpu: Math.max(0, roundAmount(this.cpu - other.cpu)),
      memoryMb: Math.max(0, roundAmount(this.memoryMb - other.memoryMb)),
      extended,
    });
  }

  /**
   * Equality by value (cpu, memory and every extended resource).
   *
   * @example
   * ```ts
   * ResourceProfile.of({ cpu: 1, memoryMb: 2 }).equals(ResourceProfile.of({ cpu: 1, memoryMb: 2 })); // true
   * ```
   */
  equals(other: ResourceProfile): boolean {
    return this === other || this.key === other.key;
  }

  /**
   * The spec form (`undefined` for UNKNOWN), e.g. for JSON output.
   *
   * @example
   * ```ts
   * JSON.stringify(profile.toSpec());
   * ```
   */
  toSpec(): ResourceSpec | undefined {
    if (this.isUnknown) return undefined;
    return Object.keys(this.extended).length === 0
      ? { cpu: this.cpu, memoryMb: this.memoryMb }
      : { cpu: this.cpu, memoryMb: this.memoryMb, extended: this.extended };
  }

  /**
   * A short human form: `cpu 1, 1024 MB, gpu 1` or `unknown`.
   *
   * @example
   * ```ts
   * String(ResourceProfile.of({ cpu: 1, memoryMb: 1024 })); // "cpu 1, 1024 MB"
   * ```
   */
  toString(): string {
    if (this.isUnknown) return "unknown";
    let s = `cpu ${this.cpu}, ${this.memoryMb} MB`;
    for (const name in this.extended) s += `, ${name} ${this.extended[name]}`;
    return s;
  }
}

// ZERO is the canonical object for its key too, like every other profile.
interned.set(ResourceProfile.ZERO.key, ResourceProfile.ZERO);

function checkAmount(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(path, "a finite number ≥ 0", value);
  }
  return value === 0 ? 0 : value; // folds −0 into 0 so keys stay canonical
}

/** Rounds away binary noise such as 0.1 + 0.2, so sums of fractional cpus stay comparable. */
function roundAmount(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
