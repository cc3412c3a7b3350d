import { describe, expect, it } from "vitest";
import { freezeContext } from "../common/freeze.js";
import { type Heap, heapInsert, heapOf, heapPeek, heapRest, heapSize } from "./pheap.js";

const less = (a: number, b: number) => a < b;

/** Everything in the heap, least first. */
function drain(h: Heap<number>): number[] {
  const out: number[] = [];
  for (; h !== null; h = heapRest(h, less)) out.push(heapPeek(h)!);
  return out;
}

describe("the persistent heap", () => {
  const rows: Array<[string, number[]]> = [
    ["empty", []],
    ["one element", [4]],
    ["ascending input", [1, 2, 3, 4, 5, 6, 7, 8]],
    ["descending input", [9, 8, 7, 6, 5, 4, 3, 2, 1]],
    ["duplicates", [3, 1, 3, 2, 1, 3]],
    ["a scrambled thousand", Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1009)],
  ];
  it.each(rows)("hands out %s in ascending order, with its size", (_name, xs) => {
    const h = heapOf(xs, less);
    expect(heapSize(h)).toBe(xs.length);
    expect(drain(h)).toEqual([...xs].sort((a, b) => a - b));
  });

  it("never changes a heap it was given: a frozen heap pushed to and popped from is the same afterwards", () => {
    const h = freezeContext(heapOf([5, 3, 8, 1], less));
    const pushed = heapInsert(h, 0, less);
    const popped = heapRest(h, less);
    expect(drain(h)).toEqual([1, 3, 5, 8]);
    expect(drain(pushed)).toEqual([0, 1, 3, 5, 8]);
    expect(drain(popped)).toEqual([3, 5, 8]);
    expect([heapPeek(null), heapSize(null), heapRest(null, less)]).toEqual([undefined, 0, null]);
  });
});
