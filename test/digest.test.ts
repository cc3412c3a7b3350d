import { describe, expect, it } from "vitest";
import { scenarioDigest } from "../bench/digest.js";

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
});
