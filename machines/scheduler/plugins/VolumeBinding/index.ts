// VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): PreFilter sorts the pod's claims
// into bound ones, ones to bind on the chosen node (WaitForFirstConsumer classes) and unbound
// immediate ones (refused); Filter checks a bound claim's PV node affinity and that an unbound
// delayed claim finds a matching PV on the node or can be provisioned; prebindWrites is PreBind's
// API writes for the chosen node (a static PV's claimRef, or the claim's selected-node annotation),
// and claimsBound tells when the PV controller has finished and the pod may be bound.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, annotation, claimClass, claimRefOf, findMatchingVolume, isDelayBinding, volumeClass, volumeFitsNode, volumeIsForPod, withAnnotations, type ClassInfo } from "../../../common/volumeutil.js";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type PreResult, type SchedulingEnv, failure, Success } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "VolumeBinding";
/** PreFilter reason for claims that are not bound yet. */
export const ErrReasonUnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";
/** Filter reasons (volume_binding.go ConflictReason). */
export const ErrReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
export const ErrReasonNodeConflict = "node(s) had volume node affinity conflict";
export const ErrReasonPVNotExist = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
const stateKey = "PreFilter" + Name;

interface PodVolumeClaims {
  bound: PersistentVolumeClaim[];
  toBind: PersistentVolumeClaim[];
}

function lookup<T>(m: Map<string, T> | Record<string, T> | undefined, key: string): T | undefined {
  if (m === undefined) return undefined;
  return m instanceof Map ? m.get(key) : Object.hasOwn(m, key) ? m[key] : undefined;
}

const classesOf = (env: SchedulingEnv): ReadonlyMap<string, ClassInfo> => env.storageClasses ?? new Map();
const volumesOf = (env: SchedulingEnv): PersistentVolume[] => (env.pvs === undefined ? [] : env.pvs instanceof Map ? [...env.pvs.values()] : Object.values(env.pvs));

/** The claim names of a pod's volumes (an ephemeral volume's claim is <pod>-<volume>). */
function claimNames(pod: Pod): { name: string; ephemeral: boolean }[] {
  const out: { name: string; ephemeral: boolean }[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata?.name}-${v.name}`, ephemeral: true });
  }
  return out;
}

/** podHasPVCs then podVolumeClaims: not found / lost / being deleted / an ephemeral claim not the pod's first, then unbound immediate claims; else the claims sorted. */
export function checkPodClaims(pod: Pod, env: SchedulingEnv): PreResult | PodVolumeClaims {
  const ns = pod.metadata?.namespace ?? "default";
  const claims = claimNames(pod);
  if (claims.length === 0) return "Skip";
  const sorted: PodVolumeClaims = { bound: [], toBind: [] };
  let unboundImmediate = false;
  for (const { name, ephemeral } of claims) {
    const pvc = lookup(env.pvcs, `${ns}/${name}`);
    if (pvc === undefined) {
      const msg = ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`;
      return failure("UnschedulableAndUnresolvable", Name, msg);
    }
    if (pvc.status?.phase === "Lost") return failure("UnschedulableAndUnresolvable", Name, `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ""}"`);
    if (pvc.metadata?.deletionTimestamp) return failure("UnschedulableAndUnresolvable", Name, `persistentvolumeclaim "${name}" is being deleted`);
    // an ephemeral volume's claim must be the pod's own: a same-named claim of another owner is not
    const notForPod = ephemeral ? volumeIsForPod(pod, pvc) : undefined;
    if (notForPod !== undefined) return failure("UnschedulableAndUnresolvable", Name, notForPod);
    if (pvc.spec?.volumeName) sorted.bound.push(pvc);
    else if (isDelayBinding(pvc, classesOf(env))) sorted.toBind.push(pvc);
    else unboundImmediate = true;
  }
  return unboundImmediate ? failure("UnschedulableAndUnresolvable", Name, ErrReasonUnboundImmediate) : sorted;
}

/** What binding the pod's delayed claims on a node takes: a static PV for each, or provisioning. */
export interface ClaimPlan {
  claim: PersistentVolumeClaim;
  volume?: PersistentVolume;
}

// FindPodVolumes for one node: bound claims' PVs must fit it; delayed claims need a PV fitting it or a provisioner.
function findPodVolumes(claims: PodVolumeClaims, nodeInfo: NodeInfo, env: SchedulingEnv): { reasons: string[]; plans: ClaimPlan[] } {
  const reasons = new Set<string>();
  for (const pvc of claims.bound) {
    const pv = lookup(env.pvs, pvc.spec!.volumeName!);
    if (!pv) reasons.add(ErrReasonPVNotExist);
    else if (!volumeFitsNode(pv, nodeInfo.node) && !mutant("scheduler.bound-volume-ignores-node-affinity")) reasons.add(ErrReasonNodeConflict);
  }
  const plans: ClaimPlan[] = [];
  const taken = new Set<string>();
  for (const pvc of claims.toBind) {
    // A claim the scheduler already asked to provision on another node stays there.
    const selected = annotation(pvc, ANN_SELECTED_NODE);
    // the binder's pvCache.ListPVs(class): the volumes of the claim's class, less those chosen for the pod's other claims
    const volumes = volumesOf(env).filter((v) => volumeClass(v) === claimClass(pvc));
    const pv = findMatchingVolume(pvc, volumes, nodeInfo.node, taken, true);
    if (pv) {
      taken.add(pv.metadata?.name ?? "");
      plans.push({ claim: pvc, volume: pv });
      continue;
    }
    const cls = classesOf(env).get(claimClass(pvc));
    if (cls && cls.provisioner !== "" && (cls.provisioner !== "kubernetes.io/no-provisioner" || mutant("scheduler.no-provisioner-class-provisions")) && (selected === undefined || selected === nodeInfo.node.metadata?.name)) plans.push({ claim: pvc });
    else reasons.add(ErrReasonBindConflict);
  }
  return { reasons: [...reasons], plans };
}

/** PreBind's writes for the chosen node: a static PV's claimRef (AssumePodVolumes/BindPodVolumes), or the claim's selected-node annotation. */
export function prebindWrites(pod: Pod, nodeInfo: NodeInfo, env: SchedulingEnv): ({ kind: "volume"; pv: PersistentVolume } | { kind: "claim"; pvc: PersistentVolumeClaim })[] {
  const claims = checkPodClaims(pod, env);
  if (claims === undefined || claims === "Skip" || "code" in claims) return [];
  const { plans } = findPodVolumes(claims, nodeInfo, env);
  const node = nodeInfo.node.metadata?.name ?? "";
  const out: ({ kind: "volume"; pv: PersistentVolume } | { kind: "claim"; pvc: PersistentVolumeClaim })[] = [];
  for (const p of plans) {
    if (p.volume) out.push({ kind: "volume", pv: withAnnotations({ ...p.volume, spec: { ...p.volume.spec, claimRef: claimRefOf(p.claim) } }, { [ANN_BOUND_BY_CONTROLLER]: "yes" }) });
    else if (annotation(p.claim, ANN_SELECTED_NODE) !== node) out.push({ kind: "claim", pvc: withAnnotations(p.claim, { [ANN_SELECTED_NODE]: node }) });
  }
  return out;
}

/** checkBindings: every claim of the pod names its volume and the PV controller completed the bind
 * (isPVCFullyBound: the bind-completed annotation is present, whatever its value). */
export function claimsBound(pod: Pod, env: SchedulingEnv): boolean {
  const ns = pod.metadata?.namespace ?? "default";
  return claimNames(pod).every(({ name }) => {
    const pvc = lookup(env.pvcs, `${ns}/${name}`);
    // the mutant takes a claim naming its volume as bound before the PV controller completed the bind
    return pvc !== undefined && !!pvc.spec?.volumeName && (annotation(pvc, ANN_BIND_COMPLETED) !== undefined || mutant("scheduler.prebind-ignores-bind-completed"));
  });
}

export const VolumeBinding = {
  name: Name,
  preFilter(state: CycleState, pod: Pod, _nodes: NodeInfo[], env: SchedulingEnv) {
    const r = checkPodClaims(pod, env);
    if (r === undefined || r === "Skip" || "code" in r) return r;
    state.set(stateKey, { claims: r, env });
    return undefined;
  },
  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const s = state.get(stateKey) as { claims: PodVolumeClaims; env: SchedulingEnv } | undefined;
    if (s === undefined) return Success;
    const { reasons } = findPodVolumes(s.claims, nodeInfo, s.env);
    return reasons.length === 0 ? Success : failure("UnschedulableAndUnresolvable", Name, ...reasons);
  },
} satisfies FilterPlugin;
