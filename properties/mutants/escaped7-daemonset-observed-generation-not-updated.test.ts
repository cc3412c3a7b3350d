// escaped7: the liveness phase's convergence reports the mutant daemonset.observed-generation-not-updated
// (a file of its own: the mutant on from a fresh process).
import { afterEach, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { notConverged } from "../invariants/liveness.js";
import { ordinaryRun } from "./escaped7-run.js";

afterEach(() => setMutants([]));

it("convergence waits for the observedGeneration daemonset.observed-generation-not-updated never writes", async () => {
  setMutants(["daemonset.observed-generation-not-updated"]);
  const c = createCluster({ nodes: 2, seed: 7 });
  await ordinaryRun(c);
  expect(notConverged(c)).toMatch(/DaemonSet default\/agent has observedGeneration/);
  await c.stop();
}, 180_000);
