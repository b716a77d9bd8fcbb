import { interval, take, timer } from "rxjs";
import { describe, expect, it } from "vitest";
import { jobMasterId, SlotPool, VirtualScheduler } from "../src/index.js";

describe("VirtualScheduler", () => {
  it("runs tasks in due order, FIFO for equal times, and moves the clock", () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.schedule(() => log.push(`b@${s.now()}`), 20);
    s.schedule(() => log.push(`a@${s.now()}`), 10);
    s.schedule(() => log.push(`a2@${s.now()}`), 10);
    s.schedule(() => log.push(`c@${s.now()}`), 30);
    expect(s.advanceTo(20)).toBe(3);
    expect(log).toEqual(["a@10", "a2@10", "b@20"]);
    expect(s.now()).toBe(20);
    s.advanceBy(5);
    expect(s.now()).toBe(25);
    expect(s.pendingCount).toBe(1);
    s.flush();
    expect(log.at(-1)).toBe("c@30");
  });

  it("does not run cancelled tasks and compacts many cancellations", () => {
    const s = new VirtualScheduler();
    let ran = 0;
    const subs = Array.from({ length: 5000 }, (_, i) => s.schedule(() => ran++, i + 1));
    for (const sub of subs.slice(0, 4000)) sub.unsubscribe();
    expect(s.pendingCount).toBe(1000);
    s.flush();
    expect(ran).toBe(1000);
    expect(s.nextDueTime()).toBeUndefined();
  });

  it("drives rxjs operators: timer and a periodic interval", () => {
    const s = new VirtualScheduler();
    const seen: number[] = [];
    interval(100, s)
      .pipe(take(3))
      .subscribe((v) => seen.push(v * 1000 + s.now()));
    let fired = -1;
    timer(250, s).subscribe(() => (fired = s.now()));
    s.flush();
    expect(seen).toEqual([100, 1200, 2300]);
    expect(fired).toBe(250);
  });

  it("a periodic task never lets flush end: it throws instead of hanging", () => {
    const s = new VirtualScheduler();
    interval(1, s).subscribe();
    expect(() => s.flush(1000)).toThrow(/periodic/);
  });

  it("rescheduling from inside the work reuses the task; a throwing task stops the run", () => {
    const s = new VirtualScheduler();
    let n = 0;
    s.schedule(function (this: { schedule(state?: unknown, delay?: number): unknown }) {
      if (++n < 3) this.schedule(undefined, 5);
    }, 5);
    s.flush();
    expect(n).toBe(3);
    expect(s.now()).toBe(15);
    s.schedule(() => {
      throw new Error("boom");
    }, 1);
    expect(() => s.flush()).toThrow("boom");
    expect(s.pendingCount).toBe(0);
  });

  it("times a pool's queued request out", () => {
    const s = new VirtualScheduler();
    const pool = new SlotPool({ scheduler: s, timeouts: { slotRequestMs: 1000, resourceManagerRequestMs: 5000 } });
    pool.start(jobMasterId("jm"));
    const h = pool.allocateSlot({});
    s.advanceTo(999);
    expect(h.result.isDone).toBe(false);
    s.advanceTo(1000);
    expect(h.result.result).toMatchObject({ ok: false, error: { code: "TIMEOUT" } });
  });
});
