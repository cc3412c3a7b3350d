// Pure decision logic of the node lifecycle controller and the taint eviction controller
// (pkg/controller/nodelifecycle, pkg/controller/tainteviction, v1.35).
import type { Node, NodeCondition, Pod, PodCondition, Taint, Toleration } from "kubernetes-types/core/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import { rfc3339, toMs } from "../common/time.js";
import { mutant } from "../common/mutation.js";

/** --node-monitor-grace-period default (raised from 40s to 50s in v1.32). */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
/** --node-startup-grace-period default: a node that never reported gets this long. */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;

export const TaintNodeNotReady = "node.kubernetes.io/not-ready";
export const TaintNodeUnreachable = "node.kubernetes.io/unreachable";
export const TaintNodeUnschedulable = "node.kubernetes.io/unschedulable";
export const TaintNodeMemoryPressure = "node.kubernetes.io/memory-pressure";
export const TaintNodeDiskPressure = "node.kubernetes.io/disk-pressure";
export const TaintNodeNetworkUnavailable = "node.kubernetes.io/network-unavailable";
export const TaintNodePIDPressure = "node.kubernetes.io/pid-pressure";

export const NodeStatusUnknownReason = "NodeStatusUnknown";
export const NodeStatusUnknownMessage = "Kubelet stopped posting node status.";
export const NodeStatusNeverUpdatedReason = "NodeStatusNeverUpdated";
export const NodeStatusNeverUpdatedMessage = "Kubelet never posted node status.";

// Conditions the controller turns Unknown along with Ready when the kubelet goes silent.
const remainingConditionTypes = ["MemoryPressure", "DiskPressure", "PIDPressure"] as const;

export interface NodeHealthOptions {
  gracePeriodMs?: number;
  startupGracePeriodMs?: number;
  /** the controller's verdict (its node health chart's grace timer); computed from the times when absent */
  stale?: boolean;
}

export interface NodeHealth {
  /** Milliseconds of the last sign of life: Ready heartbeat or lease renewal (creation if never). */
  probeMs: number;
  /** True once now is past probe + grace period. */
  stale: boolean;
  /** The node's conditions as the controller writes them (unchanged when not stale). */
  conditions: NodeCondition[];
  /** True when conditions differ from the node's. */
  changed: boolean;
  /** Controller-managed taints to add (NoExecute ones carry timeAdded) and remove. */
  taintsToAdd: Taint[];
  taintsToRemove: Taint[];
}

function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The node's Ready status as posted ("True", "False", "Unknown"), undefined before its first status. */
export function readyStatusOf(node: Node | undefined): "True" | "False" | "Unknown" | undefined {
  const s = node ? condition(node, "Ready")?.status : undefined;
  return s === "True" || s === "False" || s === "Unknown" ? s : undefined;
}

/** The node's last sign of life as the kubelet dated it: its Ready heartbeat or its Lease's renewal, whichever is later (creation when it never posted). */
export function probeTimeOf(node: Node, lease: Lease | undefined): number {
  const ready = condition(node, "Ready");
  const createdMs = toMs(node.metadata?.creationTimestamp) ?? 0;
  return Math.max(ready ? toMs(ready.lastHeartbeatTime) ?? createdMs : createdMs, mutant("nodelifecycle.ignores-lease-renewal") ? 0 : toMs(lease?.spec?.renewTime) ?? 0);
}

/**
 * tryUpdateNodeHealth + the tainting passes: after gracePeriod with neither a Ready heartbeat nor a
 * lease renewal, Ready, MemoryPressure, DiskPressure and PIDPressure become Unknown
 * (NodeStatusUnknown); then the NoSchedule and NoExecute taints follow the resulting conditions.
 */
export function nodeHealth(node: Node, lease: Lease | undefined, nowMs: number, opts: NodeHealthOptions = {}): NodeHealth {
  const ready = condition(node, "Ready");
  // the mutant gives a node that never posted the monitor grace period, not the longer startup one
  const grace = ready || mutant("nodelifecycle.never-posted-node-monitor-grace") ? opts.gracePeriodMs ?? NODE_MONITOR_GRACE_PERIOD_MS : opts.startupGracePeriodMs ?? NODE_STARTUP_GRACE_PERIOD_MS;
  const probeMs = probeTimeOf(node, lease);
  const stale = opts.stale ?? nowMs > probeMs + grace;
  let conditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  if (stale) {
    const now = rfc3339(nowMs);
    const created = node.metadata?.creationTimestamp;
    for (const type of ["Ready", ...remainingConditionTypes]) {
      const cur = conditions.find((c) => c.type === type);
      if (!cur) {
        conditions.push({ type, status: "Unknown", reason: NodeStatusNeverUpdatedReason, message: NodeStatusNeverUpdatedMessage, lastHeartbeatTime: created, lastTransitionTime: now });
        changed = true;
      } else if (cur.status !== "Unknown") {
        conditions = conditions.map((c) => (c === cur ? { ...c, status: "Unknown", reason: NodeStatusUnknownReason, message: NodeStatusUnknownMessage, lastTransitionTime: now } : c));
        changed = true;
      }
    }
  }
  const { add, remove } = taintChanges({ ...node, status: { ...node.status, conditions } }, nowMs);
  return { probeMs, stale, conditions, changed, taintsToAdd: add, taintsToRemove: remove };
}

// NoSchedule taints derived from conditions (nodeConditionToTaintKeyStatusMap).
const noScheduleByCondition: Array<{ type: string; status: string; key: string }> = [
  { type: "Ready", status: "False", key: TaintNodeNotReady },
  { type: "Ready", status: "Unknown", key: TaintNodeUnreachable },
  { type: "MemoryPressure", status: "True", key: TaintNodeMemoryPressure },
  { type: "DiskPressure", status: "True", key: TaintNodeDiskPressure },
  { type: "NetworkUnavailable", status: "True", key: TaintNodeNetworkUnavailable },
  { type: "PIDPressure", status: "True", key: TaintNodePIDPressure },
];

/** The NoSchedule taints the node should carry from its conditions and spec.unschedulable (doNoScheduleTaintingPass). */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const keys = noScheduleByCondition.filter((m) => condition(node, m.type)?.status === m.status).map((m) => m.key);
  // the mutant forgets spec.unschedulable: a cordoned node carries no unschedulable taint
  if (node.spec?.unschedulable && !mutant("nodelifecycle.unschedulable-not-tainted")) keys.push(TaintNodeUnschedulable);
  return keys.map((key) => ({ key, effect: "NoSchedule" }));
}

/** The NoExecute taint the Ready condition calls for: not-ready for False, unreachable for Unknown (doNoExecuteTaintingPass). */
export function desiredNoExecuteTaint(node: Node): Taint | undefined {
  const s = condition(node, "Ready")?.status;
  if (s === "False") return { key: TaintNodeNotReady, effect: "NoExecute" };
  // the mutant taints an Unknown (unreachable) node not-ready, as if its kubelet had reported it
  if (s === "Unknown") return { key: mutant("nodelifecycle.unknown-tainted-not-ready") ? TaintNodeNotReady : TaintNodeUnreachable, effect: "NoExecute" };
  return undefined;
}

const managedNoSchedule = new Set([...noScheduleByCondition.map((m) => m.key), TaintNodeUnschedulable]);
const managedNoExecute = new Set([TaintNodeNotReady, TaintNodeUnreachable]);

function isManaged(t: Taint): boolean {
  // the mutant manages a taint by its key alone: a user's not-ready PreferNoSchedule is removed
  if (mutant("nodelifecycle.managed-taint-by-key-only")) return managedNoSchedule.has(t.key) || managedNoExecute.has(t.key);
  return t.effect === "NoSchedule" ? managedNoSchedule.has(t.key) : t.effect === "NoExecute" ? managedNoExecute.has(t.key) : false;
}

/** Taints to add and remove so the controller-managed taints match the node's conditions; others are never touched. */
export function taintChanges(node: Node, nowMs: number): { add: Taint[]; remove: Taint[] } {
  const current = (node.spec?.taints ?? []).filter(isManaged);
  const ne = desiredNoExecuteTaint(node);
  const desired = [...desiredNoScheduleTaints(node), ...(ne ? [ne] : [])];
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const add = desired.filter((d) => !current.some((c) => same(c, d)))
    .map((t) => (t.effect === "NoExecute" ? { ...t, timeAdded: rfc3339(nowMs) } : t)); // eviction timing starts here
  // the mutant never lifts a NoExecute taint: a node that recovers stays not-ready / unreachable for eviction
  const remove = current.filter((c) => !desired.some((d) => same(c, d)) && !(mutant("nodelifecycle.keeps-noexecute-after-recovery") && c.effect === "NoExecute"));
  return { add, remove };
}

// ---------- taint eviction ----------

/** Toleration.ToleratesTaint: effect, key and value (Equal) or any value (Exists) match. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect && !mutant("tainteviction.toleration-ignores-effect")) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? "Equal";
  if (op === "Exists") return true;
  if (op === "Equal") return (t.value ?? "") === (taint.value ?? "");
  return false;
}

/** Whether every taint is tolerated, and the first toleration used per taint (GetMatchingTolerations). */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    // the mutant passes over a taint no toleration matches, as if the others sufficed
    if (!t && mutant("tainteviction.untolerated-taint-skipped")) continue;
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** Seconds a set of used tolerations allows: 0 if none or any is <= 0, -1 (forever) if none sets seconds (getMinTolerationTime). */
export function minTolerationSeconds(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    // the mutant passes over a negative tolerationSeconds as if it were unset
    if (t.tolerationSeconds < 0 && mutant("tainteviction.negative-seconds-forever")) continue;
    if (t.tolerationSeconds <= 0) return 0;
    // the mutant keeps the largest tolerationSeconds of the tolerations used, not the smallest
    min = mutant("tainteviction.min-toleration-takes-largest") && min !== Infinity ? Math.max(min, t.tolerationSeconds) : Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min;
}

/** Seconds pod may stay on a node with this NoExecute taint: 0 untolerated, -1 forever, else tolerationSeconds. */
export function tolerationSecondsFor(pod: Pod, taint: Taint): number {
  const { all, used } = matchingTolerations([taint], pod.spec?.tolerations ?? []);
  return all ? minTolerationSeconds(used) : 0;
}

export interface EvictionDecision {
  /** "now": delete at once; "at": delete at atMs unless the taints go; "never": tolerated forever; "none": no NoExecute taint. */
  kind: "now" | "at" | "never" | "none";
  atMs?: number;
  event?: { reason: "TaintManagerEviction"; message: string };
  /** The condition patched onto the pod before the deletion. */
  podCondition?: PodCondition;
}

/**
 * processPodOnNode: the pod's fate under the node's NoExecute taints. The countdown runs from
 * startMs, by default now: Kubernetes counts tolerationSeconds from when the controller processes
 * the pod (startTime := now), never from the taint's timeAdded; a booked eviction is kept as it is.
 */
export function evictionFor(pod: Pod, taints: readonly Taint[], nowMs: number, startMs?: number): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === "NoExecute");
  if (noExecute.length === 0 || mutant("tainteviction.never-evicts")) return { kind: "none" };
  const key = `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
  const evict = (kind: "now" | "at", atMs: number): EvictionDecision => ({
    kind, atMs,
    event: { reason: "TaintManagerEviction", message: `Marking for deletion Pod ${key}` },
    podCondition: { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint", lastTransitionTime: rfc3339(atMs) },
  });
  const { all, used } = matchingTolerations(noExecute, pod.spec?.tolerations ?? []);
  if (!all) return evict("now", nowMs);
  const secs = minTolerationSeconds(used);
  // getMinTolerationTime's -1 (no tolerationSeconds: forever) taken as a number of seconds
  if (secs < 0 && !mutant("tainteviction.evicts-forever-tolerating")) return { kind: "never" };
  const at = (startMs ?? nowMs) + secs * 1000;
  return at <= nowMs ? evict("now", nowMs) : evict("at", at);
}

/** The event when a scheduled eviction is called off because the taints went away. */
export function cancelEvictionEvent(pod: Pod): { reason: "TaintManagerEviction"; message: string } {
  return { reason: "TaintManagerEviction", message: `Cancelling deletion of Pod ${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}` };
}
