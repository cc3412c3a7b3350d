// A PodDisruptionBudget never allows more disruptions than it has healthy pods to spare. The
// disruption controller writes disruptionsAllowed = currentHealthy - desiredHealthy, never below
// 0, and 0 while the budget expects no pods (updatePdbStatus); the eviction subresource only ever
// takes one away (checkAndDecrement). So every budget whose status is of its current generation
// allows between 0 and max(0, currentHealthy - desiredHealthy) disruptions, and none while
// expectedPods is 0. A budget whose status is older than its generation is not judged: eviction
// refuses it until the controller catches up.

import type { Violation } from "./core.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

/** Violations of "a budget never allows more disruptions than its healthy pods can spare"; call it at every step. */
export function budgetNeverAllowsMoreThanHealthy(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  for (const pdb of cluster.list("PodDisruptionBudget")) {
    const st = pdb.status;
    if (!st || st.observedGeneration !== pdb.metadata?.generation) continue;
    const allowed = st.disruptionsAllowed ?? 0;
    const spare = Math.max(0, (st.currentHealthy ?? 0) - (st.desiredHealthy ?? 0));
    const what = `PodDisruptionBudget ${pdb.metadata.namespace}/${pdb.metadata.name}`;
    if (allowed < 0) out.push({ invariant: "budgetNeverAllowsMoreThanHealthy", message: `${what} allows ${allowed} disruptions` });
    if (allowed > spare) out.push({ invariant: "budgetNeverAllowsMoreThanHealthy", message: `${what} allows ${allowed} disruptions with ${st.currentHealthy} healthy of ${st.desiredHealthy} desired` });
    if ((st.expectedPods ?? 0) === 0 && allowed > 0) out.push({ invariant: "budgetNeverAllowsMoreThanHealthy", message: `${what} allows ${allowed} disruptions while it expects no pods` });
  }
  return out;
}
