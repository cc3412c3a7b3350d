// VolumeRestrictions (pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go):
// a ReadWriteOncePod claim may be used by one pod only. PreFilter counts the pod's RWOP claims that
// a pod in the snapshot (bound or assumed) already uses; Filter refuses every node while one is.
// The in-tree disk conflicts it also checks (GCE PD, AWS EBS, RBD, iSCSI volumes on the same node)
// are not modelled: those volume types cannot be mounted here.
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type PreResult, type SchedulingEnv, failure, Success } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "VolumeRestrictions";
/** ErrReasonReadWriteOncePodConflict. */
export const ErrReasonReadWriteOncePodConflict = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";
const stateKey = "PreFilter" + Name;

function lookup(m: SchedulingEnv["pvcs"], key: string): PersistentVolumeClaim | undefined {
  if (m === undefined) return undefined;
  return m instanceof Map ? m.get(key) : Object.hasOwn(m, key) ? m[key] : undefined;
}

/** The claim names of a pod's persistentVolumeClaim volumes (ephemeral ones are not looked at, as upstream). */
function claimNamesOf(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
  return out;
}

/** readWriteOncePodPVCsForPod: the names of the pod's claims with the ReadWriteOncePod mode, or the not-found error. */
export function readWriteOncePodClaims(pod: Pod, env: SchedulingEnv): Set<string> | FilterStatus {
  const ns = pod.metadata?.namespace ?? "default";
  const names = new Set<string>();
  for (const name of claimNamesOf(pod)) {
    const pvc = lookup(env.pvcs, `${ns}/${name}`);
    if (pvc === undefined) return failure("UnschedulableAndUnresolvable", Name, `persistentvolumeclaim "${name}" not found`);
    if (pvc.spec?.accessModes?.includes("ReadWriteOncePod")) names.add(name);
  }
  return names;
}

/** calPreFilterState: how many of the claims a pod in the snapshot uses (StorageInfos().IsPVCUsedByPods). */
export function conflictingClaimCount(pod: Pod, claims: ReadonlySet<string>, allNodes: readonly NodeInfo[]): number {
  if (claims.size === 0) return 0;
  const ns = pod.metadata?.namespace ?? "default";
  const used = new Set<string>();
  for (const ni of allNodes)
    for (const p of ni.pods) {
      // the mutant matches claims by name alone, as if claim names were cluster-wide
      if ((p.metadata?.namespace ?? "default") !== ns && !mutant("scheduler.rwop-claim-any-namespace")) continue;
      for (const name of claimNamesOf(p)) if (claims.has(name)) used.add(name);
    }
  return used.size;
}

export const VolumeRestrictions = {
  name: Name,
  preFilter(state: CycleState, pod: Pod, allNodes: NodeInfo[], env: SchedulingEnv): PreResult {
    const claims = readWriteOncePodClaims(pod, env);
    if (!(claims instanceof Set)) return claims;
    const conflicts = conflictingClaimCount(pod, claims, allNodes);
    if (conflicts === 0) return "Skip";
    state.set(stateKey, conflicts);
    return undefined;
  },
  filter(state: CycleState): FilterStatus {
    const conflicts = (state.get(stateKey) as number | undefined) ?? 0;
    return conflicts > 0 ? failure("Unschedulable", Name, ErrReasonReadWriteOncePodConflict) : Success;
  },
} satisfies FilterPlugin;

/**
 * isSchedulableAfterPodDeleted: a deleted pod of the same namespace that used one of the waiting
 * pod's claims may have freed a ReadWriteOncePod claim (the access mode is not looked up, as upstream).
 */
export function isSchedulableAfterPodDeleted(pod: Pod, deleted: Pod): boolean {
  if ((deleted.metadata?.namespace ?? "default") !== (pod.metadata?.namespace ?? "default")) return false;
  const claims = new Set(claimNamesOf(pod));
  return claimNamesOf(deleted).some((c) => claims.has(c));
}
