// A ReplicaSet never owns too many pods. The bound that really holds during a rollout is not
// spec.replicas now: a Deployment lowers an old ReplicaSet's spec.replicas first and the pods go
// after (graceful deletion), so for a while the set owns more active pods than it asks for. What
// the ReplicaSet controller guarantees (expectations: no second creation before the informer saw
// the first) is that it never creates beyond the spec it synced against, so:
//   1. active owned pods <= the highest spec.replicas this ReplicaSet (by uid) has ever had. (Not
//      "since it last owned no more than spec.replicas": a sync against replicas 3 may still be
//      creating when the spec drops to 2, and its slow-start batches finish before the next sync
//      deletes the extra pod; whether expectations are met is the controller's own memory.);
//   2. a ReplicaSet a Deployment owns never asks for more than its max-replicas annotation
//      (the Deployment's replicas + maxSurge written with the same scale), so with (1) the set
//      never owns more than replicas + surge active pods.
// "Active" is controller.IsPodActive: not Succeeded, not Failed, no deletionTimestamp.

import type { Violation } from "./core.js";
import { isPodActive } from "./k8s.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

// Per cluster: ReplicaSet uid -> highest spec.replicas seen at any checked step.
const highWater = new WeakMap<object, Map<string, number>>();

const isActive = isPodActive;

/** Violations of "a ReplicaSet never owns more than replicas + surge active pods"; call it at every step. */
export function replicaSetNeverOwnsTooManyPods(cluster: ClusterView): Violation[] {
  let seen = highWater.get(cluster);
  if (!seen) highWater.set(cluster, (seen = new Map()));
  const out: Violation[] = [];
  const owned = new Map<string, number>();
  for (const p of cluster.list("Pod")) {
    if (!isActive(p)) continue;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "ReplicaSet");
    if (ref) owned.set(ref.uid, (owned.get(ref.uid) ?? 0) + 1);
  }
  for (const rs of cluster.list("ReplicaSet")) {
    const uid = rs.metadata.uid;
    const replicas = rs.spec?.replicas ?? 1;
    const high = Math.max(seen.get(uid) ?? 0, replicas);
    const name = `${rs.metadata.namespace}/${rs.metadata.name}`;
    const n = owned.get(uid) ?? 0;
    seen.set(uid, high);
    if (n > high) out.push({ invariant: "replicaSetNeverOwnsTooManyPods", message: `ReplicaSet ${name} owns ${n} active pods but never asked for more than ${high}` });
    const ctrl = rs.metadata.ownerReferences?.find((r: any) => r.controller && r.kind === "Deployment");
    const max = Number(rs.metadata.annotations?.["deployment.kubernetes.io/max-replicas"]);
    if (ctrl && Number.isFinite(max) && replicas > max) out.push({ invariant: "replicaSetNeverOwnsTooManyPods", message: `ReplicaSet ${name} asks for ${replicas} replicas, above its Deployment's replicas + maxSurge (${max})` });
  }
  return out;
}
