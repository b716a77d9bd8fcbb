/**
 * The outcome of a {@link Completable}: fulfilled with a value or rejected with an error.
 *
 * @example
 * ```ts
 * c.onSettled((o) => (o.ok ? use(o.value) : log(o.error)));
 * ```
 */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

type Listener<T> = (outcome: Outcome<T>) => void;

/**
 * A result that completes at most once, and runs its listeners **synchronously, in registration
 * order, inside the call that completes it**. The pool's correctness depends on this ordering
 * (e.g. a shared root is registered as resolved before its children's results complete), which
 * Promises cannot give. Use {@link Completable.promise} at the edges.
 *
 * A rejected Completable never causes an unhandled-rejection warning unless you asked for its promise.
 *
 * @typeParam T - the value type.
 * @example
 * ```ts
 * const c = new Completable<number>();
 * c.onSettled((o) => console.log(o));
 * c.complete(42);          // logs { ok: true, value: 42 } right here
 * c.complete(7);           // false: already completed
 * const v = await c.promise; // 42
 * ```
 */
export class Completable<T> {
  private outcome: Outcome<T> | undefined;
  private listeners: Listener<T>[] | Listener<T> | undefined;
  private promiseCache: Promise<T> | undefined;

  /**
   * An already fulfilled Completable.
   *
   * @example
   * ```ts
   * Completable.resolved(1).isDone; // true
   * ```
   */
  static resolved<T>(value: T): Completable<T> {
    const c = new Completable<T>();
    c.outcome = { ok: true, value };
    return c;
  }

  /**
   * An already rejected Completable.
   *
   * @example
   * ```ts
   * Completable.rejected<number>(new Error("no")).isDone; // true
   * ```
   */
  static rejected<T>(error: Error): Completable<T> {
    const c = new Completable<T>();
    c.outcome = { ok: false, error };
    return c;
  }

  /** True once completed either way. */
  get isDone(): boolean {
    return this.outcome !== undefined;
  }

  /** The outcome, or `undefined` while pending. */
  get result(): Outcome<T> | undefined {
    return this.outcome;
  }

  /**
   * Fulfils with `value`. Returns false (and changes nothing) if already completed.
   *
   * @example
   * ```ts
   * if (!c.complete(slot)) giveBack(slot);
   * ```
   */
  complete(value: T): boolean {
    if (this.outcome !== undefined) return false;
    this.settle({ ok: true, value });
    return true;
  }

  /**
   * Rejects with `error`. Returns false (and changes nothing) if already completed.
   *
   * @example
   * ```ts
   * c.fail(new SlotRequestTimeoutError("timed out"));
   * ```
   */
  fail(error: Error): boolean {
    if (this.outcome !== undefined) return false;
    this.settle({ ok: false, error });
    return true;
  }

  /**
   * Runs `listener` once with the outcome: now if already completed, otherwise synchronously when
   * it completes. Listeners run in registration order. An exception thrown by a listener is
   * reported (via `queueMicrotask` rethrow) and does not stop the others.
   *
   * @example
   * ```ts
   * c.onSettled((o) => { if (!o.ok) cancelAtResourceManager(); });
   * ```
   */
  onSettled(listener: (outcome: Outcome<T>) => void): void {
    if (this.outcome !== undefined) {
      runListener(listener, this.outcome);
      return;
    }
    if (this.listeners === undefined) this.listeners = listener;
    else if (typeof this.listeners === "function") this.listeners = [this.listeners, listener];
    else this.listeners.push(listener);
  }

  /**
   * A Promise of the value (created on first access, then cached).
   *
   * @example
   * ```ts
   * const lease = await handle.result.promise;
   * ```
   */
  get promise(): Promise<T> {
    if (this.promiseCache === undefined) {
      this.promiseCache = new Promise<T>((resolve, reject) => {
        this.onSettled((o) => (o.ok ? resolve(o.value) : reject(o.error)));
      });
    }
    return this.promiseCache;
  }

  private settle(outcome: Outcome<T>): void {
    this.outcome = outcome;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners === undefined) return;
    if (typeof listeners === "function") runListener(listeners, outcome);
    else for (const l of listeners) runListener(l, outcome);
  }
}

function runListener<T>(listener: Listener<T>, outcome: Outcome<T>): void {
  try {
    listener(outcome);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
