import { describe, expect, it } from "vitest";
import { fnv1a32, fnv1a32String } from "./fnv.js";

// Expected values: the published FNV-1a 32-bit test vectors (Go's hash/fnv New32a gives the same).
describe("FNV-1a 32", () => {
  it.each([
    { name: "the empty input is the offset basis", input: "", want: 0x811c9dc5 },
    { name: "a", input: "a", want: 0xe40c292c },
    { name: "foobar", input: "foobar", want: 0xbf9cf968 },
  ])("$name", ({ input, want }) => {
    expect(fnv1a32(new TextEncoder().encode(input))).toBe(want);
    expect(fnv1a32String(input)).toBe(want);
  });

  it("continuing from a hash equals hashing the concatenation", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a32(enc("bar"), fnv1a32(enc("foo")))).toBe(fnv1a32(enc("foobar")));
    expect(fnv1a32String("bar", fnv1a32String("foo"))).toBe(fnv1a32String("foobar"));
  });
});
