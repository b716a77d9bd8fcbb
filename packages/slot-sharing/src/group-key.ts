/**
 * What a group key stands for: a job vertex (the key of its leaves) or a co-location group (the key
 * of the nested node its co-located leaves hang under).
 *
 * @example
 * ```ts
 * const kind: GroupKind = "co-location";
 * ```
 */
export type GroupKind = "vertex" | "co-location";

/**
 * The group id of a node in a sharing tree (Flink's JobVertexID or CoLocationGroup id). Within one
 * root every key appears at most once, so a physical slot runs at most one subtask of each vertex
 * and at most one constraint of each co-location group. Keys are interned per
 * {@link SlotSharingManager} (compare them with `===`), and vertex keys never equal co-location keys
 * even when the ids are the same string.
 *
 * @example
 * ```ts
 * const key = manager.vertexKey("map");
 * key.kind; // "vertex"
 * String(key); // "vertex:map"
 * ```
 */
export class GroupKey {
  /** Vertex or co-location group. */
  readonly kind: GroupKind;
  /** The vertex id or the co-location group id. */
  readonly id: string;
  /**
   * For vertex keys: the co-location group the vertex's tasks were first scheduled with (`null`
   * when not co-located), so that a vertex is either always or never co-located, and always with
   * the same group. `undefined` until the vertex's first task. Maintained by the scheduler.
   */
  boundCoLocationGroup: string | null | undefined = undefined;

  constructor(kind: GroupKind, id: string) {
    this.kind = kind;
    this.id = id;
  }

  /**
   * `vertex:<id>` or `co-location:<id>`.
   *
   * @example
   * ```ts
   * `${key}`; // "vertex:map"
   * ```
   */
  toString(): string {
    return `${this.kind}:${this.id}`;
  }
}
