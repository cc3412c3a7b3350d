// Pure decision logic of the DaemonSet controller (pkg/controller/daemon/daemon_controller.go,
// update.go and util/daemonset_util.go, v1.35). Every function takes the informer caches' objects
// and returns what the controller would create, delete or write; the controller sends it.

import { scaledValueFromIntOrPercent } from "../common/intstr.js";
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1";
import type { Affinity, Node, Pod, PodSpec, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { deepCopy, deepEqual } from "../common/equal.js";
import { canonical, podTemplateHash } from "../common/hash.js";
import { revisionTemplatePatch } from "../common/history.js";
import { matchesNodeSelector } from "../common/labels.js";
import { controllerRefOf } from "../common/owners.js";
import { byCreationTimestampThenName, isPodAvailable, isPodReady } from "../common/podutil.js";
import { findMatchingUntoleratedTaint } from "../common/taints.js";
import { mutant } from "../common/mutation.js";

/** apps.DefaultDaemonSetUniqueLabelKey: the ControllerRevision hash a daemon pod was made from. */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";
/** extensions.DaemonSetTemplateGenerationKey, kept for backward compatibility. */
export const POD_TEMPLATE_GENERATION_LABEL = "pod-template-generation";
/** apps.DeprecatedTemplateGeneration: apps/v1 carries the template generation in this annotation. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";
/** The DaemonSet controller's burstReplicas: at most this many creations and deletions per sync. */
export const BURST_REPLICAS = 250;
/** failedPodsBackoff: flowcontrol.NewBackOff(1*time.Second, 15*time.Minute). */
export const FAILED_PODS_BACKOFF_INITIAL_MS = 1_000;
export const FAILED_PODS_BACKOFF_MAX_MS = 15 * 60_000;

/** Event reasons of daemon_controller.go. */
export const SELECTING_ALL_REASON = "SelectingAll";
export const FAILED_DAEMON_POD_REASON = "FailedDaemonPod";
export const SUCCEEDED_DAEMON_POD_REASON = "SucceededDaemonPod";

// ---------- tolerations and the pod a node would run (util.AddOrUpdateDaemonPodTolerations, NewPod) ----------

// MatchToleration: the same key, operator, value and effect.
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? "") === (b.key ?? "") && (a.operator ?? "") === (b.operator ?? "") && (a.value ?? "") === (b.value ?? "") && (a.effect ?? "") === (b.effect ?? "");
}

// v1helper.AddOrUpdateTolerationInPodSpec: a matching toleration is replaced, else appended.
function addOrUpdateToleration(tolerations: readonly Toleration[], t: Toleration): Toleration[] {
  if (!tolerations.some((x) => sameToleration(x, t))) return [...tolerations, t];
  return tolerations.map((x) => (sameToleration(x, t) ? t : x));
}

const exists = (key: string, effect: "NoExecute" | "NoSchedule"): Toleration => ({ key, operator: "Exists", effect });

/**
 * The tolerations every daemon pod gets: not-ready and unreachable NoExecute without
 * tolerationSeconds (node problems never evict it), the node-condition taints NoSchedule, and
 * network-unavailable for a hostNetwork pod.
 */
export function addOrUpdateDaemonPodTolerations(spec: PodSpec): PodSpec {
  let t = spec.tolerations ?? [];
  for (const tol of [
    exists("node.kubernetes.io/not-ready", "NoExecute"),
    exists("node.kubernetes.io/unreachable", "NoExecute"),
    exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
    exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
    exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ...(mutant("daemonset.forgets-unschedulable-toleration") ? [] : [exists("node.kubernetes.io/unschedulable", "NoSchedule")]),
  ]) t = addOrUpdateToleration(t, tol);
  // the mutant forgets that a host-network daemon pod needs no pod network
  if (spec.hostNetwork && !mutant("daemonset.host-network-toleration-missing")) t = addOrUpdateToleration(t, exists("node.kubernetes.io/network-unavailable", "NoSchedule"));
  return { ...spec, tolerations: t };
}

/** NewPod: the template's pod on nodeName, with the daemon tolerations (what the predicates judge). */
export function newPod(ds: DaemonSet, nodeName: string): Pod {
  const t = ds.spec?.template ?? {};
  return {
    metadata: { ...(t.metadata ?? {}), namespace: ds.metadata?.namespace },
    spec: addOrUpdateDaemonPodTolerations({ ...(t.spec ?? { containers: [] }), nodeName }),
  };
}

// nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the nodeSelector labels and the required terms.
function fitsNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  // The mutant checks the required affinity terms only, forgetting spec.nodeSelector.
  if (!mutant("daemonset.ignores-node-selector")) for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? matchesNodeSelector(required, node) : true;
}

export interface ShouldRun {
  /** a daemon pod should be created on the node when it has none */
  shouldRun: boolean;
  /** a daemon pod already on the node may keep running */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: the template's nodeName, then nodeSelector and required node affinity,
 * then taints: an untolerated NoSchedule or NoExecute taint stops new pods, and only an
 * untolerated NoExecute taint stops a running one.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): ShouldRun {
  const name = node.metadata?.name ?? "";
  const pod = newPod(ds, name);
  const templateNode = ds.spec?.template?.spec?.nodeName ?? "";
  // the mutant forgets the template's nodeName: a DaemonSet pinned to one node runs everywhere
  if (!(templateNode === "" || templateNode === name || mutant("daemonset.ignores-template-node-name"))) return { shouldRun: false, shouldContinueRunning: false };
  if (!fitsNodeAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  const tolerations = pod.spec?.tolerations;
  if (findMatchingUntoleratedTaint(taints, tolerations, (t) => t.effect === "NoExecute" || (t.effect === "NoSchedule" && !mutant("daemonset.ignores-noschedule-taints"))) === undefined) return { shouldRun: true, shouldContinueRunning: true };
  // the mutant stops a running daemon pod for an untolerated NoSchedule taint too
  return { shouldRun: false, shouldContinueRunning: !mutant("daemonset.noschedule-stops-running") && findMatchingUntoleratedTaint(taints, tolerations, (t) => t.effect === "NoExecute") === undefined };
}

// ---------- node events (addNode, updateNode, syncNodeUpdate) ----------

/** shouldIgnoreNodeUpdate: only a change of labels or taints can change where daemon pods may run (nil and empty are equal, as in Semantic.DeepEqual). */
export function shouldIgnoreNodeUpdate(oldNode: Node, curNode: Node): boolean {
  return deepEqual(oldNode.metadata?.labels ?? {}, curNode.metadata?.labels ?? {}) && deepEqual(oldNode.spec?.taints ?? [], curNode.spec?.taints ?? []);
}

/**
 * syncNodeUpdate: the DaemonSets a node needs synced, given the pods bound to it. One is synced when
 * it should run there and has no pod, has a pod it may no longer keep, or has a pod there while it
 * counts misscheduled pods (that count may have to drop).
 */
export function daemonSetsToSyncForNode(node: Node, daemonSets: readonly DaemonSet[], podsOnNode: readonly Pod[]): DaemonSet[] {
  const placed = new Set(podsOnNode.flatMap((p) => (p.spec?.nodeName === node.metadata?.name ? [daemonSetOwnerOf(p)?.uid] : [])));
  return daemonSets.filter((ds) => {
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const scheduled = placed.has(ds.metadata?.uid);
    return (shouldRun && !scheduled) || (!shouldContinueRunning && scheduled) || (scheduled && (ds.status?.numberMisscheduled ?? 0) > 0);
  });
}

// ---------- daemon pods by node ----------

/** util.GetTargetNodeName: spec.nodeName, or the single name of the matchFields metadata.name In term. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const e of term.matchFields ?? []) {
      if (e.key === "metadata.name" && e.operator === "In") return (e.values ?? []).length === 1 ? e.values![0] : undefined;
    }
  }
  return undefined;
}

const isTerminal = (p: Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/** getNodesToDaemonPods: the claimed pods by target node; terminal pods being deleted only when asked for. */
export function nodesToDaemonPods(pods: readonly Pod[], includeDeletedTerminal: boolean): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of pods) {
    if (!includeDeletedTerminal && isTerminal(p) && p.metadata?.deletionTimestamp) continue;
    const node = targetNodeName(p);
    if (node === undefined) continue;
    out.set(node, [...(out.get(node) ?? []), p]);
  }
  return out;
}

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name. */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  // the mutant ranks the newest first: of a node's duplicate daemon pods the newest is kept
  return mutant("daemonset.duplicates-keep-newest") ? byCreationTimestampThenName(b, a) : byCreationTimestampThenName(a, b);
}

/**
 * IsPodUpdated: the pod carries the current revision's hash. (Kubernetes also compares the
 * pod-template-generation label with fmt.Sprint of a *int64, which prints an address and never
 * matches, so the hash alone decides.)
 */
export function isPodUpdated(pod: Pod, hash: string): boolean {
  return hash.length > 0 && pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

// ---------- failed pods back-off (flowcontrol.Backoff) ----------

export interface BackoffEntry {
  delayMs: number;
  lastUpdateMs: number;
}

/** failedPodsBackoffKey: uid, observed generation and node. */
export function failedPodsBackoffKey(ds: DaemonSet, node: string): string {
  return `${ds.metadata?.uid ?? ""}/${ds.status?.observedGeneration ?? 0}/${node}`;
}

const expired = (e: BackoffEntry, nowMs: number) => nowMs - e.lastUpdateMs > 2 * FAILED_PODS_BACKOFF_MAX_MS;

/** IsInBackOffSinceUpdate: the last failure was less than the current delay ago. */
export function inBackoff(e: BackoffEntry | undefined, nowMs: number): boolean {
  // the mutant never finds a node in back-off: a daemon pod that keeps failing is deleted and made again at once
  return e !== undefined && !expired(e, nowMs) && nowMs - e.lastUpdateMs < e.delayMs && !mutant("daemonset.failed-pod-no-backoff");
}

/** Next: 1 s at first (or after a long quiet), then doubling up to 15 minutes. */
export function nextBackoff(e: BackoffEntry | undefined, nowMs: number): BackoffEntry {
  if (e === undefined || expired(e, nowMs)) return { delayMs: FAILED_PODS_BACKOFF_INITIAL_MS, lastUpdateMs: nowMs };
  // the mutant never doubles the delay: a failing daemon pod is deleted again every second
  return { delayMs: Math.min(e.delayMs * (mutant("daemonset.backoff-not-doubled") ? 1 : 2), FAILED_PODS_BACKOFF_MAX_MS), lastUpdateMs: nowMs };
}

// ---------- manage (podsShouldBeOnNode, getUnscheduledPodsWithoutNode) ----------

export interface DaemonEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

export interface NodePlan {
  /** nodes that need a daemon pod */
  create: string[];
  /** names of the pods to delete */
  delete: string[];
  events: DaemonEvent[];
  /** failed-pod back-off entries written by this pass */
  backoff: Map<string, BackoffEntry>;
  /** the shortest back-off still running: the DaemonSet is synced again after it (enqueueDaemonSetAfter) */
  requeueAfterMs?: number;
}

export interface ManageInput {
  ds: DaemonSet;
  nodes: readonly Node[];
  /** the pods the DaemonSet controls */
  pods: readonly Pod[];
  hash: string;
  nowMs: number;
  backoff: ReadonlyMap<string, BackoffEntry>;
}

const allowsSurge = (ds: DaemonSet) => surgeCount(ds, 1) > 0;

/** podsShouldBeOnNode: the pods to create on and delete from one node. */
export function podsShouldBeOnNode(node: Node, byNode: ReadonlyMap<string, Pod[]>, input: ManageInput, plan: NodePlan): void {
  const { ds, hash, nowMs } = input;
  const name = node.metadata?.name ?? "";
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const daemonPods = byNode.get(name);
  if (shouldRun && daemonPods === undefined) {
    plan.create.push(name);
    return;
  }
  if (shouldContinueRunning) {
    const running: Pod[] = [];
    for (const pod of daemonPods ?? []) {
      if (pod.metadata?.deletionTimestamp) continue;
      const phase = pod.status?.phase;
      if (phase === "Failed") {
        // The controller and a kubelet rejecting the pod would fight: failed pods are deleted behind a back-off.
        const key = failedPodsBackoffKey(ds, name);
        const entry = plan.backoff.get(key) ?? input.backoff.get(key);
        if (inBackoff(entry, nowMs)) {
          plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, entry!.delayMs);
          continue;
        }
        plan.backoff.set(key, nextBackoff(entry, nowMs));
        plan.events.push({ type: "Warning", reason: FAILED_DAEMON_POD_REASON, message: `Found failed daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${name}, will try to kill it` });
        plan.delete.push(pod.metadata?.name ?? "");
      } else if (phase === "Succeeded") {
        plan.events.push({ type: "Normal", reason: SUCCEEDED_DAEMON_POD_REASON, message: `Found succeeded daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${name}, will try to delete it` });
        plan.delete.push(pod.metadata?.name ?? "");
      } else running.push(pod);
    }
    running.sort(byCreationTimestampAndPhase);
    if (!allowsSurge(ds)) {
      // Without surge, all but the oldest running pod go.
      for (const p of running.slice(1)) plan.delete.push(p.metadata?.name ?? "");
      return;
    }
    if (running.length <= 1) {
      if (running.length === 0 && shouldRun) plan.create.push(name);
      return;
    }
    surgePrune(running, ds, hash, nowMs, plan);
    return;
  }
  if (daemonPods !== undefined) {
    for (const p of daemonPods) if (!p.metadata?.deletionTimestamp) plan.delete.push(p.metadata?.name ?? "");
  }
}

// With surge, two pods stay only while the oldest old pod is ready and the oldest new one not yet available.
function surgePrune(running: readonly Pod[], ds: DaemonSet, hash: string, nowMs: number, plan: NodePlan): void {
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of running) {
    if (pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) {
      if (oldestNew === undefined) {
        oldestNew = pod;
        continue;
      }
    } else if (oldestOld === undefined) {
      oldestOld = pod;
      continue;
    }
    plan.delete.push(pod.metadata?.name ?? "");
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, nowMs))) {
    plan.delete.push(oldestOld.metadata?.name ?? "");
  }
}

/** manage: every node's plan, plus unscheduled pods aimed at nodes that no longer exist. */
export function manage(input: ManageInput): NodePlan {
  const plan: NodePlan = { create: [], delete: [], events: [], backoff: new Map() };
  const byNode = nodesToDaemonPods(input.pods, false);
  for (const node of input.nodes) podsShouldBeOnNode(node, byNode, input, plan);
  const present = new Set(input.nodes.map((n) => n.metadata?.name ?? ""));
  for (const [node, pods] of byNode) {
    if (present.has(node)) continue;
    for (const p of pods) if (!p.spec?.nodeName) plan.delete.push(p.metadata?.name ?? "");
  }
  return plan;
}

// ---------- rolling update (update.go) ----------

// intstr.GetScaledValueFromIntOrPercent with rounding up; an invalid value (validation refuses it) counts as 0.
function scaled(v: number | string | undefined, total: number): number {
  if (v === undefined) return 0;
  const r = scaledValueFromIntOrPercent(v, total, true);
  return typeof r === "number" ? r : 0;
}

/** util.SurgeCount: maxSurge of numberToSchedule nodes (0 unless RollingUpdate). */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== "RollingUpdate" || !s.rollingUpdate || s.rollingUpdate.maxSurge === undefined) return 0;
  // the mutant rounds a percentage maxSurge down
  if (mutant("daemonset.max-surge-rounds-down") && typeof s.rollingUpdate.maxSurge === "string") return Math.floor((Number.parseInt(s.rollingUpdate.maxSurge, 10) * numberToSchedule) / 100);
  return scaled(s.rollingUpdate.maxSurge, numberToSchedule);
}

/** util.UnavailableCount: maxUnavailable of numberToSchedule nodes (0 unless RollingUpdate). */
export function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== "RollingUpdate" || !s.rollingUpdate) return 0;
  return mutant("daemonset.max-unavailable-rounds-down") && typeof s.rollingUpdate.maxUnavailable === "string" ? Math.floor((Number.parseInt(s.rollingUpdate.maxUnavailable, 10) * numberToSchedule) / 100) : scaled(s.rollingUpdate.maxUnavailable, numberToSchedule);
}

/** findUpdatedPodsOnNode: at most one new and one old pod among the live ones, or ok false. */
export function findUpdatedPodsOnNode(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** updatedDesiredNodeCounts: maxSurge, maxUnavailable (1 when both are 0) and the desired count; nodes to run get an entry. */
export function desiredCounts(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>): { maxSurge: number; maxUnavailable: number; desired: number } {
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    const name = n.metadata?.name ?? "";
    if (!byNode.has(name)) byNode.set(name, []);
  }
  const maxSurge = surgeCount(ds, desired);
  let maxUnavailable = unavailableCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired };
}

/**
 * rollingUpdate: without surge, old pods are deleted (and recreated by manage) while no more than
 * maxUnavailable nodes are unavailable; with surge, a new pod is created beside an old one on at
 * most maxSurge nodes and the old one goes when the new one is available.
 */
export function rollingUpdate(input: ManageInput): NodePlan {
  const { ds, nodes, hash, nowMs } = input;
  const byNode = nodesToDaemonPods(input.pods, false);
  const { maxSurge, maxUnavailable, desired } = desiredCounts(ds, nodes, byNode);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, nowMs);
  const plan: NodePlan = { create: [], delete: [], events: [], backoff: new Map() };
  // Go ranges over a map; podflow takes the nodes in name order so a run replays.
  const entries = [...byNode].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const [, pods] of entries) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata?.name ?? "");
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) candidates.push(oldPod!.metadata?.name ?? "");
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    plan.delete.push(...replacements, ...candidates.slice(0, remaining));
    return plan;
  }
  const nodeByName = new Map(nodes.map((n) => [n.metadata?.name ?? "", n] as const));
  const shouldRunOn = (name: string) => {
    const n = nodeByName.get(name);
    return n !== undefined && nodeShouldRunDaemonPod(n, ds).shouldRun;
  };
  const shouldNotRun: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [name, pods] of entries) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRunOn(name)) plan.delete.push(oldPod.metadata?.name ?? "");
        else allowed.push(name);
      } else if (!shouldRunOn(name)) shouldNotRun.push(oldPod.metadata?.name ?? "");
      else if (numSurge < maxSurge) candidates.push(name);
      continue;
    }
    if (!available(newPod) && !mutant("daemonset.surge-deletes-old-before-new-available")) {
      numSurge++;
      continue;
    }
    plan.delete.push(oldPod.metadata?.name ?? "");
  }
  // With a surge the owner expects full availability: a pod on a node it left goes only once enough run elsewhere.
  const deletable = Math.min(numAvailable - desired, shouldNotRun.length);
  if (deletable > 0) plan.delete.push(...shouldNotRun.slice(0, deletable));
  const remaining = Math.min(Math.max(0, maxSurge - numSurge), candidates.length);
  plan.create.push(...allowed, ...candidates.slice(0, remaining));
  return plan;
}

// ---------- status (updateDaemonSetStatus) ----------

export type DaemonSetCounts = Required<Pick<DaemonSetStatus,
  "desiredNumberScheduled" | "currentNumberScheduled" | "numberMisscheduled" | "numberReady" | "updatedNumberScheduled" | "numberAvailable" | "numberUnavailable">>;

/** The status counts: per node that should run a pod, its oldest pod's readiness, availability and revision. */
export function calculateStatus(ds: DaemonSet, nodes: readonly Node[], pods: readonly Pod[], hash: string, nowMs: number): DaemonSetCounts {
  const byNode = nodesToDaemonPods(pods, false);
  const c: DaemonSetCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  for (const node of nodes) {
    const onNode = byNode.get(node.metadata?.name ?? "") ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (onNode.length > 0) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (onNode.length === 0) continue;
    c.currentNumberScheduled++;
    const pod = [...onNode].sort(byCreationTimestampAndPhase)[0]!;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, nowMs)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, hash)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/** storeDaemonSetStatus's early return: the counts are stored and the generation observed. */
export function statusUpToDate(ds: DaemonSet, c: DaemonSetCounts): boolean {
  const s: DaemonSetStatus = ds.status ?? ({} as DaemonSetStatus);
  return (Object.keys(c) as (keyof DaemonSetCounts)[]).every((k) => (s[k] ?? 0) === c[k]) && (s.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
}

/** DaemonSetStatus fields that are `json:",omitempty"`: not written when zero (the other counts always are). */
const omitEmptyStatusKeys = ["updatedNumberScheduled", "numberAvailable", "numberUnavailable", "observedGeneration"] as const;

/** The status written: the counts, and observedGeneration when the sync acted on this generation. */
export function nextStatus(ds: DaemonSet, c: DaemonSetCounts, updateObservedGen: boolean): DaemonSetStatus {
  const next: Record<string, unknown> = { ...(ds.status ?? {}), ...c, ...(updateObservedGen ? { observedGeneration: ds.metadata?.generation ?? 0 } : {}) };
  for (const k of omitEmptyStatusKeys) if (next[k] === 0) delete next[k];
  return next as unknown as DaemonSetStatus;
}

// ---------- the pods it creates (CreatePodTemplate, ReplaceDaemonSetPodNodeNameNodeAffinity) ----------

/** The controller ownerReference of a daemon pod or revision (metav1.NewControllerRef). */
export function daemonSetControllerRef(ds: DaemonSet): OwnerReference {
  return { apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata?.name ?? "", uid: ds.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true };
}

/** util.GetTemplateGeneration: the annotation as a number, undefined when absent or unparsable. */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const v = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes matchFields metadata.name In [node]. */
export function replaceNodeNameAffinity(affinity: Affinity | undefined, node: string): Affinity {
  const term = { matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] };
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return { ...(affinity ?? {}), nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { ...(required ?? {}), nodeSelectorTerms: [term] } } };
}

/** The daemon pod for a node: the template with the daemon tolerations, the generation and hash labels, the node affinity. */
export function newDaemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const t: PodTemplateSpec = deepCopy(ds.spec?.template ?? {});
  const generation = templateGeneration(ds);
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
  if (generation !== undefined) labels[POD_TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  const spec = addOrUpdateDaemonPodTolerations(t.spec ?? { containers: [] });
  const metadata: Pod["metadata"] = {
    generateName: `${ds.metadata?.name ?? ""}-`,
    namespace: ds.metadata?.namespace,
    labels,
    annotations: { ...(t.metadata?.annotations ?? {}) },
    ownerReferences: [daemonSetControllerRef(ds)],
  };
  if (t.metadata?.finalizers?.length) metadata.finalizers = [...t.metadata.finalizers];
  return { apiVersion: "v1", kind: "Pod", metadata, spec: { ...spec, affinity: replaceNodeNameAffinity(spec.affinity, node) } };
}

// ---------- history (constructHistory, snapshot, cleanupHistory) ----------

/** getPatch: the revision's data, a patch replacing spec.template (json.Marshal of a map sorts the keys). */
export function revisionData(ds: DaemonSet): unknown {
  return revisionTemplatePatch(ds.spec?.template ?? {});
}

/** Match: the revision holds this DaemonSet's template. */
export function matchesRevision(ds: DaemonSet, cr: ControllerRevision): boolean {
  return canonical(revisionData(ds)) === canonical(cr.data);
}

/** The hash of the DaemonSet's template and collision count (controller.ComputeHash). */
export function revisionHash(ds: DaemonSet): string {
  return podTemplateHash(ds.spec?.template ?? {}, ds.status?.collisionCount);
}

/** snapshot: the ControllerRevision <name>-<hash> for the current template at the given revision. */
export function newRevision(ds: DaemonSet, revision: number): ControllerRevision {
  const hash = revisionHash(ds);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${ds.metadata?.name ?? ""}-${hash}`,
      namespace: ds.metadata?.namespace,
      labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      annotations: { ...(ds.metadata?.annotations ?? {}) },
      ownerReferences: [daemonSetControllerRef(ds)],
    },
    data: revisionData(ds) as ControllerRevision["data"],
    revision,
  };
}

export interface HistoryPlan {
  /** the current revision, when one exists */
  current?: ControllerRevision;
  /** the revisions of other templates */
  old: ControllerRevision[];
  /** the revision to create when none holds the template */
  create?: ControllerRevision;
  /** duplicates of the current revision to delete (dedupCurHistories) */
  deleteDuplicates: string[];
  /** the current revision's number, raised above the old ones (a rollback re-uses an old template) */
  bumpRevision?: number;
}

/** constructHistory: current and old revisions; the revision to create or renumber. */
export function constructHistory(ds: DaemonSet, revisions: readonly ControllerRevision[]): HistoryPlan {
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const r of revisions) (matchesRevision(ds, r) ? current : old).push(r);
  const next = old.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
  if (current.length === 0) return { old, create: newRevision(ds, next), deleteDuplicates: [] };
  let keep = current[0]!;
  for (const r of current) if ((r.revision ?? 0) >= (keep.revision ?? 0)) keep = r;
  const deleteDuplicates = current.filter((r) => r !== keep).map((r) => r.metadata?.name ?? "");
  return { current: keep, old, deleteDuplicates, ...((keep.revision ?? 0) < next ? { bumpRevision: next } : {}) };
}

/** cleanupHistory: the oldest revisions past revisionHistoryLimit that no live pod (terminal ones included) uses. */
export function historyToDelete(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): string[] {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return [];
  const live = new Set<string>();
  for (const list of nodesToDaemonPods(pods, true).values()) for (const p of list) {
    const h = p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (h) live.add(h);
  }
  const out: string[] = [];
  for (const r of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
    if (toKill <= 0) break;
    if (live.has(r.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "")) continue;
    out.push(r.metadata?.name ?? "");
    toKill--;
  }
  return out;
}

/** The DaemonSet that owns an object, by its controller ownerReference. */
export function daemonSetOwnerOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  const ref = controllerRefOf(obj);
  return ref?.kind === "DaemonSet" ? ref : undefined;
}

/** The selector {} selects every pod: the controller refuses it (SelectingAll). */
export function selectsAll(ds: DaemonSet): boolean {
  const s = ds.spec?.selector;
  return s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}
