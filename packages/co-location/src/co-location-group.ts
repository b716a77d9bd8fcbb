import { InvalidArgumentError } from "@slotpool/core";
import { CoLocationConstraint } from "./co-location-constraint.js";

/**
 * A co-location group (Flink's CoLocationGroup): vertices whose subtask *i* must all run in the
 * same slot, e.g. the head and tail of an iteration. It hands out one {@link CoLocationConstraint}
 * per subtask index, made on first use and the same object every time after.
 *
 * Use it with one slot sharing group (co-location happens inside a shared slot); give every
 * subtask *i* of every member vertex `group.constraint(i)`.
 *
 * @example
 * ```ts
 * const loop = new CoLocationGroup("loop");
 * for (const vertexId of ["head", "tail"]) {
 *   for (let i = 0; i < 4; i++) {
 *     scheduler.allocate({ vertexId, subtaskIndex: i, slotSharingGroup: "default", coLocationConstraint: loop.constraint(i) });
 *   }
 * }
 * ```
 */
export class CoLocationGroup {
  /** The group's id, reported by every constraint of the group. */
  readonly id: string;
  private readonly list: CoLocationConstraint[] = [];

  /**
   * @param id - a non-empty id, unique among the job's co-location groups.
   * @throws InvalidArgumentError when `id` is empty.
   */
  constructor(id: string) {
    if (typeof id !== "string" || id.length === 0) throw new InvalidArgumentError("id", "a non-empty string", id);
    this.id = id;
  }

  /** Number of constraints made so far (the highest index asked for, plus one). */
  get size(): number {
    return this.list.length;
  }

  /**
   * The constraint of subtask `subtaskIndex`; makes constraints 0…`subtaskIndex` on first use.
   *
   * @throws InvalidArgumentError when `subtaskIndex` is not an integer ≥ 0.
   * @example
   * ```ts
   * loop.constraint(2) === loop.constraint(2); // true
   * ```
   */
  constraint(subtaskIndex: number): CoLocationConstraint {
    if (!Number.isSafeInteger(subtaskIndex) || subtaskIndex < 0) {
      throw new InvalidArgumentError("subtaskIndex", "an integer ≥ 0", subtaskIndex);
    }
    while (this.list.length <= subtaskIndex) this.list.push(new CoLocationConstraint(this.id, this.list.length));
    return this.list[subtaskIndex] as CoLocationConstraint;
  }

  /**
   * The constraints made so far, by subtask index.
   *
   * @example
   * ```ts
   * loop.constraints().filter((c) => c.isAssigned).length;
   * ```
   */
  constraints(): readonly CoLocationConstraint[] {
    return this.list;
  }

  /**
   * `co-location group loop (4 constraints)`.
   *
   * @example
   * ```ts
   * console.log(`${loop}`);
   * ```
   */
  toString(): string {
    return `co-location group ${this.id} (${this.list.length} constraints)`;
  }
}
