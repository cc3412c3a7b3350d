import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runSpec, type RunSpec } from "./run.js";

const dir = fileURLToPath(new URL("./regressions/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

describe("every counterexample ever found still passes", () => {
  it("the regressions directory holds only replayable run specs", () => {
    for (const f of files) {
      const spec = JSON.parse(readFileSync(dir + f, "utf8")) as RunSpec;
      expect(typeof spec.seed).toBe("number");
      expect(Array.isArray(spec.commands)).toBe(true);
    }
  });
  for (const f of files) {
    it(`${f} replays without a violation`, () => {
      const spec = JSON.parse(readFileSync(dir + f, "utf8")) as RunSpec;
      expect(runSpec(spec).violations).toEqual([]);
      // the liveness phase waits for every Job to finish: a replay takes some 10 s of CPU, and two
      // minutes of wall time on a 2-core machine loaded ten times over
    }, 300_000);
  }
});
