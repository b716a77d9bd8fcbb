import { afterEach, describe, expect, it, vi } from "vitest";
import { Completable, type Outcome } from "../src/index.js";

/** Lets the event loop turn once, so Node reports unhandled rejections (no timer is waited for). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("Completable", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("completes at most once; later complete/fail change nothing", () => {
    const c = new Completable<number>();
    expect(c.isDone).toBe(false);
    expect(c.result).toBeUndefined();
    expect(c.complete(1)).toBe(true);
    expect(c.complete(2)).toBe(false);
    expect(c.fail(new Error("late"))).toBe(false);
    expect(c.isDone).toBe(true);
    expect(c.result).toEqual({ ok: true, value: 1 });

    const f = new Completable<number>();
    const boom = new Error("boom");
    expect(f.fail(boom)).toBe(true);
    expect(f.complete(3)).toBe(false);
    expect(f.fail(new Error("other"))).toBe(false);
    expect(f.result).toEqual({ ok: false, error: boom });
  });

  it("runs listeners synchronously inside complete(), in registration order, exactly once", () => {
    const c = new Completable<string>();
    const log: string[] = [];
    c.onSettled((o) => log.push(`first:${o.ok && o.value}`));
    c.onSettled((o) => log.push(`second:${o.ok && o.value}`));
    c.onSettled((o) => log.push(`third:${o.ok && o.value}`));
    expect(log).toEqual([]);
    log.push("before");
    c.complete("v");
    log.push("after");
    c.complete("w");
    expect(log).toEqual(["before", "first:v", "second:v", "third:v", "after"]);
  });

  it("runs a listener registered after completion at once, and one registered during settlement too", () => {
    const c = new Completable<number>();
    const log: string[] = [];
    c.onSettled(() => {
      log.push("outer");
      c.onSettled(() => log.push("nested"));
      log.push("outer-end");
    });
    c.onSettled(() => log.push("second"));
    c.complete(1);
    expect(log).toEqual(["outer", "nested", "outer-end", "second"]);
    c.onSettled((o) => log.push(`late:${o.ok && o.value}`));
    expect(log.at(-1)).toBe("late:1");
  });

  it("a listener that throws does not stop the others, and its error is reported asynchronously", () => {
    const reported: unknown[] = [];
    vi.stubGlobal("queueMicrotask", (task: () => void) => {
      try {
        task();
      } catch (error) {
        reported.push(error);
      }
    });
    const c = new Completable<number>();
    const seen: Outcome<number>[] = [];
    const bad = new Error("listener bug");
    c.onSettled((o) => seen.push(o));
    c.onSettled(() => {
      throw bad;
    });
    c.onSettled((o) => seen.push(o));
    expect(c.fail(new Error("x"))).toBe(true);
    expect(seen).toHaveLength(2);
    expect(reported).toEqual([bad]);
    // also for a listener added after completion
    c.onSettled(() => {
      throw bad;
    });
    expect(reported).toEqual([bad, bad]);
  });

  it("creates its promise lazily and caches it", async () => {
    const c = new Completable<number>();
    const p = c.promise;
    expect(c.promise).toBe(p);
    c.complete(42);
    await expect(p).resolves.toBe(42);
    const f = new Completable<number>();
    const boom = new Error("boom");
    f.fail(boom);
    await expect(f.promise).rejects.toBe(boom);
  });

  it("a rejection nobody asked a promise for is never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const c = new Completable<number>();
      c.onSettled(() => {});
      c.fail(new Error("failed, but nobody awaits"));
      Completable.rejected<number>(new Error("born rejected"));
      await nextTurn();
      await nextTurn();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("resolved() and rejected() are already done", () => {
    const r = Completable.resolved("x");
    expect(r.isDone).toBe(true);
    expect(r.complete("y")).toBe(false);
    const got: Outcome<string>[] = [];
    r.onSettled((o) => got.push(o));
    expect(got).toEqual([{ ok: true, value: "x" }]);
    const e = new Error("no");
    const j = Completable.rejected<string>(e);
    expect(j.isDone).toBe(true);
    expect(j.fail(new Error("again"))).toBe(false);
    expect(j.result).toEqual({ ok: false, error: e });
  });
});

describe("Completable.promise settles where it was first asked for among the listeners", () => {
  it("promise reactions keep the order of the listeners around it", async () => {
    const a = new Completable<number>();
    const b = new Completable<number>();
    const c = new Completable<number>();
    const order: string[] = [];
    void b.promise.then(() => order.push("b"));
    void c.promise.then(() => order.push("c"));
    a.onSettled(() => b.complete(1)); // registered before a.promise: b's reaction is queued first
    void a.promise.then((v) => order.push(`a=${v}`));
    a.onSettled(() => c.complete(1)); // registered after a.promise: c's reaction is queued after a's
    a.complete(7);
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(["b", "a=7", "c"]);
  });

  it("a promise asked for while pending rejects with the failure", async () => {
    const a = new Completable<number>();
    const p = a.promise;
    const error = new Error("no");
    a.fail(error);
    await expect(p).rejects.toBe(error);
    expect(a.promise).toBe(p);
  });
});
