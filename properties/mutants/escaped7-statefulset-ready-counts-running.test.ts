// escaped7: workloadCountsOnlyReadyPods reports the mutant statefulset.ready-counts-running (a file of its own: the mutant on from a fresh process).
import { afterEach, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { check, ordinaryRun } from "./escaped7-run.js";

afterEach(() => setMutants([]));

it("workloadCountsOnlyReadyPods reports the mutant statefulset.ready-counts-running", async () => {
  setMutants(["statefulset.ready-counts-running"]);
  const c = createCluster({ nodes: 2, seed: 7 });
  const seen = check(c, "workloadCountsOnlyReadyPods");
  await ordinaryRun(c).catch(() => undefined);
  await c.stop();
  expect(seen.map((v) => v.invariant)).toContain("workloadCountsOnlyReadyPods");
}, 180_000);
