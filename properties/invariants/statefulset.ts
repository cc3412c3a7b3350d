// Under OrderedReady a StatefulSet creates pod N+1 only when pods 0..N are Running and Ready
// (processReplica returns at the first pod that is not). The controller reads a cache, which shows
// some earlier state of the API, so what it can be held to is: when a pod of ordinal k is created,
// each lower ordinal (from spec.ordinals.start) has been seen Running, Ready and not terminating in
// the API before, under this set. Judged from API objects only: StatefulSets and Pods as stored.

import type { Violation } from "./core.js";
import { isPodReady } from "./k8s.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

interface Memory {
  /** "<set uid>/<ordinal>" of the pods seen Running and Ready */
  ready: Set<string>;
  /** uids of the pods already judged */
  judged: Set<string>;
}

const memories = new WeakMap<object, Memory>();
const ordinalPattern = /^(.*)-([0-9]+)$/;

/** Violations of "an OrderedReady StatefulSet never creates pod N+1 before pods 0..N are Running and Ready"; call it at every step. */
export function statefulSetOrderedReady(cluster: ClusterView): Violation[] {
  let m = memories.get(cluster);
  if (!m) memories.set(cluster, (m = { ready: new Set(), judged: new Set() }));
  const sets = new Map<string, any>();
  for (const s of cluster.list("StatefulSet")) if ((s.spec?.podManagementPolicy ?? "OrderedReady") === "OrderedReady") sets.set(s.metadata.uid, s);
  const members: { pod: any; set: any; ordinal: number }[] = [];
  for (const p of cluster.list("Pod")) {
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "StatefulSet");
    const set = ref ? sets.get(ref.uid) : undefined;
    const match = ordinalPattern.exec(p.metadata?.name ?? "");
    if (!set || !match || match[1] !== set.metadata.name) continue;
    members.push({ pod: p, set, ordinal: Number(match[2]) });
  }
  for (const { pod, set, ordinal } of members) {
    if (pod.status?.phase === "Running" && isPodReady(pod) && !pod.metadata.deletionTimestamp) m.ready.add(`${set.metadata.uid}/${ordinal}`);
  }
  const out: Violation[] = [];
  for (const { pod, set, ordinal } of members) {
    if (m.judged.has(pod.metadata.uid)) continue;
    m.judged.add(pod.metadata.uid);
    const start = set.spec?.ordinals?.start ?? 0;
    const missing: number[] = [];
    for (let i = start; i < ordinal; i++) if (!m.ready.has(`${set.metadata.uid}/${i}`)) missing.push(i);
    if (missing.length > 0) {
      out.push({ invariant: "statefulSetOrderedReady", message: `StatefulSet ${set.metadata.namespace}/${set.metadata.name} created pod ${pod.metadata.name} before ${missing.map((i) => `${set.metadata.name}-${i}`).join(", ")} had been Running and Ready` });
    }
  }
  return out;
}
