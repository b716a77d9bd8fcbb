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
 * Stands in the listener list where {@link Completable.promise} was first asked for: the promise is
 * settled at that point, so its reactions are queued in the same order as if a listener did it,
 * without a listener closure per promise.
 */
const SETTLE_PROMISE: Listener<unknown> = () => {};

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

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
  private state: typeof PENDING | typeof FULFILLED | typeof REJECTED = PENDING;
  /** The value (fulfilled) or the error (rejected). */
  private settledWith: unknown = undefined;
  /** The {@link Outcome} object, made when first needed (by `result` or a listener). */
  private outcome: Outcome<T> | undefined = undefined;
  private listeners: Listener<T>[] | Listener<T> | undefined = undefined;
  private promiseCache: Promise<T> | undefined = undefined;
  private resolvePromise: ((value: T) => void) | undefined = undefined;
  private rejectPromise: ((error: Error) => void) | undefined = undefined;

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
    c.state = FULFILLED;
    c.settledWith = value;
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
    c.state = REJECTED;
    c.settledWith = error;
    return c;
  }

  /** True once completed either way. */
  get isDone(): boolean {
    return this.state !== PENDING;
  }

  /** The outcome, or `undefined` while pending. */
  get result(): Outcome<T> | undefined {
    return this.state === PENDING ? undefined : this.outcomeNow();
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
    if (this.state !== PENDING) return false;
    this.state = FULFILLED;
    this.settledWith = value;
    this.settle();
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
    if (this.state !== PENDING) return false;
    this.state = REJECTED;
    this.settledWith = error;
    this.settle();
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
    if (this.state !== PENDING) {
      runListener(listener, this.outcomeNow());
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
    let promise = this.promiseCache;
    if (promise === undefined) {
      if (this.state === PENDING) {
        promise = new Promise<T>((resolve, reject) => {
          this.resolvePromise = resolve;
          this.rejectPromise = reject;
        });
        this.onSettled(SETTLE_PROMISE);
      } else {
        // Already settled: no resolving functions to build.
        promise = this.state === FULFILLED ? Promise.resolve(this.settledWith as T) : Promise.reject(this.settledWith);
      }
      this.promiseCache = promise;
    }
    return promise;
  }

  /**
   * Called once, synchronously, when this Completable completes, before any listener runs: lets a
   * subclass react to its own completion without allocating a listener. The default does nothing.
   * Like a listener, an exception thrown here is reported and stops nothing.
   *
   * @param value - the value when fulfilled (else undefined).
   * @param error - the error when rejected (else undefined).
   * @example
   * ```ts
   * class Logged<T> extends Completable<T> {
   *   protected override whenSettled(value: T | undefined, error: Error | undefined): void {
   *     console.log(error === undefined ? "fulfilled" : "rejected");
   *   }
   * }
   * ```
   */
  protected whenSettled(_value: T | undefined, _error: Error | undefined): void {}

  private outcomeNow(): Outcome<T> {
    if (this.outcome === undefined) {
      this.outcome =
        this.state === FULFILLED
          ? { ok: true, value: this.settledWith as T }
          : { ok: false, error: this.settledWith as Error };
    }
    return this.outcome;
  }

  private settle(): void {
    const fulfilled = this.state === FULFILLED;
    try {
      if (fulfilled) this.whenSettled(this.settledWith as T, undefined);
      else this.whenSettled(undefined, this.settledWith as Error);
    } catch (error) {
      reportListenerError(error);
    }
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners === undefined) return;
    if (typeof listeners === "function") this.run(listeners);
    else for (const l of listeners) this.run(l);
  }

  private run(listener: Listener<T>): void {
    if (listener !== SETTLE_PROMISE) {
      runListener(listener, this.outcomeNow());
      return;
    }
    const resolve = this.resolvePromise as (value: T) => void;
    const reject = this.rejectPromise as (error: Error) => void;
    this.resolvePromise = undefined;
    this.rejectPromise = undefined;
    if (this.state === FULFILLED) resolve(this.settledWith as T);
    else reject(this.settledWith as Error);
  }
}

function runListener<T>(listener: Listener<T>, outcome: Outcome<T>): void {
  try {
    listener(outcome);
  } catch (error) {
    reportListenerError(error);
  }
}

/**
 * Reports an exception thrown by a listener (or a settle hook) the way {@link Completable} does:
 * rethrown in a microtask, so it surfaces as an uncaught error without stopping the other listeners.
 *
 * @internal
 * @example
 * ```ts
 * try { listener(outcome); } catch (error) { reportListenerError(error); }
 * ```
 */
export function reportListenerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
