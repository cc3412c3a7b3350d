// VolumeBinding (reduced): a pod's persistentVolumeClaims must exist and be bound.
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type PreResult, type SchedulingEnv, failure, Success } from "../../framework.js";

export const Name = "VolumeBinding";
/** PreFilter reason for claims that are not bound yet. */
export const ErrReasonUnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";

function lookup(env: SchedulingEnv, key: string): PersistentVolumeClaim | undefined {
  const pvcs = env.pvcs;
  if (pvcs === undefined) return undefined;
  return pvcs instanceof Map ? pvcs.get(key) : pvcs[key];
}

/** The PreFilter verdict for the pod's claims: not found / being deleted / lost first, then unbound. */
export function checkPodClaims(pod: Pod, env: SchedulingEnv): PreResult {
  const ns = pod.metadata?.namespace ?? "default";
  let unbound = false;
  let any = false;
  for (const v of pod.spec?.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata?.name}-${v.name}` : undefined);
    if (claim === undefined) continue;
    any = true;
    const pvc = lookup(env, `${ns}/${claim}`);
    if (pvc === undefined) {
      const msg = v.ephemeral
        ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${claim}"`
        : `persistentvolumeclaim "${claim}" not found`;
      return failure("UnschedulableAndUnresolvable", Name, msg);
    }
    if (pvc.status?.phase === "Lost") return failure("UnschedulableAndUnresolvable", Name, `persistentvolumeclaim "${claim}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ""}"`);
    if (pvc.metadata?.deletionTimestamp) return failure("UnschedulableAndUnresolvable", Name, `persistentvolumeclaim "${claim}" is being deleted`);
    if (!pvc.spec?.volumeName) unbound = true;
  }
  if (!any) return "Skip";
  return unbound ? failure("UnschedulableAndUnresolvable", Name, ErrReasonUnboundImmediate) : undefined;
}

export const VolumeBinding = {
  name: Name,
  preFilter(_state: CycleState, pod: Pod, _nodes: NodeInfo[], env: SchedulingEnv) {
    return checkPodClaims(pod, env);
  },
  // Bound claims' node affinity is not modelled, so every node passes once PreFilter does.
  filter(): FilterStatus {
    return Success;
  },
} satisfies FilterPlugin;
