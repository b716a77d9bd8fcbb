import { ResourceProfile, resourceId } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { packSlots, type RegisteredTaskExecutorView, spreadSlots } from "../src/index.js";

const small = ResourceProfile.of({ cpu: 1, memoryMb: 512 });
const big = ResourceProfile.of({ cpu: 4, memoryMb: 8192 });

function te(id: string, slots: (ResourceProfile | null)[]): RegisteredTaskExecutorView {
  // `null` marks a taken slot.
  return {
    resourceId: resourceId(id),
    host: id,
    slotCount: slots.length,
    freeSlots: slots.filter((s) => s !== null).length,
    findFreeSlot: (profile) => slots.findIndex((s) => s?.isMatching(profile)),
  };
}

describe("slot choice strategies", () => {
  const cluster = [te("busy", [null, null, small]), te("idle", [small, small, small]), te("half", [null, small])];

  it("spread picks the least utilised TaskExecutor with a matching slot, the earliest on ties", () => {
    expect(spreadSlots.choose(cluster, small)).toMatchObject({ taskExecutor: { resourceId: "idle" }, slotIndex: 0 });
    expect(spreadSlots.choose([te("a", [small]), te("b", [small])], small)?.taskExecutor.resourceId).toBe("a");
  });

  it("pack picks the most utilised TaskExecutor with a matching slot, the earliest on ties", () => {
    expect(packSlots.choose(cluster, small)).toMatchObject({ taskExecutor: { resourceId: "busy" }, slotIndex: 2 });
    expect(packSlots.choose([te("a", [small]), te("b", [small])], small)?.taskExecutor.resourceId).toBe("a");
  });

  it("skips TaskExecutors without a matching free slot, and finds nothing when none matches", () => {
    const mixed = [te("small-only", [small, small]), te("with-big", [null, big])];
    expect(spreadSlots.choose(mixed, big)).toMatchObject({ taskExecutor: { resourceId: "with-big" }, slotIndex: 1 });
    expect(packSlots.choose(mixed, big)).toMatchObject({ taskExecutor: { resourceId: "with-big" }, slotIndex: 1 });
    expect(spreadSlots.choose([te("full", [null])], small)).toBeUndefined();
    expect(packSlots.choose([], ResourceProfile.UNKNOWN)).toBeUndefined();
  });
});
