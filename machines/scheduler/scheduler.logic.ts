// kube-scheduler's loop as functions over its context: informers keep a cache of nodes and
// pods (assumed pods included), the queue orders the pending ones, scheduleOne filters, scores,
// assumes and binds, or records why not (PodScheduled=False, FailedScheduling) and tries preemption.
//
// The context is a value: each step (stepScheduler) runs these functions on a shallow copy of it,
// with the client on a mutative draft; what grows with the cluster is held in persistent
// collections (immutable.js, the queue's persistent heap) whose entries (NodeInfos, pods, queued
// pods) are replaced, never changed.

import type { Node, Pod } from "kubernetes-types/core/v1";
import { List as IList, Map as IMap, OrderedMap, Set as ISet } from "immutable";
import type { Fx } from "../common/effects.js";
import { currentOf, runDraftStep } from "../common/step.js";
import { nextRandom, Rng } from "../common/prng.js";
import { rfc3339 } from "../common/time.js";
import { FINISH_TIME_MS, REFRESH_TIME_MS, truncateNote } from "../common/eventseries.js";
import { eventAnswered, finishEventSeries, informersSynced, newClient, objectKey, onListed, onWatchEvent, recordEventV1, refreshEventSeries, request, settleResponse, startInformer, type ClientState, type Reporter, type InformerDelta } from "../common/client.js";
import { listFailed } from "../common/informer.js";
import type { ApiResponse, WatchEvent } from "../messages.js";
import * as VB from "./plugins/VolumeBinding/index.js";
import { classInfoOf } from "../common/volumeutil.js";
import { copyNodeInfo, type CycleState, newNodeInfo, type NodeInfo, type SchedulingEnv, type SnapshotSummary, summarizeAffinity, summarizeImages, summarizeSnapshot, withNode, withPod } from "./framework.js";
import { deepEqual } from "../common/equal.js";
import { failedSchedulingMessage, newCycleState, schedulePod, type Diagnosis } from "./semantics.js";
import { preempt, victimDisruptionStatus } from "./preemption.js";
import { nodeVerdictsFor } from "./feasibility.js";
import * as Q from "./queue.js";
import { mutant } from "../common/mutation.js";
import type { NamespaceLabels } from "./plugins/podAffinityTerms.js";
import type { SelectorOwnerKind, SpreadListers } from "./plugins/spread.js";

export const schedulerName = "default-scheduler";
const PODS = 1;
const NODES = 2;
const PDBS = 3;
const PVCS = 4;
const PVS = 5;
const CLASSES = 6;
const NAMESPACES = 7;
const SERVICES = 8;
const RCS = 9;
const RSS = 10;
const SSS = 11;

/**
 * What a cycle schedules over (kube-scheduler's Snapshot): the NodeInfos in nodeOrder and their
 * summary. A value, replaced and never changed; a class, so that mutative neither drafts it nor
 * walks its thousands of NodeInfos when a step assigns it.
 */
export class CacheSnapshot {
  constructor(readonly infos: readonly NodeInfo[], readonly summary: SnapshotSummary) {}
}

export interface SchedulerContext {
  client: ClientState;
  queue: Q.SchedulingQueue;
  /** node name -> NodeInfo, with assumed pods counted */
  nodeInfos: IMap<string, NodeInfo>;
  /** the nodes in a stable order, for the rotating start index */
  nodeOrder: IList<string>;
  /** node name -> index in nodeOrder */
  slot: IMap<string, number>;
  /** bound (or assumed) pods by node, each node's in the order they were added */
  podsByNode: IMap<string, OrderedMap<string, Pod>>;
  nextStartIndex: number;
  rng: Rng;
  /** a ScheduleNext message is on its way to us */
  cycleQueued: boolean;
  /** the snapshot the last cycle ran on (undefined until a cycle needs one, and after a node is deleted) */
  snapshot?: CacheSnapshot;
  /** the nodes whose NodeInfo changed (or that were added) since the snapshot was taken */
  staleNodes: ISet<string>;
  /** the nominator: pending pod key -> the node it is nominated to (set at preemption, before the status write says so) */
  nominations: IMap<string, string>;
  /** pods whose PreBind wrote their volumes' bindings: key -> the node, until the PV controller has bound every claim (VolumeBinding PreBind's wait) */
  volumeWaits?: IMap<string, { pod: Pod; node: string }>;
  /** the events.k8s.io/v1 recorder's reporter: the profile's name, and "<name>-<hostname>" */
  reporter: Reporter;
}

export interface SchedulerInput {
  token: string;
  seed: number;
  /** the host kube-scheduler runs on (kind's control-plane node) */
  hostname?: string;
}

/** A fresh scheduler: empty cache, empty queue. */
export function initialScheduler(input: SchedulerInput): SchedulerContext {
  return {
    client: newClient(input.token),
    reporter: { controller: schedulerName, instance: `${schedulerName}-${input.hostname ?? "control-plane"}` },
    queue: Q.newQueue(),
    nodeInfos: IMap(),
    nodeOrder: IList(),
    slot: IMap(),
    podsByNode: IMap(),
    nextStartIndex: 0,
    rng: new Rng(input.seed),
    cycleQueued: false,
    staleNodes: ISet(),
    nominations: IMap(),
  };
}

/**
 * One step of the scheduler as a value step: fn runs on the next context and ctx is never changed.
 * The scheduler's own fields are values (persistent collections; NodeInfos and queued pods are
 * replaced whole), so fn changes only a shallow copy of the context and of its queue; the client,
 * whose functions change what they are given, runs on a mutative draft of itself alone: reads of
 * the queue and the cache go to the values themselves, not through proxies, and nothing taken from
 * them can be a draft.
 */
export function stepScheduler<E>(ctx: SchedulerContext, ev: E, fx: Fx, fn: (ctx: SchedulerContext, ev: E, fx: Fx) => void): SchedulerContext {
  let next: SchedulerContext | undefined;
  const client = runDraftStep(ctx.client, ev, (c, e, f) => {
    next = { ...ctx, client: c, queue: { ...ctx.queue } };
    fn(next, e, f);
  }, fx);
  next!.client = client;
  return next!;
}

/** Informers on pods that are not finished, on nodes, and on PodDisruptionBudgets. */
export function startInformers(ctx: SchedulerContext, fx: Fx): void {
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods", fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" });
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  startInformer(ctx.client, fx, PDBS, { group: "policy", resource: "poddisruptionbudgets" });
  // VolumeBinding's listers
  startInformer(ctx.client, fx, PVCS, { group: "", resource: "persistentvolumeclaims" });
  startInformer(ctx.client, fx, PVS, { group: "", resource: "persistentvolumes" });
  startInformer(ctx.client, fx, CLASSES, { group: "storage.k8s.io", resource: "storageclasses" });
  // InterPodAffinity's namespace lister: a term's namespaceSelector selects namespaces by their labels
  startInformer(ctx.client, fx, NAMESPACES, { group: "", resource: "namespaces" });
  // PodTopologySpread's listers (setListers): DefaultSelector reads the Services selecting a pod and its controller
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services" });
  startInformer(ctx.client, fx, RCS, { group: "", resource: "replicationcontrollers" });
  startInformer(ctx.client, fx, RSS, { group: "apps", resource: "replicasets" });
  startInformer(ctx.client, fx, SSS, { group: "apps", resource: "statefulsets" });
  fx.after("flushUnschedulable", 30_000, { type: "FlushUnschedulablePods" }, true);
  // the events.k8s.io/v1 broadcaster's two loops (StartRecordingToSink)
  fx.after("finishEventSeries", FINISH_TIME_MS, { type: "FinishEventSeries" }, true);
  fx.after("refreshEventSeries", REFRESH_TIME_MS, { type: "RefreshEventSeries" }, true);
}

/** Every 6 minutes: event series quiet for 6 minutes get their last count written. */
export function finishSeries(ctx: SchedulerContext, now: number, fx: Fx): void {
  finishEventSeries(ctx.client, fx, now);
  fx.after("finishEventSeries", FINISH_TIME_MS, { type: "FinishEventSeries" }, true);
}

/** Every 30 minutes: every event series gets its count written. */
export function refreshSeries(ctx: SchedulerContext, fx: Fx): void {
  refreshEventSeries(ctx.client, fx);
  fx.after("refreshEventSeries", REFRESH_TIME_MS, { type: "RefreshEventSeries" }, true);
}

export function isCacheSynced(ctx: SchedulerContext): boolean {
  return informersSynced(ctx.client);
}


const isMine = (p: Pod) => (p.spec?.schedulerName ?? schedulerName) === schedulerName;
const isTerminated = (p: Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

function rebuildNode(ctx: SchedulerContext, node: string): void {
  const ni = ctx.nodeInfos.get(node);
  if (!ni) return;
  setNodeInfo(ctx, node, newNodeInfo(ni.node, [...(ctx.podsByNode.get(node)?.values() ?? [])]));
}

/** Replaces a node's NodeInfo (adding the node when it is new; known: the caller read its NodeInfo); the snapshot catches up at the next cycle. */
function setNodeInfo(ctx: SchedulerContext, node: string, ni: NodeInfo, known = false): void {
  if (!known && !ctx.nodeInfos.has(node)) {
    ctx.slot = ctx.slot.set(node, ctx.nodeOrder.size);
    ctx.nodeOrder = ctx.nodeOrder.push(node);
  }
  ctx.nodeInfos = ctx.nodeInfos.set(node, ni);
  if (ctx.snapshot !== undefined) ctx.staleNodes = ctx.staleNodes.add(node);
}

/** The summary with one node's NodeInfo replaced (old undefined: the node is new); s is not changed. */
function summaryReplacing(s: SnapshotSummary, old: NodeInfo | undefined, ni: NodeInfo): SnapshotSummary {
  const next: SnapshotSummary = { imageNumNodes: s.imageNumNodes, nodesWithAffinityPods: s.nodesWithAffinityPods, nodesWithRequiredAntiAffinityPods: s.nodesWithRequiredAntiAffinityPods };
  // The same node object means the same images (a NodeInfo's image sizes derive from its node alone).
  if (old === undefined || (old.imageSizes !== ni.imageSizes && old.node !== ni.node)) {
    next.imageNumNodes = new Map(s.imageNumNodes);
    if (old !== undefined) summarizeImages(next, old, -1);
    summarizeImages(next, ni, 1);
  }
  if (old !== undefined) summarizeAffinity(next, old, -1);
  summarizeAffinity(next, ni, 1);
  const same = next.imageNumNodes === s.imageNumNodes && next.nodesWithAffinityPods === s.nodesWithAffinityPods && next.nodesWithRequiredAntiAffinityPods === s.nodesWithRequiredAntiAffinityPods;
  return same ? s : next;
}

/**
 * The snapshot, brought up to date with the cache as kube-scheduler's UpdateSnapshot does once
 * per cycle: only the NodeInfos that changed since the last cycle are replaced, and the summary
 * with them. Taken whole the first time (and after a node was deleted).
 */
export function updateSnapshot(ctx: SchedulerContext): CacheSnapshot {
  const snap = ctx.snapshot;
  if (snap !== undefined && ctx.staleNodes.size === 0) return snap;
  let next: CacheSnapshot;
  if (snap === undefined) {
    const infos = ctx.nodeOrder.toArray().map((n) => ctx.nodeInfos.get(n)!);
    next = new CacheSnapshot(infos, summarizeSnapshot(infos));
  } else {
    const infos = snap.infos.slice();
    let summary = snap.summary;
    for (const node of ctx.staleNodes) {
      const i = ctx.slot.get(node)!;
      if (i >= snap.infos.length) continue;
      const ni = ctx.nodeInfos.get(node)!;
      summary = summaryReplacing(summary, infos[i], ni);
      infos[i] = ni;
    }
    // nodes added since, in their order
    for (let i = snap.infos.length; i < ctx.nodeOrder.size; i++) {
      const ni = ctx.nodeInfos.get(ctx.nodeOrder.get(i)!)!;
      summary = summaryReplacing(summary, undefined, ni);
      infos.push(ni);
    }
    next = new CacheSnapshot(infos, summary);
  }
  ctx.snapshot = next;
  ctx.staleNodes = ISet();
  return next;
}

/** Forgets the snapshot: the next cycle takes a new one. */
function dropSnapshot(ctx: SchedulerContext): void {
  ctx.snapshot = undefined;
  if (ctx.staleNodes.size > 0) ctx.staleNodes = ISet();
}

// NodeInfo derives allocatable and image sizes from the node; the fields it copies (name, cordon,
// taints) are refreshed by setNode; everything else is read from the node itself.
/**
 * What a node's add or update is to the queue (nodeSchedulingPropertiesChange): a heartbeat that
 * changed no condition's status is no event at all.
 */
export function nodeEvents(old: Node | undefined, cur: Node): Q.ClusterEvent[] {
  if (old === undefined) return ["NodeAdd"];
  const out: Q.ClusterEvent[] = [];
  if (!deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {})) out.push("NodeLabel");
  if (!deepEqual(old.spec?.taints ?? [], cur.spec?.taints ?? []) || !!old.spec?.unschedulable !== !!cur.spec?.unschedulable) out.push("NodeTaint");
  if (!deepEqual(old.status?.allocatable ?? {}, cur.status?.allocatable ?? {})) out.push("NodeAllocatable");
  if (!deepEqual(conditionStatuses(old), conditionStatuses(cur))) out.push("NodeCondition");
  if (!deepEqual(old.metadata?.annotations ?? {}, cur.metadata?.annotations ?? {})) out.push("NodeAnnotation");
  return out;
}

/** nodeConditionsChanged compares each condition's status by type, nothing else. */
function conditionStatuses(n: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of n.status?.conditions ?? []) out[c.type] = c.status;
  return out;
}

/** The plugins whose Filter or PreFilter rejected the pod on some node (the diagnosis' UnschedulablePlugins). */
function unschedulablePlugins(d: Diagnosis): string[] {
  const out = new Set<string>();
  for (const s of d.nodeToStatus.values()) if ("plugin" in s) out.add(s.plugin);
  return [...out].sort();
}

function sameNodeInfoInputs(a: Node, b: Node): boolean {
  return deepEqual(a.status?.allocatable, b.status?.allocatable) && deepEqual(a.status?.images, b.status?.images);
}

// A pod's share of a NodeInfo (requests, host ports, affinity lists) depends only on its spec.
function sameNodeInfoShare(a: Pod, b: Pod): boolean {
  return deepEqual(a.spec, b.spec);
}

/** from: the scheduling cycle that chose the node, when the pod is being assumed (see addPodToNodeInfo). */
function bindPodToCache(ctx: SchedulerContext, key: string, pod: Pod, node: string, from?: { cycle: CycleState; pod: Pod }): void {
  const pods = ctx.podsByNode.get(node) ?? OrderedMap<string, Pod>();
  const prev = pods.get(key);
  ctx.podsByNode = ctx.podsByNode.set(node, pods.set(key, pod));
  const ni = ctx.nodeInfos.get(node);
  if (!ni) return;
  // Incremental, as NodeInfo.AddPod / UpdatePod: a new pod is added; a pod whose spec is unchanged
  // (the informer confirming an assumed pod) replaces its old object; anything else rebuilds the node.
  if (prev === undefined && !isTerminatedPod(pod)) {
    setNodeInfo(ctx, node, withPod(ni, pod, from), true);
    return;
  }
  if (prev !== undefined && !hasAffinity(prev) && !hasAffinity(pod) && sameNodeInfoShare(prev, pod)) {
    const i = ni.pods.indexOf(prev);
    if (i >= 0) {
      const next = copyNodeInfo(ni);
      next.pods[i] = pod;
      setNodeInfo(ctx, node, next, true);
      return;
    }
  }
  rebuildNode(ctx, node);
}

function hasAffinity(p: Pod): boolean {
  const a = p.spec?.affinity;
  return a?.podAffinity !== undefined || a?.podAntiAffinity !== undefined;
}

function isTerminatedPod(p: Pod): boolean {
  return p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
}

function unbindPodFromCache(ctx: SchedulerContext, key: string, node: string): void {
  const pods = ctx.podsByNode.get(node);
  if (pods === undefined || !pods.has(key)) return;
  ctx.podsByNode = ctx.podsByNode.set(node, pods.delete(key));
  rebuildNode(ctx, node);
}

/** Applies one informer delta to the cache and the queue. */
export function applyDelta(ctx: SchedulerContext, watchId: number, d: InformerDelta, now: number): void {
  // A delta's objects may be read from a drafted store: the cache keeps them, so they must be plain.
  const object = currentOf(d.object);
  if (watchId === NODES) {
    const name = object.metadata.name;
    if (d.type === "DELETED") {
      const gone = ctx.nodeInfos.get(name)?.node ?? object;
      ctx.nodeInfos = ctx.nodeInfos.delete(name);
      ctx.nodeOrder = ctx.nodeOrder.filter((n) => n !== name);
      ctx.slot = IMap(ctx.nodeOrder.toArray().map((n, i) => [n, i]));
      dropSnapshot(ctx);
      Q.moveAllToActiveOrBackoff(ctx.queue, now, ["NodeDelete"], { node: { old: gone } });
    } else {
      const cur = ctx.nodeInfos.get(name);
      // A heartbeat changes conditions, not what NodeInfo derives from the node: only the node object is replaced.
      const events = nodeEvents(cur?.node, object);
      if (cur !== undefined && sameNodeInfoInputs(cur.node, object)) setNodeInfo(ctx, name, withNode(cur, object));
      else setNodeInfo(ctx, name, newNodeInfo(object, [...(ctx.podsByNode.get(name)?.values() ?? [])]));
      // a node added, or changed in what scheduling reads, may make unschedulable pods fit
      Q.moveAllToActiveOrBackoff(ctx.queue, now, events, { node: { old: cur?.node, cur: object } });
    }
    return;
  }
  if (watchId === PVCS || watchId === PVS || watchId === CLASSES) {
    // a claim bound or a volume made may let pods whose claims could not bind fit now
    Q.moveAllToActiveOrBackoff(ctx.queue, now, ["Volume"]);
    return;
  }
  if (watchId !== PODS) return;
  const pod: Pod = object;
  const key = objectKey(pod);
  const node = pod.spec?.nodeName;
  if (d.type === "DELETED" || isTerminated(pod) || node) ctx.nominations = ctx.nominations.delete(key);
  // A nomination the pod's status states; one made in memory is kept until the status says otherwise.
  else if (pod.status?.nominatedNodeName) ctx.nominations = ctx.nominations.set(key, pod.status.nominatedNodeName);
  if (d.type === "DELETED" || isTerminated(pod)) {
    const was = Q.assumedNode(ctx.queue, key) ?? d.old?.spec?.nodeName ?? node;
    if (was) unbindPodFromCache(ctx, key, was);
    Q.remove(ctx.queue, key);
    // a pod leaving frees room (or a term it matched): unschedulable pods may fit now
    if (was) Q.moveAllToActiveOrBackoff(ctx.queue, now, ["AssignedPodDelete"], { pod: { old: pod } });
    return;
  }
  if (node) {
    // bound: the informer confirms an assumed pod, or learns of a pod someone else bound
    Q.remove(ctx.queue, key);
    const oldNode = d.old?.spec?.nodeName;
    if (oldNode && oldNode !== node) unbindPodFromCache(ctx, key, oldNode);
    bindPodToCache(ctx, key, pod, node);
    // the assigned-pod handler's add (first seen bound) or label update: a pod waiting on affinity
    // to it, or on a spread its labels count in, may fit now
    if (d.type === "ADDED" || !oldNode) Q.moveAllToActiveOrBackoff(ctx.queue, now, ["AssignedPodAdd"], { pod: { cur: pod } });
    else if (!deepEqual(d.old?.metadata?.labels ?? {}, pod.metadata?.labels ?? {})) Q.moveAllToActiveOrBackoff(ctx.queue, now, ["AssignedPodLabel"], { pod: { old: d.old, cur: pod } });
    return;
  }
  if (!isMine(pod) || Q.assumedNode(ctx.queue, key) !== undefined) return;
  if (pod.metadata?.deletionTimestamp) {
    Q.remove(ctx.queue, key);
    return;
  }
  if (d.type === "ADDED") Q.add(ctx.queue, key, pod, now);
  else Q.update(ctx.queue, key, pod, now);
}

/** Handles a watch event from any informer. */
export function onWatch(ctx: SchedulerContext, ev: WatchEvent & { now: number }, fx: Fx): void {
  const d = onWatchEvent(ctx.client, fx, ev);
  if (d && d !== "relisted") applyDelta(ctx, ev.watchId, d, ev.now);
  if (ev.watchId === PVCS) releaseVolumeWaits(ctx, fx);
  queueCycle(ctx, fx, ev.now);
}

/** Asks ourselves to run one scheduling cycle, unless one is already on its way; arms the back-off flush. */
export function queueCycle(ctx: SchedulerContext, fx: Fx, now?: number): void {
  if (now !== undefined) armBackoffFlush(ctx, now, fx);
  if (ctx.cycleQueued || !Q.hasActive(ctx.queue) || !isCacheSynced(ctx)) return;
  ctx.cycleQueued = true;
  fx.send("scheduler", { type: "ScheduleNext" });
}

/**
 * A list brings thousands of objects at once: the deltas are applied to the cache's keyed
 * collections as in-place changes to copies of their own (immutable.js asMutable: the
 * collections the context held are not changed), which are values again afterwards, with the same
 * contents the one-by-one changes give.
 */
function applyListed(ctx: SchedulerContext, watchId: number, deltas: readonly InformerDelta[], now: number): void {
  ctx.nodeInfos = ctx.nodeInfos.asMutable();
  ctx.nodeOrder = ctx.nodeOrder.asMutable();
  ctx.slot = ctx.slot.asMutable();
  ctx.podsByNode = ctx.podsByNode.asMutable();
  ctx.queue.known = ctx.queue.known.asMutable();
  for (const d of deltas) applyDelta(ctx, watchId, d, now);
  ctx.nodeInfos = ctx.nodeInfos.asImmutable();
  ctx.nodeOrder = ctx.nodeOrder.asImmutable();
  ctx.slot = ctx.slot.asImmutable();
  ctx.podsByNode = ctx.podsByNode.asImmutable();
  ctx.queue.known = ctx.queue.known.asImmutable();
}

/** Handles an API response: list results, bindings, status patches. */
export function onResponse(ctx: SchedulerContext, res: ApiResponse & { now: number }, fx: Fx): void {
  const p = settleResponse(ctx.client, res);
  if (!p) return;
  if (p.purpose === "event") return eventAnswered(ctx.client, fx, p, res);
  if (p.purpose === "informer-list") {
    const inf = ctx.client.informers.get(p.data);
    if (!inf) return;
    // the reflector backs off and lists again (the Relist timer): a failed list must not leave the cache unsynced for good
    if (!res.ok) return listFailed(ctx.client, fx, inf.watchId);
    applyListed(ctx, inf.watchId, onListed(ctx.client, fx, inf, res.object), res.now);
    // PreBind's wait polls the claim cache (checkBindings), however the cache learnt of the binding: a relist too
    if (inf.watchId === PVCS) releaseVolumeWaits(ctx, fx);
    queueCycle(ctx, fx, res.now);
    return;
  }
  if (p.purpose === "prebind") {
    const { key, node } = p.data as { key: string; node: string };
    // A PreBind write refused (a conflict, the claim gone): the binding cycle fails, the pod is retried.
    if (!res.ok && ctx.volumeWaits?.has(key)) {
      ctx.volumeWaits = ctx.volumeWaits.delete(key);
      if (Q.assumedNode(ctx.queue, key) === node) {
        unbindPodFromCache(ctx, key, node);
        Q.markBindFailed(ctx.queue, key, currentOf(p.data.pod), res.now);
        queueCycle(ctx, fx, res.now);
      }
    }
    return;
  }
  if (p.purpose === "bind") {
    const { key, node } = p.data as { key: string; node: string };
    // the cache and the queue keep the pod: a plain value, not the pending request's draft
    const pod: Pod = currentOf(p.data.pod);
    if (res.ok) {
      if (Q.assumedNode(ctx.queue, key) === node) Q.markBound(ctx.queue, key);
      recordEventV1(ctx.client, fx, pod, undefined, "Normal", "Scheduled", "Binding", `Successfully assigned ${pod.metadata!.namespace}/${pod.metadata!.name} to ${node}`, ctx.reporter, res.now);
      return;
    }
    // the binding failed: forget the assumption, back off, retry
    if (Q.assumedNode(ctx.queue, key) === node) {
      unbindPodFromCache(ctx, key, node);
      if (res.code === 404) Q.remove(ctx.queue, key);
      else {
        Q.markBindFailed(ctx.queue, key, pod, res.now);
        queueCycle(ctx, fx, res.now);
      }
    }
  }
}

/** One scheduling cycle: pop a pod, find a node, assume it there and bind; or record why not. */
export function scheduleOne(ctx: SchedulerContext, now: number, fx: Fx): void {
  ctx.cycleQueued = false;
  const qp = Q.popNext(ctx.queue);
  if (!qp) return;
  const pod = qp.pod;
  const snapshot = updateSnapshot(ctx);
  const infos = snapshot.infos as NodeInfo[];
  // Random draws on a local state, written back once: the cycle's plugins never see a draft.
  let seed = ctx.rng.state;
  const rand = () => {
    const [v, s] = nextRandom(seed);
    seed = s;
    return v;
  };
  const env = volumeEnv(ctx);
  // The node-local plugins' verdicts from earlier cycles over this node list (feasibility.ts).
  const opts = { pdbs: pdbs(ctx), summary: snapshot.summary, nominatedPods: nominatedPods(ctx), verdicts: nodeVerdictsFor(ctx.nodeOrder), namespaceLabels: namespaceLabels(ctx), spreadListers: spreadListers(ctx), ...env };
  // Kept until the pod is assumed: assuming it reuses the requests its plugins computed.
  const state = newCycleState(opts);
  const result = schedulePod(pod, infos, ctx.nextStartIndex, rand, opts as never, state);
  if (seed !== ctx.rng.state) ctx.rng = new Rng(seed);
  ctx.nextStartIndex = result.nextStartIndex;
  if (result.kind === "scheduled") {
    const key = qp.key;
    // assume: the cache counts the pod on the node before the binding is confirmed
    const assumedPod: Pod = { ...pod, spec: { ...pod.spec!, nodeName: result.nodeName } };
    Q.markAssumed(ctx.queue, qp, result.nodeName);
    ctx.nominations = ctx.nominations.delete(key);
    if (!mutant("scheduler.no-assume")) bindPodToCache(ctx, key, assumedPod, result.nodeName, { cycle: state, pod });
    // PreBind (VolumeBinding): the volumes' bindings are written, and the pod waits for the PV
    // controller to bind its claims before the Binding is created.
    const nodeInfo = ctx.nodeInfos.get(result.nodeName);
    const writes = nodeInfo ? VB.prebindWrites(pod, nodeInfo, env) : [];
    if (writes.length > 0 || !VB.claimsBound(pod, env)) {
      for (const w of writes) {
        const req = w.kind === "volume"
          ? { verb: "update" as const, group: "", resource: "persistentvolumes", name: w.pv.metadata!.name, body: w.pv }
          : { verb: "update" as const, group: "", resource: "persistentvolumeclaims", namespace: w.pvc.metadata!.namespace, name: w.pvc.metadata!.name, body: w.pvc };
        request(ctx.client, fx, req, "prebind", { key, pod, node: result.nodeName });
      }
      ctx.volumeWaits = (ctx.volumeWaits ?? IMap()).set(key, { pod, node: result.nodeName });
    } else sendBinding(ctx, fx, key, pod, result.nodeName);
  } else {
    let message = failedSchedulingMessage(result.numAllNodes, result.diagnosis);
    // The nominator's pods reach the victim search too (its what-if snapshots have no summary).
    const pre = result.numAllNodes > 0 ? preempt(pod, infos, result.diagnosis, { pdbs: opts.pdbs, nominatedPods: opts.nominatedPods } as never) : { message: "" };
    let nominated: string | null | undefined;
    if ("nodeName" in pre) {
      nominated = pre.nodeName;
      // AddNominatedPod: the room is reserved now, before the status write reaches the informer.
      ctx.nominations = ctx.nominations.set(qp.key, pre.nodeName);
      for (const v of pre.victims) {
        // prepareCandidate: the victim is marked DisruptionTarget (PreemptionByScheduler) before its DELETE, so a
        // preemptor waits for it (podTerminatingByPreemption) and controllers see why it went.
        const status = victimDisruptionStatus(v, pod, rfc3339(now));
        if (status) request(ctx.client, fx, { verb: "patch", group: "", resource: "pods", subresource: "status", namespace: v.metadata!.namespace, name: v.metadata!.name, patchType: "strategic", body: { status } }, "preempt-victim");
        recordEventV1(ctx.client, fx, v, pod, "Normal", "Preempted", "Preempting", `Preempted by pod ${pod.metadata!.uid} on node ${pre.nodeName}`, ctx.reporter, now);
        request(ctx.client, fx, { verb: "delete", group: "", resource: "pods", namespace: v.metadata!.namespace, name: v.metadata!.name }, "preempt-victim");
      }
    } else {
      if (pre.message) message = `${message} ${pre.message}`;
      // No candidate (NominatingModeOverride with ""): the nomination is cleared; a pod not
      // eligible to preempt now (its victims still terminating) keeps it.
      if (result.numAllNodes > 0 && !("notEligible" in pre && pre.notEligible) && pod.status?.nominatedNodeName) {
        ctx.nominations = ctx.nominations.delete(qp.key);
        nominated = null;
      } else nominated = pod.status?.nominatedNodeName ?? undefined;
    }
    if (result.numAllNodes === 0) message = "no nodes available to schedule pods";
    Q.markUnschedulable(ctx.queue, qp, now, unschedulablePlugins(result.diagnosis));
    recordEventV1(ctx.client, fx, pod, undefined, "Warning", "FailedScheduling", "Scheduling", truncateNote(message), ctx.reporter, now);
    writeUnschedulableStatus(ctx, pod, message, nominated, now, fx);
  }
  queueCycle(ctx, fx, now);
}

/** The Binding of a pod to its node (the DefaultBinder). */
function sendBinding(ctx: SchedulerContext, fx: Fx, key: string, pod: Pod, node: string): void {
  request(ctx.client, fx, {
    verb: "create", group: "", resource: "pods", subresource: "binding", namespace: pod.metadata!.namespace, name: pod.metadata!.name,
    body: { apiVersion: "v1", kind: "Binding", metadata: { name: pod.metadata!.name, namespace: pod.metadata!.namespace, uid: pod.metadata!.uid }, target: { apiVersion: "v1", kind: "Node", name: node } },
  }, "bind", { key, pod, node });
}

/** The namespace labels made from a namespaces store (a value: made once per store). */
const namespaceLabelMaps = new WeakMap<object, NamespaceLabels>();

/** GetNamespaceLabelsSnapshot over the namespace informer's store: each namespace's labels by its name. */
function namespaceLabels(ctx: SchedulerContext): NamespaceLabels | undefined {
  const s = ctx.client.informers.get(NAMESPACES)?.store;
  const namespaces = s === undefined ? undefined : currentOf(s);
  if (namespaces === undefined) return undefined;
  const known = namespaceLabelMaps.get(namespaces);
  if (known !== undefined) return known;
  const labels: NamespaceLabels = new Map([...namespaces.values()].map((ns: any) => [ns.metadata?.name ?? "", ns.metadata?.labels ?? {}]));
  namespaceLabelMaps.set(namespaces, labels);
  return labels;
}

/** The Services of a services store by namespace (a value: made once per store). */
const servicesByNamespace = new WeakMap<object, Map<string, any[]>>();

/**
 * PodTopologySpread's listers over the informers' stores: the Services of a namespace, and a
 * controller by namespace and name (the stores are keyed namespace/name).
 */
function spreadListers(ctx: SchedulerContext): SpreadListers {
  const store = (id: number) => {
    const s = ctx.client.informers.get(id)?.store;
    return s === undefined ? undefined : currentOf(s);
  };
  const services = store(SERVICES);
  let byNs = services === undefined ? undefined : servicesByNamespace.get(services);
  if (services !== undefined && byNs === undefined) {
    byNs = new Map();
    for (const svc of services.values()) {
      const ns = svc.metadata?.namespace ?? "";
      const list = byNs.get(ns);
      if (list) list.push(svc);
      else byNs.set(ns, [svc]);
    }
    servicesByNamespace.set(services, byNs);
  }
  const ids: Record<SelectorOwnerKind, number> = { ReplicationController: RCS, ReplicaSet: RSS, StatefulSet: SSS };
  return {
    services: (ns) => byNs?.get(ns) ?? [],
    controller: (kind, ns, name) => store(ids[kind])?.get(`${ns}/${name}`),
  };
}

/** volumeEnv's answer for the claims store it was made from, with the volumes and classes stores it was made from. */
const volumeEnvs = new WeakMap<object, { pvs: object; classes: object; env: SchedulingEnv }>();

/**
 * What VolumeBinding reads: the claims, volumes and classes in the caches. Stores are values, so
 * the maps made from the same three stores are made once (most cycles change none of them).
 */
function volumeEnv(ctx: SchedulerContext): SchedulingEnv {
  const store = (id: number) => {
    const s = ctx.client.informers.get(id)?.store;
    return s === undefined ? undefined : currentOf(s);
  };
  const claims = store(PVCS);
  const volumes = store(PVS);
  const classes = store(CLASSES);
  const known = claims === undefined ? undefined : volumeEnvs.get(claims);
  if (known !== undefined && known.pvs === volumes && known.classes === classes) return known.env;
  const pvcs = new Map<string, any>([...(claims?.entries() ?? [])]);
  const pvs = new Map<string, any>([...(volumes?.values() ?? [])].map((pv) => [pv.metadata?.name ?? "", pv]));
  const storageClasses = new Map([...(classes?.values() ?? [])].map((sc) => [sc.metadata?.name ?? "", classInfoOf(sc)]));
  const env = { pvcs, pvs, storageClasses };
  if (claims !== undefined && volumes !== undefined && classes !== undefined) volumeEnvs.set(claims, { pvs: volumes, classes, env });
  return env;
}

/** PreBind's wait ends: pods whose claims the PV controller has all bound are bound to their node; pods no longer assumed are forgotten. */
function releaseVolumeWaits(ctx: SchedulerContext, fx: Fx): void {
  if (!ctx.volumeWaits || ctx.volumeWaits.size === 0) return;
  const env = volumeEnv(ctx);
  for (const [key, w] of ctx.volumeWaits) {
    if (Q.assumedNode(ctx.queue, key) !== w.node) {
      ctx.volumeWaits = ctx.volumeWaits.delete(key);
      continue;
    }
    if (!VB.claimsBound(w.pod, env)) continue;
    ctx.volumeWaits = ctx.volumeWaits.delete(key);
    sendBinding(ctx, fx, key, w.pod, w.node);
  }
}

/** NominatedPodsForNode for every node: the pending pods the nominator holds, by node. */
function nominatedPods(ctx: SchedulerContext): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const [key, node] of ctx.nominations) {
    const qp = ctx.queue.known.get(key);
    if (qp === undefined || Q.assumedNode(ctx.queue, key) !== undefined) continue;
    const list = out.get(node);
    if (list) list.push(qp.pod);
    else out.set(node, [qp.pod]);
  }
  return out;
}

/** pdbs' answer per store (a value): the list is made once per version of the store. */
const pdbLists = new WeakMap<object, any[]>();

function pdbs(ctx: SchedulerContext): any[] {
  const store = ctx.client.informers.get(PDBS)?.store;
  if (store === undefined) return [];
  const s = currentOf(store);
  let list = pdbLists.get(s);
  if (list === undefined) pdbLists.set(s, (list = [...s.values()]));
  return list;
}

/** PodScheduled=False with reason Unschedulable, and nominatedNodeName when preemption chose a node. */
function writeUnschedulableStatus(ctx: SchedulerContext, pod: Pod, message: string, nominated: string | null | undefined, now: number, fx: Fx): void {
  const old = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled");
  if (old && old.status === "False" && old.message === message && (pod.status?.nominatedNodeName ?? undefined) === (nominated ?? undefined)) return;
  const condition = {
    type: "PodScheduled",
    status: "False",
    lastProbeTime: null,
    lastTransitionTime: old?.status === "False" ? old.lastTransitionTime : rfc3339(now),
    reason: "Unschedulable",
    message,
  };
  const status: any = { conditions: [condition] };
  // null clears a nomination (a strategic merge patch deletes a field set to null).
  if (nominated !== undefined) status.nominatedNodeName = nominated;
  request(ctx.client, fx, { verb: "patch", group: "", resource: "pods", subresource: "status", namespace: pod.metadata!.namespace, name: pod.metadata!.name, patchType: "strategic", body: { status } }, "status");
}

/** Pods in back-off are pending work: a timer fires when the first back-off ends. */
function armBackoffFlush(ctx: SchedulerContext, now: number, fx: Fx): void {
  const first = Q.firstBackoffEnd(ctx.queue);
  if (first === undefined) return;
  fx.after("flushBackoff", Math.max(0, first - now), { type: "FlushBackoffQ" });
}

/** Pods whose back-off ended go back to activeQ. */
export function flushBackoff(ctx: SchedulerContext, now: number, fx: Fx): void {
  Q.flushBackoffCompleted(ctx.queue, now);
  queueCycle(ctx, fx, now);
}

/** Every 30 seconds: pods unschedulable for 5 minutes try again. */
export function flushUnschedulable(ctx: SchedulerContext, now: number, fx: Fx): void {
  Q.flushUnschedulableLeftover(ctx.queue, now);
  fx.after("flushUnschedulable", 30_000, { type: "FlushUnschedulablePods" }, true);
  queueCycle(ctx, fx, now);
}
