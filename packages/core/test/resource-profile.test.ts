import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, isSlotPoolError, ResourceProfile, type ResourceSpec } from "../src/index.js";

const of = (cpu: number, memoryMb: number, extended?: Record<string, number>): ResourceProfile =>
  ResourceProfile.of(extended === undefined ? { cpu, memoryMb } : { cpu, memoryMb, extended });

function invalid(spec: unknown, path?: string): InvalidArgumentError {
  try {
    if (path === undefined) ResourceProfile.of(spec as ResourceSpec);
    else ResourceProfile.of(spec as ResourceSpec, path);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error(`ResourceProfile.of(${JSON.stringify(spec)}) was accepted`);
}

describe("ResourceProfile matching (reference §1, evaluated on the offering side)", () => {
  it("a slot matches a requirement it covers in every dimension, and nothing bigger", () => {
    const slot = of(2, 2048);
    expect(slot.isMatching(of(1, 512))).toBe(true);
    expect(slot.isMatching(of(2, 2048))).toBe(true);
    expect(slot.isMatching(of(2.5, 512))).toBe(false);
    expect(slot.isMatching(of(1, 2049))).toBe(false);
    expect(slot.isMatching(of(3, 4096))).toBe(false);
  });

  it("fractional cpus compare exactly at the edge", () => {
    expect(of(0.5, 0).isMatching(of(0.5, 0))).toBe(true);
    expect(of(0.5, 0).isMatching(of(0.5000001, 0))).toBe(false);
    expect(of(0.1, 10).plus(of(0.2, 10)).isMatching(of(0.3, 20))).toBe(true);
  });

  it("any slot with non-negative fields matches an UNKNOWN requirement", () => {
    expect(of(0, 0).isMatching(ResourceProfile.UNKNOWN)).toBe(true);
    expect(ResourceProfile.ZERO.isMatching(ResourceProfile.UNKNOWN)).toBe(true);
    expect(of(4, 8192, { gpu: 2 }).isMatching(ResourceProfile.UNKNOWN)).toBe(true);
  });

  it("an UNKNOWN slot matches an UNKNOWN requirement and nothing real, not even ZERO", () => {
    expect(ResourceProfile.UNKNOWN.isMatching(ResourceProfile.UNKNOWN)).toBe(true);
    expect(ResourceProfile.UNKNOWN.isMatching(of(1, 512))).toBe(false);
    expect(ResourceProfile.UNKNOWN.isMatching(ResourceProfile.ZERO)).toBe(false);
    expect(ResourceProfile.UNKNOWN.isMatching(of(0, 0, { gpu: 0 }))).toBe(false);
  });

  it("extended resources: every required name must be offered with at least the required amount", () => {
    const gpuSlot = of(1, 1024, { gpu: 2, fpga: 1 });
    expect(gpuSlot.isMatching(of(1, 1024, { gpu: 1 }))).toBe(true);
    expect(gpuSlot.isMatching(of(1, 1024, { gpu: 2, fpga: 1 }))).toBe(true);
    expect(gpuSlot.isMatching(of(1, 1024, { gpu: 3 }))).toBe(false);
    expect(gpuSlot.isMatching(of(1, 1024, { gpu: 1, tpu: 1 }))).toBe(false);
    // extra offered resources never hurt
    expect(gpuSlot.isMatching(of(1, 1024))).toBe(true);
    // a required name the slot lacks fails, even with amount 0 (the name must be offered)
    expect(of(8, 8192).isMatching(of(1, 1, { gpu: 0 }))).toBe(false);
    expect(of(8, 8192, { gpu: 0 }).isMatching(of(1, 1, { gpu: 0 }))).toBe(true);
    // cpu/memory still apply when extended resources match
    expect(gpuSlot.isMatching(of(2, 1024, { gpu: 1 }))).toBe(false);
  });

  it("names inherited from Object.prototype are ordinary resource names (regression)", () => {
    const plain = of(4, 4096);
    for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"]) {
      const required = ResourceProfile.of(JSON.parse(`{"cpu":1,"memoryMb":1,"extended":{"${name}":1}}`));
      expect(Object.keys(required.extended)).toEqual([name]);
      expect(required.extended[name]).toBe(1);
      expect(plain.isMatching(required), name).toBe(false);
      expect(required.isMatching(required), name).toBe(true);
      expect(required.plus(required).extended[name], name).toBe(2);
      expect(plain.plus(required).extended[name], name).toBe(1);
      expect(plain.minus(required).extended[name], name).toBe(0);
    }
  });

  it("the same object always matches itself", () => {
    for (const p of [ResourceProfile.UNKNOWN, ResourceProfile.ZERO, of(1, 2, { gpu: 1 })]) {
      expect(p.isMatching(p)).toBe(true);
    }
  });
});

describe("ResourceProfile.of validation", () => {
  it("undefined is UNKNOWN and a profile is returned as is", () => {
    expect(ResourceProfile.of(undefined)).toBe(ResourceProfile.UNKNOWN);
    const p = of(1, 1);
    expect(ResourceProfile.of(p)).toBe(p);
    expect(ResourceProfile.UNKNOWN.isUnknown).toBe(true);
    expect(p.isUnknown).toBe(false);
    expect(ResourceProfile.ZERO.isUnknown).toBe(false);
  });

  it.each([
    ["NaN cpu", { cpu: Number.NaN, memoryMb: 1 }, "profile.cpu", "got NaN"],
    ["Infinity cpu", { cpu: Number.POSITIVE_INFINITY, memoryMb: 1 }, "profile.cpu", "got Infinity"],
    ["-Infinity memory", { cpu: 1, memoryMb: Number.NEGATIVE_INFINITY }, "profile.memoryMb", "got -Infinity"],
    ["negative cpu", { cpu: -1, memoryMb: 1 }, "profile.cpu", "got -1"],
    ["negative memory", { cpu: 1, memoryMb: -0.5 }, "profile.memoryMb", "got -0.5"],
    ["string cpu", { cpu: "1", memoryMb: 1 }, "profile.cpu", 'got "1"'],
    ["missing memory", { cpu: 1 }, "profile.memoryMb", "got undefined"],
    ["null cpu", { cpu: null, memoryMb: 1 }, "profile.cpu", "got null"],
    ["extended not an object", { cpu: 1, memoryMb: 1, extended: 3 }, "profile.extended", "got 3"],
    ["extended null", { cpu: 1, memoryMb: 1, extended: null }, "profile.extended", "got null"],
    ["extended array", { cpu: 1, memoryMb: 1, extended: [1] }, "profile.extended", "got [1]"],
    ["negative extended", { cpu: 1, memoryMb: 1, extended: { gpu: -1 } }, "profile.extended.gpu", "got -1"],
    ["NaN extended", { cpu: 1, memoryMb: 1, extended: { gpu: Number.NaN } }, "profile.extended.gpu", "got NaN"],
    ["string extended", { cpu: 1, memoryMb: 1, extended: { gpu: "2" } }, "profile.extended.gpu", 'got "2"'],
    ["empty extended name", { cpu: 1, memoryMb: 1, extended: { "": 1 } }, "profile.extended", 'got ""'],
    ["a number", 5, "profile", "got 5"],
    ["null", null, "profile", "got null"],
  ])("rejects %s with the field path", (_name, spec, path, got) => {
    const error = invalid(spec);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(isSlotPoolError(error, "INVALID_ARGUMENT")).toBe(true);
    expect(error.path).toBe(path);
    expect(error.message).toBe(`${path}: expected ${error.expected}, got ${got.slice(4)}`);
  });

  it("reports the caller's path prefix", () => {
    const error = invalid({ cpu: 1, memoryMb: 1, extended: { gpu: -2 } }, "cluster.taskManagers[3].slotProfile");
    expect(error.path).toBe("cluster.taskManagers[3].slotProfile.extended.gpu");
    expect(error.message).toMatch(/^cluster\.taskManagers\[3\]\.slotProfile\.extended\.gpu: expected .* got -2$/);
  });

  it("accepts zero amounts and an empty extended object", () => {
    expect(of(0, 0)).toBe(ResourceProfile.ZERO);
    expect(ResourceProfile.of({ cpu: 1, memoryMb: 2, extended: {} })).toBe(of(1, 2));
    expect(of(0, 0, { gpu: 0 }).extended).toEqual({ gpu: 0 });
  });
});

describe("ResourceProfile interning and keys", () => {
  it("equal specs give the same object, whatever the order of extended names", () => {
    expect(of(1, 1024)).toBe(of(1, 1024));
    expect(of(1, 1, { b: 2, a: 1 })).toBe(of(1, 1, { a: 1, b: 2 }));
    expect(of(1, 1, { b: 2, a: 1 }).key).toBe(of(1, 1, { a: 1, b: 2 }).key);
    expect(Object.keys(of(1, 1, { b: 2, a: 1, c: 0 }).extended)).toEqual(["a", "b", "c"]);
  });

  it("ZERO is the canonical zero profile (regression: it was not interned)", () => {
    expect(ResourceProfile.of({ cpu: 0, memoryMb: 0 })).toBe(ResourceProfile.ZERO);
    expect(ResourceProfile.of({ cpu: 0, memoryMb: 0 }).equals(ResourceProfile.ZERO)).toBe(true);
  });

  it("-0 is folded into 0, in every dimension", () => {
    const p = of(-0, -0, { gpu: -0 });
    expect(Object.is(p.cpu, 0)).toBe(true);
    expect(Object.is(p.memoryMb, 0)).toBe(true);
    expect(Object.is(p.extended.gpu, 0)).toBe(true);
    expect(p).toBe(of(0, 0, { gpu: 0 }));
    expect(of(-0, 0)).toBe(ResourceProfile.ZERO);
  });

  it("different profiles have different keys, even with separators in resource names (regression)", () => {
    const a = of(1, 1, { a: 1, b: 2 });
    const b = of(1, 1, { "a=1|b": 2 });
    const c = of(1, 1, { 'a"': 1 });
    expect(a.key).not.toBe(b.key);
    expect(b).not.toBe(a);
    expect(b.extended).toEqual({ "a=1|b": 2 });
    expect(c.extended).toEqual({ 'a"': 1 });
    expect(a.isMatching(b)).toBe(false);
    expect(b.isMatching(a)).toBe(false);
    expect(of(1, 10).key).not.toBe(of(11, 0).key);
    expect(ResourceProfile.UNKNOWN.key).not.toBe(ResourceProfile.ZERO.key);
  });

  it("property: equal keys ⇔ equal normalized specs; of() is idempotent on specs", () => {
    const name = fc.constantFrom("gpu", "fpga", "a|b", "a=1", "|", "=", '"', "constructor", "__proto__", "x");
    const amount = fc.constantFrom(0, -0, 0.5, 1, 2, 1024);
    const spec = fc.record({
      cpu: amount,
      memoryMb: amount,
      extended: fc.option(fc.dictionary(name, amount, { maxKeys: 3 }), { nil: undefined }),
    });
    const normalize = (s: { cpu: number; memoryMb: number; extended: Record<string, number> | undefined }): string =>
      JSON.stringify([
        s.cpu + 0,
        s.memoryMb + 0,
        Object.entries(s.extended ?? {})
          .map(([k, v]) => [k, v + 0])
          .sort(([x], [y]) => ((x as string) < (y as string) ? -1 : 1)),
      ]);
    fc.assert(
      fc.property(spec, spec, (s1, s2) => {
        const toSpec = (x: typeof s1): ResourceSpec =>
          x.extended === undefined
            ? { cpu: x.cpu, memoryMb: x.memoryMb }
            : { cpu: x.cpu, memoryMb: x.memoryMb, extended: x.extended };
        const p1 = ResourceProfile.of(toSpec(s1));
        const p2 = ResourceProfile.of(toSpec(s2));
        expect(p1.key === p2.key).toBe(normalize(s1) === normalize(s2));
        expect(p1.equals(p2)).toBe(normalize(s1) === normalize(s2));
        const again = p1.toSpec();
        expect(again === undefined ? ResourceProfile.UNKNOWN : ResourceProfile.of(again).key).toBe(p1.key);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ResourceProfile arithmetic", () => {
  it("plus adds every dimension and unions extended resources", () => {
    const sum = of(1, 512, { gpu: 1 }).plus(of(0.5, 256, { fpga: 2, gpu: 1 }));
    expect(sum).toBe(of(1.5, 768, { gpu: 2, fpga: 2 }));
  });

  it("plus treats UNKNOWN as zero", () => {
    const p = of(1, 512);
    expect(p.plus(ResourceProfile.UNKNOWN)).toBe(p);
    expect(ResourceProfile.UNKNOWN.plus(p)).toBe(p);
    expect(ResourceProfile.UNKNOWN.plus(ResourceProfile.UNKNOWN)).toBe(ResourceProfile.ZERO);
    expect(ResourceProfile.ZERO.plus(ResourceProfile.UNKNOWN)).toBe(ResourceProfile.ZERO);
    expect(ResourceProfile.ZERO.plus(p)).toBe(p);
  });

  it("plus rounds away binary noise", () => {
    const sum = of(0.1, 0).plus(of(0.2, 0));
    expect(sum.cpu).toBe(0.3);
    expect(sum).toBe(of(0.3, 0));
  });

  it("minus subtracts, never below zero, and treats UNKNOWN as zero", () => {
    expect(of(2, 8, { gpu: 2 }).minus(of(1, 2, { gpu: 1 }))).toBe(of(1, 6, { gpu: 1 }));
    expect(of(1, 2).minus(of(3, 5))).toBe(ResourceProfile.ZERO);
    expect(of(1, 2, { gpu: 1 }).minus(of(0, 0, { gpu: 5, fpga: 1 }))).toBe(of(1, 2, { gpu: 0, fpga: 0 }));
    const p = of(1, 2);
    expect(p.minus(ResourceProfile.UNKNOWN)).toBe(p);
    expect(p.minus(ResourceProfile.ZERO)).toBe(p);
    expect(ResourceProfile.UNKNOWN.minus(p)).toBe(ResourceProfile.ZERO);
    expect(ResourceProfile.UNKNOWN.minus(ResourceProfile.UNKNOWN)).toBe(ResourceProfile.ZERO);
    expect(of(0.3, 0).minus(of(0.1, 0)).cpu).toBe(0.2);
  });

  it("property: a sum matches each part; a difference is within the whole and, plus what was taken, matches it", () => {
    const amount = fc.integer({ min: 0, max: 64 }).map((n) => n / 4);
    const profile = fc
      .record({ cpu: amount, memoryMb: amount, extended: fc.dictionary(fc.constantFrom("gpu", "fpga"), amount) })
      .map((s) => ResourceProfile.of(s));
    fc.assert(
      fc.property(profile, profile, (p, q) => {
        expect(p.plus(q).isMatching(p)).toBe(true);
        expect(p.plus(q).isMatching(q)).toBe(true);
        expect(p.plus(q).equals(q.plus(p))).toBe(true);
        expect(p.minus(q).plus(q).isMatching(p)).toBe(true);
        const rest = p.minus(q);
        expect(rest.cpu).toBeLessThanOrEqual(p.cpu);
        expect(rest.memoryMb).toBeLessThanOrEqual(p.memoryMb);
        for (const [name, v] of Object.entries(rest.extended)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(p.extended[name] ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("ResourceProfile presentation", () => {
  it("equals compares by value", () => {
    expect(of(1, 2, { gpu: 1 }).equals(of(1, 2, { gpu: 1 }))).toBe(true);
    expect(of(1, 2, { gpu: 1 }).equals(of(1, 2))).toBe(false);
    expect(ResourceProfile.UNKNOWN.equals(ResourceProfile.ZERO)).toBe(false);
  });

  it("toSpec round-trips and is undefined for UNKNOWN", () => {
    expect(ResourceProfile.UNKNOWN.toSpec()).toBeUndefined();
    expect(of(1, 2).toSpec()).toEqual({ cpu: 1, memoryMb: 2 });
    expect(of(1, 2).toSpec()).not.toHaveProperty("extended");
    expect(of(1, 2, { gpu: 1 }).toSpec()).toEqual({ cpu: 1, memoryMb: 2, extended: { gpu: 1 } });
    expect(JSON.parse(JSON.stringify(of(1, 2, { gpu: 1 }).toSpec()))).toEqual({
      cpu: 1,
      memoryMb: 2,
      extended: { gpu: 1 },
    });
  });

  it("toString is short and readable", () => {
    expect(String(ResourceProfile.UNKNOWN)).toBe("unknown");
    expect(String(of(1, 1024))).toBe("cpu 1, 1024 MB");
    expect(String(of(1, 1024, { gpu: 1 }))).toBe("cpu 1, 1024 MB, gpu 1");
  });

  it("profiles and their extended records are immutable", () => {
    const p = of(1, 2, { gpu: 1 });
    expect(Object.isFrozen(p.extended)).toBe(true);
    expect(Object.isFrozen(ResourceProfile.ZERO.extended)).toBe(true);
  });
});
