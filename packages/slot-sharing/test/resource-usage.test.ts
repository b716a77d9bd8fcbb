import { ResourceProfile } from "@slotpool/core";
import { describe, expect, it } from "vitest";
import { ResourceUsage } from "../src/index.js";

describe("ResourceUsage", () => {
  it("forgets an extended resource once no counted task uses it (no 'gpu 0' left behind)", () => {
    const used = new ResourceUsage();
    const gpu = ResourceProfile.of({ cpu: 0.5, memoryMb: 256, extended: { gpu: 1 } });
    const plain = ResourceProfile.of({ cpu: 0.5, memoryMb: 512 });
    used.add(gpu);
    used.add(plain);
    expect(used.toProfile().toSpec()).toEqual({ cpu: 1, memoryMb: 768, extended: { gpu: 1 } });
    used.subtract(gpu);
    expect(used.toProfile().toSpec()).toEqual({ cpu: 0.5, memoryMb: 512 });
    // A slot without GPUs can host what is left.
    expect(ResourceProfile.of({ cpu: 1, memoryMb: 1024 }).isMatching(used.toProfile())).toBe(true);
  });

  it("keeps the rest of an extended resource while other tasks still use it", () => {
    const used = new ResourceUsage();
    const a = ResourceProfile.of({ cpu: 1, memoryMb: 1, extended: { gpu: 1 } });
    used.add(a);
    used.add(a);
    used.subtract(a);
    expect(used.toProfile().toSpec()).toEqual({ cpu: 1, memoryMb: 1, extended: { gpu: 1 } });
  });
});
