import { VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import { Mailbox } from "../src/mailbox.js";
import { advance } from "./support.js";

describe("Mailbox", () => {
  it("delivers after the latency, in posting order, batching everything due at once in one action", () => {
    const scheduler = new VirtualTimeScheduler();
    const errors: unknown[] = [];
    const mailbox = new Mailbox(scheduler, 5, (e) => errors.push(e));
    const log: string[] = [];
    const handler = (m: string): void => {
      log.push(`${scheduler.now()}:${m}`);
      if (m === "a") mailbox.post(handler, "c"); // posted while delivering: due 5 ms later
    };
    mailbox.post(handler, "a");
    mailbox.post(handler, "b");
    expect(scheduler.actions).toHaveLength(1);
    expect(mailbox.size).toBe(2);
    advance(scheduler, 4);
    expect(log).toEqual([]);
    advance(scheduler, 1);
    expect(log).toEqual(["5:a", "5:b"]);
    advance(scheduler, 5);
    expect(log).toEqual(["5:a", "5:b", "10:c"]);
    expect(mailbox.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it("with latency 0 runs a cascade of messages inside one scheduled action", () => {
    const scheduler = new VirtualTimeScheduler();
    const mailbox = new Mailbox(scheduler, 0, () => {});
    let hops = 0;
    const hop = (n: number): void => {
      hops++;
      if (n > 0) mailbox.post(hop, n - 1);
    };
    mailbox.post(hop, 99);
    expect(scheduler.actions).toHaveLength(1);
    scheduler.flush();
    expect(hops).toBe(100);
    expect(scheduler.now()).toBe(0);
  });

  it("reports a throwing handler to onError and keeps delivering; a delayed post overtakes nothing before it", () => {
    const scheduler = new VirtualTimeScheduler();
    const errors: unknown[] = [];
    const mailbox = new Mailbox(scheduler, 1, (e) => errors.push(e));
    const log: string[] = [];
    mailbox.post(() => {
      throw new Error("boom");
    }, undefined);
    mailbox.postDelayed((m: string) => log.push(`${scheduler.now()}:${m}`), "late", 10);
    mailbox.post((m: string) => log.push(`${scheduler.now()}:${m}`), "next");
    scheduler.flush();
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom"]);
    expect(log).toEqual(["1:next", "10:late"]);
  });

  it("drops everything and refuses new messages once closed", () => {
    const scheduler = new VirtualTimeScheduler();
    const mailbox = new Mailbox(scheduler, 1, () => {});
    const log: number[] = [];
    mailbox.post((m: number) => log.push(m), 1);
    mailbox.close();
    mailbox.post((m: number) => log.push(m), 2);
    mailbox.postDelayed((m: number) => log.push(m), 3, 1);
    scheduler.flush();
    expect(log).toEqual([]);
    expect(mailbox.size).toBe(0);
  });
});
