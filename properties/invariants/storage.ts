// A PersistentVolumeClaim is bound to at most one PersistentVolume. The PV controller binds a
// claim by writing the PV's claimRef (with the claim's uid) and then the claim's volumeName, and
// the scheduler's VolumeBinding pre-binds at most one PV per claim; a PV already bound to another
// claim is never taken. Judged from the API objects alone: no two Bound PVs name the same claim
// uid, and a Bound claim's uid is named by no Bound PV other than its spec.volumeName.

import type { Violation } from "./core.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

/** Violations of "a PVC is bound to at most one PV"; call it at every step. */
export function pvcBoundToAtMostOnePV(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  const byClaim = new Map<string, string[]>();
  for (const pv of cluster.list("PersistentVolume")) {
    const uid = pv.spec?.claimRef?.uid;
    if (pv.status?.phase !== "Bound" || typeof uid !== "string" || uid === "") continue;
    const names = byClaim.get(uid) ?? [];
    names.push(pv.metadata.name);
    byClaim.set(uid, names);
  }
  for (const [uid, names] of byClaim) {
    if (names.length > 1) out.push({ invariant: "pvcBoundToAtMostOnePV", message: `the claim with uid ${uid} is bound to ${names.length} PersistentVolumes: ${[...names].sort().join(", ")}` });
  }
  for (const pvc of cluster.list("PersistentVolumeClaim")) {
    const volume = pvc.spec?.volumeName;
    if (pvc.status?.phase !== "Bound" || !volume) continue;
    for (const name of byClaim.get(pvc.metadata?.uid) ?? []) {
      if (name !== volume) out.push({ invariant: "pvcBoundToAtMostOnePV", message: `PersistentVolumeClaim ${pvc.metadata.namespace}/${pvc.metadata.name} is bound to ${volume}, but PersistentVolume ${name} is Bound to it too` });
    }
  }
  return out;
}
