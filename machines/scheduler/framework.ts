// kube-scheduler framework types: NodeInfo, CycleState, plugin interfaces, pod requests.
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, Taint, } from "kubernetes-types/core/v1";
import { findMatchingUntoleratedTaint, toleratesTaint, tolerationsTolerateTaint } from "../common/taints.js";
import { type HostPort, hostPorts, podRequests, type PodRequestOptions, type ResourceList, toResourceMap } from "../common/resourcehelper.js";

export { type HostPort, hostPorts, podRequests, type PodRequestOptions, type ResourceList, toResourceMap };

/** framework.MaxNodeScore. */
export const MaxNodeScore = 100;
/** schedutil.DefaultMilliCPURequest: what scoring assumes for a container without a cpu request. */
export const DefaultMilliCPURequest = 100;
/** schedutil.DefaultMemoryRequest: 200Mi, for containers without a memory request. */
export const DefaultMemoryRequest = 200 * 1024 * 1024;

/** framework.Resource: cpu in millicores, memory and storage in bytes, extended resources as integers. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Record<string, number>;
}


/** The scheduler's per-node aggregate (framework.NodeInfo). */
export interface NodeInfo extends NodeCounts {
  node: Node;
  /** node.metadata.name, kept beside the node: read for every node of every cycle. */
  name: string;
  /** node.spec.unschedulable and node.spec.taints, kept beside the node for the filters (see setNode). */
  unschedulable: boolean;
  taints: Taint[] | undefined;
  /** Non-terminal pods bound to the node (the scheduler's informer ignores Succeeded/Failed pods). */
  pods: Pod[];
  allocatable: Resources;
  requested: Resources;
  nonZeroRequested: Resources;
  usedPorts: HostPort[];
  /** Image sizes on this node keyed by every name the kubelet reported. */
  imageSizes: Map<string, number>;
  /** Pods with any (anti-)affinity, and those with required anti-affinity, as NodeInfo keeps them. */
  podsWithAffinity: Pod[];
  podsWithRequiredAntiAffinity: Pod[];
}

/**
 * Copies of the numbers a cycle reads for every node it filters and scores, held flat in the
 * NodeInfo itself so that a pass over hundreds of nodes does not also visit the pods list and the
 * three Resources objects of each; refreshCounts derives them from pods, allocatable, requested,
 * nonZeroRequested and imageSizes whenever those change.
 */
export interface NodeCounts {
  numPods: number;
  allowedPodNumber: number;
  allocatableMilliCPU: number;
  allocatableMemory: number;
  requestedMilliCPU: number;
  requestedMemory: number;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
  numImageNames: number;
}

export type Code = "Unschedulable" | "UnschedulableAndUnresolvable";

export type FilterStatus =
  | { code: "Success" }
  | { code: Code; reasons: string[]; plugin: string };

export const Success: FilterStatus = Object.freeze({ code: "Success" }) as FilterStatus;

/** Builds a failing status for a plugin. */
export function failure(code: Code, plugin: string, ...reasons: string[]): FilterStatus {
  return { code, reasons, plugin };
}

/** Per-cycle scratch space shared between a plugin's PreFilter/PreScore and Filter/Score. */
export type CycleState = Map<string, unknown>;

/**
 * Snapshot-wide aggregates the scheduler keeps beside its NodeInfo list, as kube-scheduler's Snapshot
 * keeps imageStates and the HavePodsWithAffinity lists, so plugins need not walk every node per pod.
 */
export interface SnapshotSummary {
  /** image name -> nodes holding it under that name (ImageStateSummary.NumNodes) */
  imageNumNodes: Map<string, number>;
  /** nodes with at least one pod with pod (anti-)affinity */
  nodesWithAffinityPods: number;
  /** nodes with at least one pod with required pod anti-affinity */
  nodesWithRequiredAntiAffinityPods: number;
}

/** The CycleState key under which the framework hands a SnapshotSummary to plugins. */
export const snapshotSummaryKey = "SnapshotSummary";

/** An empty SnapshotSummary. */
export function newSnapshotSummary(): SnapshotSummary {
  return { imageNumNodes: new Map(), nodesWithAffinityPods: 0, nodesWithRequiredAntiAffinityPods: 0 };
}

/** Adds (sign 1) or removes (sign -1) one NodeInfo's image names to the summary. */
export function summarizeImages(s: SnapshotSummary, ni: NodeInfo, sign: 1 | -1): void {
  for (const name of ni.imageSizes.keys()) {
    const n = (s.imageNumNodes.get(name) ?? 0) + sign;
    if (n === 0) s.imageNumNodes.delete(name);
    else s.imageNumNodes.set(name, n);
  }
}

/** Adds (sign 1) or removes (sign -1) one NodeInfo's affinity-pod flags to the summary. */
export function summarizeAffinity(s: SnapshotSummary, ni: NodeInfo, sign: 1 | -1): void {
  if (ni.podsWithAffinity.length > 0) s.nodesWithAffinityPods += sign;
  if (ni.podsWithRequiredAntiAffinity.length > 0) s.nodesWithRequiredAntiAffinityPods += sign;
}

/** The SnapshotSummary of a NodeInfo list. */
export function summarizeSnapshot(nodeInfos: readonly NodeInfo[]): SnapshotSummary {
  const s = newSnapshotSummary();
  for (const ni of nodeInfos) {
    summarizeImages(s, ni, 1);
    summarizeAffinity(s, ni, 1);
  }
  return s;
}

/** The SnapshotSummary the framework put in this cycle's state, if the caller keeps one. */
export function snapshotSummaryOf(state: CycleState): SnapshotSummary | undefined {
  return state.get(snapshotSummaryKey) as SnapshotSummary | undefined;
}

/** Inputs the plugins read from the cluster beyond nodes and pods. */
export interface SchedulingEnv {
  /** PersistentVolumeClaims by "namespace/name"; absent means none exist. */
  pvcs?: Map<string, PersistentVolumeClaim> | Record<string, PersistentVolumeClaim>;
  /** PersistentVolumes by name. */
  pvs?: Map<string, PersistentVolume> | Record<string, PersistentVolume>;
  /** StorageClasses by name: their provisioner and volumeBindingMode. */
  storageClasses?: ReadonlyMap<string, { provisioner: string; volumeBindingMode: string; reclaimPolicy: string }>;
}

/** "Skip" tells the framework not to call this plugin's Filter/Score in this cycle. */
export type PreResult = FilterStatus | "Skip" | undefined;

export interface FilterPlugin {
  name: string;
  preFilter?(state: CycleState, pod: Pod, allNodes: NodeInfo[], env: SchedulingEnv): PreResult;
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin {
  name: string;
  weight: number;
  /** feasible are the nodes being scored; allNodes the whole snapshot. */
  preScore?(state: CycleState, pod: Pod, feasible: NodeInfo[], allNodes: NodeInfo[]): "Skip" | undefined;
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  /** Optional: score(state, pod, nodes[i]) into out[i] for every i, in one call per cycle. */
  scoreAll?(state: CycleState, pod: Pod, nodes: NodeInfo[], out: number[]): void;
  normalize?(state: CycleState, pod: Pod, scores: NodeScore[]): void;
  /** Optional: normalize over plain scores, for a normalize that needs no node names (same results). */
  normalizeAll?(state: CycleState, pod: Pod, scores: number[]): void;
}

// ---- resources ----

/** An all-zero Resources value. */
export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} };
}

/** The non-zero defaults scoring uses for containers without cpu/memory requests. */
export const nonZeroDefaults: Map<string, number> = new Map([["cpu", DefaultMilliCPURequest], ["memory", DefaultMemoryRequest]]);

const podRequestsKey = "PodRequests";
const nonZeroPodRequestsKey = "PodRequestsNonZero";

/**
 * toResources(podRequests(pod)) (nonZero: with the scoring defaults), computed once per cycle and
 * shared by the plugins that need it; remembered with the pod so a reused state cannot mix pods up.
 */
export function cyclePodRequests(state: CycleState, pod: Pod, nonZero: boolean): Resources {
  const key = nonZero ? nonZeroPodRequestsKey : podRequestsKey;
  const memo = state.get(key) as { pod: Pod; requests: Resources } | undefined;
  if (memo !== undefined && memo.pod === pod) return memo.requests;
  const requests = toResources(podRequests(pod, nonZero ? { nonMissingContainerRequests: nonZeroDefaults } : {}));
  state.set(key, { pod, requests });
  return requests;
}

/** Gives a cycle the pod's requests as cyclePodRequests would compute them (made before for an equal spec). */
export function seedCyclePodRequests(state: CycleState, pod: Pod, nonZero: boolean, requests: Resources): void {
  state.set(nonZero ? nonZeroPodRequestsKey : podRequestsKey, { pod, requests });
}

/** True for resources kept in Resources.scalar (extended resources, hugepages, attachable volumes). */
export function isScalarResourceName(name: string): boolean {
  return name !== "cpu" && name !== "memory" && name !== "ephemeral-storage" && name !== "pods" && name !== "storage";
}

/** Converts a resource map into Resources. */
export function toResources(m: Map<string, number>): Resources {
  const r = emptyResources();
  for (const [k, v] of m) {
    if (k === "cpu") r.milliCPU = v;
    else if (k === "memory") r.memory = v;
    else if (k === "ephemeral-storage") r.ephemeralStorage = v;
    else if (k === "pods") r.allowedPodNumber = v;
    else if (isScalarResourceName(k)) r.scalar[k] = v;
  }
  return r;
}

function addResources(dst: Resources, src: Resources): void {
  dst.milliCPU += src.milliCPU;
  dst.memory += src.memory;
  dst.ephemeralStorage += src.ephemeralStorage;
  for (const [k, v] of Object.entries(src.scalar)) dst.scalar[k] = (dst.scalar[k] ?? 0) + v;
}

/** True when the pod has finished and so no longer holds node resources. */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** Re-derives a NodeInfo's NodeCounts from its pods, resources and images. */
export function refreshCounts(ni: NodeInfo): void {
  ni.numPods = ni.pods.length;
  ni.allowedPodNumber = ni.allocatable.allowedPodNumber;
  ni.allocatableMilliCPU = ni.allocatable.milliCPU;
  ni.allocatableMemory = ni.allocatable.memory;
  ni.requestedMilliCPU = ni.requested.milliCPU;
  ni.requestedMemory = ni.requested.memory;
  ni.nonZeroMilliCPU = ni.nonZeroRequested.milliCPU;
  ni.nonZeroMemory = ni.nonZeroRequested.memory;
  ni.numImageNames = ni.imageSizes.size;
}

/**
 * Appends a pod to a NodeInfo, updating its aggregates (NodeInfo.AddPod). from: the scheduling cycle
 * that placed this pod (scheduled as from.pod, same spec but nodeName), whose cyclePodRequests are reused.
 */
export function addPodToNodeInfo(ni: NodeInfo, pod: Pod, from?: { cycle: CycleState; pod: Pod }): void {
  ni.pods.push(pod);
  const requested = from ? cyclePodRequests(from.cycle, from.pod, false) : toResources(podRequests(pod, { useStatusResources: true }));
  const nonZero = from ? cyclePodRequests(from.cycle, from.pod, true) : toResources(podRequests(pod, { nonMissingContainerRequests: nonZeroDefaults, useStatusResources: true }));
  addResources(ni.requested, requested);
  addResources(ni.nonZeroRequested, nonZero);
  ni.usedPorts.push(...hostPorts(pod));
  const a = pod.spec?.affinity;
  if (a?.podAffinity || a?.podAntiAffinity) ni.podsWithAffinity.push(pod);
  if ((a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0) ni.podsWithRequiredAntiAffinity.push(pod);
  refreshCounts(ni);
}

/** Points a NodeInfo at a new version of its node, keeping the fields it copies from the node in step. */
export function setNode(ni: NodeInfo, node: Node): void {
  ni.node = node;
  ni.name = node.metadata?.name ?? "";
  ni.unschedulable = !!node.spec?.unschedulable;
  ni.taints = node.spec?.taints;
}

/**
 * A copy of a NodeInfo whose lists and resource sums are its own, for the functions above to change
 * (the scheduler's cache holds NodeInfos as values: it replaces them, never changes them). Fields
 * in newNodeInfo's order, so copies share the hidden class the filters are compiled for.
 */
export function copyNodeInfo(ni: NodeInfo): NodeInfo {
  return {
    node: ni.node,
    name: ni.name,
    unschedulable: ni.unschedulable,
    taints: ni.taints,
    pods: ni.pods.slice(),
    allocatable: ni.allocatable,
    requested: copyResources(ni.requested),
    nonZeroRequested: copyResources(ni.nonZeroRequested),
    usedPorts: ni.usedPorts.slice(),
    imageSizes: ni.imageSizes,
    podsWithAffinity: ni.podsWithAffinity.slice(),
    podsWithRequiredAntiAffinity: ni.podsWithRequiredAntiAffinity.slice(),
    numPods: ni.numPods,
    allowedPodNumber: ni.allowedPodNumber,
    allocatableMilliCPU: ni.allocatableMilliCPU,
    allocatableMemory: ni.allocatableMemory,
    requestedMilliCPU: ni.requestedMilliCPU,
    requestedMemory: ni.requestedMemory,
    nonZeroMilliCPU: ni.nonZeroMilliCPU,
    nonZeroMemory: ni.nonZeroMemory,
    numImageNames: ni.numImageNames,
  };
}

function copyResources(r: Resources): Resources {
  return { milliCPU: r.milliCPU, memory: r.memory, ephemeralStorage: r.ephemeralStorage, allowedPodNumber: r.allowedPodNumber, scalar: { ...r.scalar } };
}

/** A new NodeInfo: ni with the pod added (addPodToNodeInfo on a copy); ni is not changed. */
export function withPod(ni: NodeInfo, pod: Pod, from?: { cycle: CycleState; pod: Pod }): NodeInfo {
  const next = copyNodeInfo(ni);
  addPodToNodeInfo(next, pod, from);
  return next;
}

/** A new NodeInfo: ni pointed at a new version of its node (setNode on a copy); ni is not changed. */
export function withNode(ni: NodeInfo, node: Node): NodeInfo {
  const next = copyNodeInfo(ni);
  setNode(next, node);
  return next;
}

/** Allocatable lists seen before, by their entries: the nodes of a pool share one Resources (a value, never changed). */
const allocatables = new Map<string, Resources>();
const allocatablesMax = 1024;

/** toResources(toResourceMap(list)), made once per distinct list of entries. */
export function allocatableOf(list: ResourceList | undefined): Resources {
  if (list === undefined || list === null) return toResources(toResourceMap(list));
  // each entry's name, type and value, NUL-separated (names and quantities hold no NUL)
  let key = "";
  for (const k of Object.keys(list)) {
    const v = list[k];
    key += `${k}\0${typeof v}\0${String(v)}\0`;
  }
  let r = allocatables.get(key);
  if (r === undefined) {
    r = toResources(toResourceMap(list));
    if (allocatables.size >= allocatablesMax) allocatables.clear();
    allocatables.set(key, r);
  }
  return r;
}

/** Builds a NodeInfo from a node and the pods bound to it (terminal pods are ignored). */
export function newNodeInfo(node: Node, pods: Pod[]): NodeInfo {
  const allocatable = allocatableOf(node.status?.allocatable as ResourceList | undefined);
  const ni: NodeInfo = {
    node,
    name: node.metadata?.name ?? "",
    unschedulable: !!node.spec?.unschedulable,
    taints: node.spec?.taints,
    pods: [],
    allocatable,
    requested: emptyResources(),
    nonZeroRequested: emptyResources(),
    usedPorts: [],
    imageSizes: new Map(),
    podsWithAffinity: [],
    podsWithRequiredAntiAffinity: [],
    // Every field is present from the start, so all NodeInfos share one shape.
    numPods: 0,
    allowedPodNumber: allocatable.allowedPodNumber,
    allocatableMilliCPU: allocatable.milliCPU,
    allocatableMemory: allocatable.memory,
    requestedMilliCPU: 0,
    requestedMemory: 0,
    nonZeroMilliCPU: 0,
    nonZeroMemory: 0,
    numImageNames: 0,
  };
  for (const img of node.status?.images ?? []) for (const n of img.names ?? []) ni.imageSizes.set(n, img.sizeBytes ?? 0);
  for (const p of pods) if (!isTerminal(p)) addPodToNodeInfo(ni, p);
  refreshCounts(ni);
  return ni;
}

// ---- tolerations (component-helpers scheduling/corev1) ----

export { toleratesTaint, tolerationsTolerateTaint, findMatchingUntoleratedTaint };

/** helper.DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints block scheduling. */
export const doNotScheduleTaints = (t: Taint): boolean => t.effect === "NoSchedule" || t.effect === "NoExecute";

/** Pod priority as corev1helpers.PodPriority: spec.priority, 0 when unset. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/** The node's name. */
export const nodeName = (ni: NodeInfo): string => ni.name;
