// escaped7: workloadStatusConsistent reports the mutant deployment.complete-before-available (a file of its own: the mutant on from a fresh process).
import { afterEach, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { check, ordinaryRun } from "./escaped7-run.js";

afterEach(() => setMutants([]));

it("workloadStatusConsistent reports the mutant deployment.complete-before-available", async () => {
  setMutants(["deployment.complete-before-available"]);
  const c = createCluster({ nodes: 2, seed: 7 });
  const seen = check(c, "workloadStatusConsistent");
  await ordinaryRun(c).catch(() => undefined);
  await c.stop();
  expect(seen.map((v) => v.invariant)).toContain("workloadStatusConsistent");
}, 180_000);
