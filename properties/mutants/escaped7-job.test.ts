// escaped7: the two Job mutants. Each writes a terminal status the API server refuses
// (validateJobStatus: Complete needs its pods settled and a completionTime), so no stored Job shows
// it and the Job never finishes: convergence reports it. Run after an ordinary cluster in the same
// process: the hang these once showed was the Job controller retrying its refused status write every
// 5 ms (it forgot the key's back-off before the write was answered), not state shared across clusters.
import { afterEach, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { notConverged } from "../invariants/liveness.js";
import { check, ordinaryRun } from "./escaped7-run.js";

afterEach(() => setMutants([]));

it("an ordinary run first: the Job completes", async () => {
  const c = createCluster({ nodes: 2, seed: 7 });
  const seen = check(c);
  await ordinaryRun(c);
  expect(seen.map((v) => v.message)).toEqual([]);
  expect(notConverged(c)).toBeUndefined();
  await c.stop();
}, 180_000);

for (const name of ["job.terminal-before-pods-settled", "job.complete-without-completion-time"]) {
  it(`convergence reports the mutant ${name}, and the run settles`, async () => {
    setMutants([name]);
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    await ordinaryRun(c);
    // the API server refuses the inconsistent status: nothing stored breaks the status rules
    expect(seen.map((v) => v.message)).toEqual([]);
    expect(c.get("Job", "short", "default").status.conditions ?? []).not.toContainEqual(expect.objectContaining({ type: "Complete" }));
    expect(notConverged(c)).toMatch(/Job default\/short has not finished/);
    await c.stop();
  }, 180_000);
}
