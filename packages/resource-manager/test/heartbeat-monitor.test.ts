import { VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import { HeartbeatMonitor } from "../src/index.js";
import { advance, advanceTo } from "./support.js";

function target(log: string[], name: string, scheduler: VirtualTimeScheduler): { requestHeartbeat(): void } {
  return { requestHeartbeat: () => log.push(`${scheduler.now()}:${name}`) };
}

describe("HeartbeatMonitor", () => {
  it("asks every target each interval and times out a silent one at exactly lastSeen + timeout", () => {
    const scheduler = new VirtualTimeScheduler();
    const requests: string[] = [];
    const lost: string[] = [];
    const monitor = new HeartbeatMonitor<string>(scheduler, 100, 350, (k) => lost.push(`${scheduler.now()}:${k}`));
    monitor.add("a", target(requests, "a", scheduler));
    advance(scheduler, 50);
    monitor.add("b", target(requests, "b", scheduler));
    advanceTo(scheduler, 300);
    expect(requests).toEqual(["100:a", "100:b", "200:a", "200:b", "300:a", "300:b"]);
    monitor.touch("b"); // b answers at 300; a never does
    advanceTo(scheduler, 349);
    expect(lost).toEqual([]);
    advanceTo(scheduler, 350);
    expect(lost).toEqual(["350:a"]);
    expect(monitor.size).toBe(1);
    advanceTo(scheduler, 649);
    expect(lost).toEqual(["350:a"]);
    advanceTo(scheduler, 650);
    expect(lost).toEqual(["350:a", "650:b"]);
    expect(monitor.size).toBe(0);
    // Nothing watched: the timer stops, so a flush ends.
    scheduler.flush();
    expect(scheduler.actions).toHaveLength(0);
  });

  it("forgets removed targets and is disabled by an infinite interval or timeout", () => {
    const scheduler = new VirtualTimeScheduler();
    const lost: string[] = [];
    const monitor = new HeartbeatMonitor<string>(scheduler, 10, 30, (k) => lost.push(k));
    monitor.add("a", { requestHeartbeat: () => {} });
    monitor.remove("a");
    advance(scheduler, 100);
    expect(lost).toEqual([]);
    const disabled = new HeartbeatMonitor<string>(scheduler, 10, Number.POSITIVE_INFINITY, (k) => lost.push(k));
    expect(disabled.enabled).toBe(false);
    disabled.add("b", { requestHeartbeat: () => {} });
    expect(disabled.size).toBe(0);
    advance(scheduler, 100);
    expect(lost).toEqual([]);
    monitor.add("c", { requestHeartbeat: () => {} });
    monitor.clear();
    advance(scheduler, 100);
    expect(lost).toEqual([]);
  });
});
