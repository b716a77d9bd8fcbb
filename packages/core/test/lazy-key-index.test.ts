import { describe, expect, it } from "vitest";
import { type LazyIndexEntry, LazyKeyIndex } from "../src/lazy-key-index.js";

class Entry implements LazyIndexEntry<Entry> {
  indexState: 0 | 1 | 2 = 0;
  indexPrev: Entry | undefined = undefined;
  indexNext: Entry | undefined = undefined;
  constructor(readonly key: string) {}
}

function index(): { idx: LazyKeyIndex<string, Entry>; hashed: () => number } {
  let hashedKeys = 0;
  const idx = new LazyKeyIndex<string, Entry>((e) => {
    hashedKeys++;
    return e.key;
  });
  return { idx, hashed: () => hashedKeys };
}

describe("LazyKeyIndex", () => {
  it("adds and deletes entries without hashing until someone looks one up", () => {
    const { idx, hashed } = index();
    const [a, b, c] = [new Entry("a"), new Entry("b"), new Entry("c")];
    idx.add(a);
    idx.add(b);
    idx.add(c);
    idx.delete(b);
    expect(idx.size).toBe(2);
    expect(hashed()).toBe(0);
    expect(idx.get("a")).toBe(a);
    expect(idx.get("b")).toBeUndefined();
    expect(hashed()).toBe(2);
    expect([b.indexState, a.indexState]).toEqual([0, 2]);
  });

  it("iterates in insertion order across hashed and waiting entries", () => {
    const { idx } = index();
    const [a, b, c, d] = ["a", "b", "c", "d"].map((k) => new Entry(k)) as [Entry, Entry, Entry, Entry];
    idx.add(a);
    idx.add(b);
    expect(idx.has("a")).toBe(true); // hashes a and b
    idx.add(c);
    idx.delete(a); // a hashed entry leaves the map
    idx.add(d);
    idx.add(a); // a joins again, at the end
    expect([...idx.entries()].map(([k]) => k)).toEqual(["b", "c", "d", "a"]);
    expect([...idx.values()]).toEqual([b, c, d, a]);
    expect(idx.size).toBe(4);
  });

  it("deleting a hashed entry whose key now names another entry leaves that one alone", () => {
    const { idx } = index();
    const first = new Entry("k");
    const second = new Entry("k");
    idx.add(first);
    expect(idx.get("k")).toBe(first);
    // an unchecked add of a duplicate key (callers check with has() when unsure) replaces it when hashed
    idx.add(second);
    expect(idx.get("k")).toBe(second);
    idx.delete(first);
    expect(idx.get("k")).toBe(second);
  });

  it("clear removes every entry, hashed or waiting", () => {
    const { idx } = index();
    const [a, b] = [new Entry("a"), new Entry("b")];
    idx.add(a);
    idx.has("a");
    idx.add(b);
    idx.clear();
    expect(idx.size).toBe(0);
    expect([a.indexState, b.indexState]).toEqual([0, 0]);
    expect([...idx.values()]).toEqual([]);
    idx.add(b);
    expect(idx.get("b")).toBe(b);
  });
});
