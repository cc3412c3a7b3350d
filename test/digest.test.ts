import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { allDigests, workloadDigest } from "./support/digest.js";
import type { RunSpec } from "../properties/run.js";

// The digest is a refactoring tool (record before, compare after): DIGEST_OUT=file writes every
// run's digest there. The checks below prove the digest sees what it must.
describe("the run digest", () => {
  it("is the same for the same seed and differs between seeds", async () => {
    const a = await workloadDigest(1);
    const b = await workloadDigest(1);
    const c = await workloadDigest(2);
    expect(a).toEqual(b);
    expect(a.kubelet).not.toBe(c.kubelet);
    expect(a.messages).toBeGreaterThan(1000);
  });

  it.runIf(process.env.DIGEST_OUT)("writes every digest to DIGEST_OUT", async () => {
    const dir = fileURLToPath(new URL("../properties/regressions/", import.meta.url));
    const specs = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, JSON.parse(readFileSync(dir + f, "utf8")) as RunSpec] as [string, RunSpec]);
    const all = await allDigests(specs);
    writeFileSync(process.env.DIGEST_OUT!, all.map((d) => `${d.name}\t${d.messages}\t${d.all}\t${d.kubelet}\t${d.events}`).join("\n") + "\n");
  }, 600_000);
});
