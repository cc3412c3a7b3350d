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
// Only pods the ReplicaSet made count: a pod first seen without a controller or under another
// one was adopted (ClaimPods), and adoption may leave a set owning more than it asked for until
// its next sync deletes the surplus (an orphaned set's pods and a re-created set's own).

import type { Violation } from "./core.js";
import { isPodActive } from "./k8s.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

// Per cluster and kind: ReplicaSet (or ReplicationController) uid -> highest spec.replicas seen at any checked step.
const highWater = new WeakMap<object, Map<string, Map<string, number>>>();
// Per cluster: pod uid -> the uid of its controller when first seen ("" for none).
const firstController = new WeakMap<object, Map<string, string>>();

const isActive = isPodActive;

/** Violations of "a ReplicaSet never owns more than replicas + surge active pods"; call it at every step. */
export function replicaSetNeverOwnsTooManyPods(cluster: ClusterView): Violation[] {
  return neverOwnsTooMany(cluster, "ReplicaSet", "replicaSetNeverOwnsTooManyPods");
}

/**
 * Violations of "a ReplicationController never owns more active pods than it ever asked for": the
 * same controller (pkg/controller/replication runs the ReplicaSet controller through an adapter),
 * so the same bound; no Deployment owns one, so no surge. Call it at every step.
 */
export function replicationControllerNeverOwnsTooManyPods(cluster: ClusterView): Violation[] {
  return neverOwnsTooMany(cluster, "ReplicationController", "replicationControllerNeverOwnsTooManyPods");
}

function neverOwnsTooMany(cluster: ClusterView, kind: "ReplicaSet" | "ReplicationController", invariant: string): Violation[] {
  let byKind = highWater.get(cluster);
  if (!byKind) highWater.set(cluster, (byKind = new Map()));
  let seen = byKind.get(kind);
  if (!seen) byKind.set(kind, (seen = new Map()));
  let first = firstController.get(cluster);
  if (!first) firstController.set(cluster, (first = new Map()));
  const out: Violation[] = [];
  const owned = new Map<string, number>();
  for (const p of cluster.list("Pod")) {
    const ctrl = p.metadata?.ownerReferences?.find((r: any) => r.controller);
    const uid = p.metadata?.uid;
    if (uid !== undefined && !first.has(uid)) first.set(uid, ctrl?.uid ?? "");
    if (!isActive(p)) continue;
    const ref = ctrl?.kind === kind ? ctrl : undefined;
    // a pod without a uid (a hand-made view) counts for its controller
    if (ref && (uid === undefined ? ref.uid : first.get(uid)) === ref.uid) owned.set(ref.uid, (owned.get(ref.uid) ?? 0) + 1);
  }
  for (const rs of cluster.list(kind)) {
    const uid = rs.metadata.uid;
    const replicas = rs.spec?.replicas ?? 1;
    const high = Math.max(seen.get(uid) ?? 0, replicas);
    const name = `${rs.metadata.namespace}/${rs.metadata.name}`;
    const n = owned.get(uid) ?? 0;
    seen.set(uid, high);
    if (n > high) out.push({ invariant, message: `${kind} ${name} owns ${n} active pods but never asked for more than ${high}` });
    const ctrl = rs.metadata.ownerReferences?.find((r: any) => r.controller && r.kind === "Deployment");
    const max = Number(rs.metadata.annotations?.["deployment.kubernetes.io/max-replicas"]);
    if (ctrl && Number.isFinite(max) && replicas > max) out.push({ invariant, message: `${kind} ${name} asks for ${replicas} replicas, above its Deployment's replicas + maxSurge (${max})` });
  }
  return out;
}

/** What replicaSetCountsOnlyReadyPods remembers of a pod across its versions. */
interface PodMemo {
  namespace: string;
  everReady: boolean;
  /** the uids of every controller it had */
  controllers: Set<string>;
  /** its labels in each version without a controller (an orphan a ReplicaSet may adopt) */
  orphanLabels: Array<Record<string, string>>;
}
// Per cluster: pod uid -> what its versions showed; the pod versions already read.
const readyMemo = new WeakMap<object, { pods: Map<string, PodMemo>; seen: WeakSet<object> }>();

/** Whether a ReplicaSet's selector could match these labels: matchLabels checked, matchExpressions taken as matching (the bound only loosens). */
function mayMatch(selector: any, labels: Record<string, string>): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * replicaSetCountsOnlyReadyPods: a ReplicaSet's status.readyReplicas (and availableReplicas, which
 * are ready pods that stayed ready minReadySeconds) never exceeds the pods it controlled, or could
 * adopt, that were ever Ready. calculateStatus counts a pod ready only by its Ready condition
 * (podutil.IsPodReady: condition Ready with status True), whatever its phase; the controller reads
 * pods from its cache, which lags the store, so a pod it counts was stored Ready before the status
 * is. (It counts the orphans it claims before their adoption patch is stored, so an orphan whose
 * labels match its selector counts too.) Call it at every step, so that every stored version of a
 * pod is read.
 */
export function replicaSetCountsOnlyReadyPods(cluster: ClusterView): Violation[] {
  let memo = readyMemo.get(cluster);
  if (!memo) readyMemo.set(cluster, (memo = { pods: new Map(), seen: new WeakSet() }));
  for (const p of cluster.list("Pod")) {
    if (memo.seen.has(p)) continue;
    memo.seen.add(p);
    const uid = p.metadata.uid;
    let m = memo.pods.get(uid);
    if (!m) memo.pods.set(uid, (m = { namespace: p.metadata.namespace, everReady: false, controllers: new Set(), orphanLabels: [] }));
    if ((p.status?.conditions ?? []).some((c: any) => c?.type === "Ready" && c.status === "True")) m.everReady = true;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller);
    if (ref) m.controllers.add(ref.uid);
    else m.orphanLabels.push(p.metadata?.labels ?? {});
  }
  const out: Violation[] = [];
  for (const rs of cluster.list("ReplicaSet")) {
    let ever = 0;
    for (const m of memo.pods.values()) {
      if (!m.everReady || m.namespace !== rs.metadata.namespace) continue;
      if (m.controllers.has(rs.metadata.uid) || m.orphanLabels.some((l) => mayMatch(rs.spec?.selector, l))) ever++;
    }
    for (const field of ["readyReplicas", "availableReplicas"] as const) {
      const n = rs.status?.[field] ?? 0;
      if (n > ever) out.push({ invariant: "replicaSetCountsOnlyReadyPods", message: `ReplicaSet ${rs.metadata.namespace}/${rs.metadata.name} reports ${field} ${n}, but only ${ever} of its pods (and orphans it could adopt) were ever Ready` });
    }
  }
  return out;
}
