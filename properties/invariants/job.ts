// A Job never runs more pods at once than its parallelism. The Job controller creates at most
// min(parallelism, remaining completions) minus the active pods per sync, and expectations stop a
// second creation before the informer has seen the first. Parallelism may be lowered while pods
// run: the controller then deletes the surplus, so for a while a Job owns more active pods than
// its spec asks for. The bound that always holds is the highest spec.parallelism the Job (by uid)
// has ever had. "Active" is controller.IsPodActive: not Succeeded, not Failed, no deletionTimestamp.

import type { Violation } from "./core.js";
import { isPodActive } from "./k8s.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

// Per cluster: Job uid -> highest spec.parallelism seen at any checked step.
const highWater = new WeakMap<object, Map<string, number>>();

/** Violations of "a Job never has more active pods than the highest parallelism it asked for"; call it at every step. */
export function jobNeverExceedsParallelism(cluster: ClusterView): Violation[] {
  let seen = highWater.get(cluster);
  if (!seen) highWater.set(cluster, (seen = new Map()));
  const active = new Map<string, number>();
  for (const p of cluster.list("Pod")) {
    if (!isPodActive(p)) continue;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "Job");
    if (ref) active.set(ref.uid, (active.get(ref.uid) ?? 0) + 1);
  }
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    const uid = job.metadata.uid;
    // parallelism defaults to 1 (SetDefaults_Job); a stored Job always has it
    const high = Math.max(seen.get(uid) ?? 0, job.spec?.parallelism ?? 1);
    seen.set(uid, high);
    const n = active.get(uid) ?? 0;
    if (n > high) out.push({ invariant: "jobNeverExceedsParallelism", message: `Job ${job.metadata.namespace}/${job.metadata.name} has ${n} active pods but its parallelism was never above ${high}` });
  }
  return out;
}
