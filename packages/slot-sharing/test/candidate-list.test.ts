import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CandidateList } from "../src/index.js";

function members(list: CandidateList): number[] {
  const out: number[] = [];
  for (let i = list.first(); i !== -1; i = list.after(i)) out.push(i);
  return out;
}

describe("CandidateList", () => {
  it("keeps insertion order, ignores duplicates, and finds the first member in O(1) after removals", () => {
    const list = new CandidateList();
    expect(list.first()).toBe(-1);
    for (const i of [5, 1, 40, 1, 7]) list.add(i);
    expect(members(list)).toEqual([5, 1, 40, 7]);
    expect(list.size).toBe(4);
    expect(list.delete(5)).toBe(true);
    expect(list.delete(5)).toBe(false);
    expect(list.delete(999)).toBe(false);
    expect(list.first()).toBe(1);
    list.add(5);
    expect(members(list)).toEqual([1, 40, 7, 5]);
    expect(list.has(40)).toBe(true);
    expect(list.has(41)).toBe(false);
    expect(list.has(100_000)).toBe(false);
  });

  it("behaves like an insertion-ordered Set under any sequence of adds and deletes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(300)), { maxLength: 200 }), (ops) => {
        const list = new CandidateList();
        const model = new Set<number>();
        for (const [add, i] of ops) {
          if (add) expect(list.add(i)).toBe(!model.has(i));
          else expect(list.delete(i)).toBe(model.has(i));
          if (add) model.add(i);
          else model.delete(i);
        }
        expect(members(list)).toEqual([...model]);
        expect(list.size).toBe(model.size);
      }),
      { numRuns: 200, seed: 1 },
    );
  });
});
