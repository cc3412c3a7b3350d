import { describe, expect, it } from "vitest";
import { checkDigest, scenarioDigest } from "../bench/digest.js";

// The behaviour digest is a refactoring tool: `node dist/bench/digest.js` before and after a change
// that must not change behaviour prints identical lines. These checks prove it sees what it must.
describe("the behaviour digest", () => {
  it("is the same for the same seed and differs between seeds", async () => {
    const a = await scenarioDigest("crashloop-and-pull");
    const b = await scenarioDigest("crashloop-and-pull");
    const c = await scenarioDigest("crashloop-and-pull", 4);
    expect(a).toEqual(b);
    const field = (line: string, name: string) => line.match(new RegExp(`${name}=(\\w+) \\((\\d+)\\)`))!.slice(1);
    expect(field(a, "messages")).not.toEqual(field(c, "messages"));
    expect(Number(field(a, "messages")[1])).toBeGreaterThan(1000);
    // the CRI's share: container restarts and pulls are in it
    expect(Number(field(a, "cri")[1])).toBeGreaterThan(50);
  });

  // XState is the reference interpreter, the fast path (runtime/fastpath.ts) what runs by default:
  // seeded runs deliver the same messages, API requests, timers and Events on both.
  it("is the same on XState's interpreter and on the fast path", async () => {
    for (const name of ["crashloop-and-pull", "prestop-grace", "delete-everything"]) {
      expect(await scenarioDigest(name, undefined, "fast"), name).toBe(await scenarioDigest(name, undefined, "xstate"));
    }
    expect(await checkDigest(4, true, "fast")).toBe(await checkDigest(4, true, "xstate"));
    // about 35 s of CPU on a quiet machine, and eight minutes of wall time with it loaded 15x
  }, 600_000);
});
