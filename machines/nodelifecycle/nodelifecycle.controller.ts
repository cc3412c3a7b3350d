// The node lifecycle and taint eviction controllers' steps (pkg/controller/nodelifecycle,
// pkg/controller/tainteviction): the monitor pass over every node, pods marked not ready, taints
// and the eviction queue. Functions over the machine's context; the decisions are in
// nodelifecycle.logic.ts.

import { Map as IMap } from "immutable";
import type { Fx } from "../common/effects.js";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import { informersSynced, newClient, objectKey, recordEvent, request, startInformer, type ClientState, type InformerDelta, type Store } from "../common/client.js";
import { rfc3339 } from "../common/time.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as I from "../common/informer.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepKept, type KeptLifecycle, type LifecycleStep } from "../common/lifecycle.js";
import * as L from "./nodelifecycle.logic.js";
import { nodeHealthMachine, type NodeHealthEvent } from "./nodehealth.machine.js";
import { taintEvictionMachine, type TaintEvictionEvent } from "./tainteviction.machine.js";
import { mutant } from "../common/mutation.js";

/** --node-monitor-period default. */
export const NODE_MONITOR_PERIOD_MS = 5_000;
/** kube-controller-manager's --node-monitor-grace-period: 50 s since v1.32 (it was 40 s). */
export const DEFAULT_GRACE_PERIOD_MS = L.NODE_MONITOR_GRACE_PERIOD_MS;

const NODES = 1;
const LEASES = 2;
const PODS = 3;
const nodeSource = { component: "node-controller" };
const evictionSource = { component: "taint-eviction-controller" };

export interface NodeLifecycleContext {
  self: string;
  client: ClientState;
  gracePeriodMs: number;
  monitorPeriodMs: number;
  /** node name -> its health chart (nodehealth.machine.ts), kept as a value; persistent, as it grows with the cluster */
  health: IMap<string, KeptLifecycle<typeof nodeHealthMachine>>;
  /** pod key -> its taint eviction chart (tainteviction.machine.ts): Scheduled, Expired or Evicting; persistent */
  evictions: IMap<string, KeptLifecycle<typeof taintEvictionMachine>>;
  /** knownNodeSet: the nodes a monitor pass has registered, name -> UID */
  known: IMap<string, string>;
  /** node name -> the newest sign of life seen (the kubelet's Ready heartbeat or Lease renewTime): nodeHealth's saved status and lease */
  signs: IMap<string, number>;
}

export interface NodeLifecycleInput {
  token: string;
  address?: string;
  gracePeriodMs?: number;
  monitorPeriodMs?: number;
}

export type NodeLifecycleEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "MonitorNodes" } & Stamp)
  | ({ type: "NodeHealthTimer"; node: string; event: { type: string } } & Stamp)
  | ({ type: "TaintEvictionTimer"; key: string; event: { type: string } } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller. */
export function initialNodeLifecycle(input: NodeLifecycleInput): NodeLifecycleContext {
  return {
    self: input.address ?? "node-lifecycle-controller", client: newClient(input.token),
    gracePeriodMs: input.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS, monitorPeriodMs: input.monitorPeriodMs ?? NODE_MONITOR_PERIOD_MS,
    health: IMap(), evictions: IMap(), known: IMap(), signs: IMap(),
  };
}

/** Informers on Nodes, node Leases and Pods; the first monitor pass one period from now. */
export function startInformers(ctx: NodeLifecycleContext, fx: Fx): void {
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  startInformer(ctx.client, fx, LEASES, { group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  fx.after("monitor", ctx.monitorPeriodMs, { type: "MonitorNodes" }, true);
}

function store<T>(ctx: NodeLifecycleContext, id: number): Store<T> {
  return ctx.client.informers.get(id)!.store;
}

function podsOn(ctx: NodeLifecycleContext, node: string): Pod[] {
  return [...store<Pod>(ctx, PODS).values()].filter((p) => p.spec?.nodeName === node);
}

const readyOf = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === "Ready")?.status;

// ---- node health charts ------------------------------------------------------------------

const nodeHealth = lifecycleOf(nodeHealthMachine);

/** Moves a node's health chart by one event; its grace timers are background timers (a node's steady state must not keep settle() busy). */
function stepHealth(ctx: NodeLifecycleContext, name: string, event: NodeHealthEvent, fx: Fx): LifecycleStep<typeof nodeHealthMachine> | undefined {
  let kept = ctx.health.get(name);
  if (!kept) {
    if (event.type !== "NodeStatusObserved") return undefined;
    kept = keep(nodeHealth.start({ gracePeriodMs: ctx.gracePeriodMs, startupGracePeriodMs: L.NODE_STARTUP_GRACE_PERIOD_MS }).snapshot);
  }
  const s = stepKept(nodeHealth, kept, event);
  ctx.health = ctx.health.set(name, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `nodehealth/${name}`, s, (e) => ({ type: "NodeHealthTimer", node: name, event: e }), true);
  return s;
}

/** The informers showed a node or its Lease: its chart sees the Ready status and the last sign of life. */
function observeNode(ctx: NodeLifecycleContext, name: string, now: number, fx: Fx): void {
  const node = store<Node>(ctx, NODES).get(name);
  if (!node) {
    ctx.signs = ctx.signs.delete(name);
    return void (ctx.health = ctx.health.delete(name));
  }
  const lease = store<Lease>(ctx, LEASES).get(`kube-node-lease/${name}`);
  const ready = L.readyStatusOf(node);
  const sign = L.probeTimeOf(node, lease);
  const seen = ctx.signs.get(name);
  // tryUpdateNodeHealth: the probe timestamp is the controller's own clock when it sees a newer
  // heartbeat or Lease renewal (a renewal long in transit still restarts the grace period); for a node
  // first seen, now, or its creation if it never posted and has no Lease.
  const probeMs = seen === undefined ? (ready === undefined && !lease ? sign : now) : sign > seen ? now : (ctx.health.get(name)?.context.probeMs ?? now);
  ctx.signs = ctx.signs.set(name, seen === undefined ? sign : Math.max(seen, sign));
  stepHealth(ctx, name, { type: "NodeStatusObserved", ready, probeMs, now }, fx);
}

/** A node's grace period ended: its chart turns silent (the next monitor pass marks it Unknown). */
export function onNodeHealthTimer(ctx: NodeLifecycleContext, node: string, event: { type: string }, fx: Fx): void {
  if (ctx.health.has(node)) stepHealth(ctx, node, event as NodeHealthEvent, fx);
}

/** Where a node's health chart is: "Ready.posting", "Unknown" ... (undefined for a node not seen). */
export function nodeHealthState(ctx: NodeLifecycleContext, node: string): string | undefined {
  const kept = ctx.health.get(node);
  return kept && stateName(kept.value);
}

/** One monitorNodeHealth pass: conditions, pod readiness, taints; then the next pass is booked. */
export function monitorNodes(ctx: NodeLifecycleContext, now: number, fx: Fx): void {
  if (informersSynced(ctx.client)) {
    classifyNodes(ctx, now, fx);
    for (const node of store<Node>(ctx, NODES).values()) monitorNode(ctx, node, now, fx);
  }
  fx.after("monitor", ctx.monitorPeriodMs, { type: "MonitorNodes" }, true);
}

/** classifyNodes: a node new to the controller is registered, one gone is removed, each with an event on the node. */
function classifyNodes(ctx: NodeLifecycleContext, now: number, fx: Fx): void {
  const nodes = store<Node>(ctx, NODES);
  for (const node of nodes.values()) {
    const name = node.metadata?.name ?? "";
    if (ctx.known.has(name)) continue;
    ctx.known = ctx.known.set(name, node.metadata?.uid ?? "");
    nodeEvent(ctx, name, node.metadata?.uid ?? "", "RegisteredNode", `Registered Node ${name} in Controller`, now, fx);
  }
  for (const [name, uid] of ctx.known) {
    if (nodes.has(name)) continue;
    ctx.known = ctx.known.delete(name);
    nodeEvent(ctx, name, uid, "RemovingNode", `Removing Node ${name} from Controller`, now, fx);
  }
}

// controllerutil.RecordNodeEvent: "Node <name> event: <what>" on a reference to the node by name and UID.
function nodeEvent(ctx: NodeLifecycleContext, name: string, uid: string, reason: string, what: string, now: number, fx: Fx): void {
  recordEvent(ctx.client, fx, { kind: "Node", apiVersion: "v1", metadata: { name, uid } }, "Normal", reason, `Node ${name} event: ${what}`, nodeSource, now);
}

function monitorNode(ctx: NodeLifecycleContext, node: Node, now: number, fx: Fx): void {
  const name = node.metadata?.name ?? "";
  const lease = store<Lease>(ctx, LEASES).get(`kube-node-lease/${name}`);
  // The chart says whether the grace period is over: a silent node turns Unknown on this pass.
  stepHealth(ctx, name, { type: "MonitorNodeHealth", now }, fx);
  const stale = nodeHealthState(ctx, name) === "Unknown";
  const h = L.nodeHealth(node, lease, now, { gracePeriodMs: ctx.gracePeriodMs, stale });
  if (h.changed) {
    request(ctx.client, fx, { verb: "update", group: "", resource: "nodes", subresource: "status", name, body: { ...node, status: { ...node.status, conditions: h.conditions } } }, "node-status");
    if (readyOf(node) === "True") recordEvent(ctx.client, fx, node, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`, nodeSource, now);
  }
  const ready = h.conditions.find((c) => c.type === "Ready")?.status;
  if (ready !== undefined && ready !== "True") markPodsNotReady(ctx, name, now, fx);
  if (h.taintsToAdd.length || h.taintsToRemove.length) {
    const gone = (t: { key: string; effect: string }) => h.taintsToRemove.some((r) => r.key === t.key && r.effect === t.effect);
    const taints = [...(node.spec?.taints ?? []).filter((t) => !gone(t)), ...h.taintsToAdd];
    request(ctx.client, fx, { verb: "patch", group: "", resource: "nodes", name, patchType: "merge", body: { spec: { taints: taints.length ? taints : null } } }, "node-taints");
  }
}

/** MarkPodsNotReady: the pods of a node that stopped reporting are not Ready any more (endpoints drop them). */
function markPodsNotReady(ctx: NodeLifecycleContext, node: string, now: number, fx: Fx): void {
  for (const pod of podsOn(ctx, node)) {
    const conds = pod.status?.conditions ?? [];
    if (!conds.some((c) => c.type === "Ready" && c.status !== "False")) continue;
    const conditions = conds.map((c) => (c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: mutant("nodelifecycle.not-ready-keeps-transition-time") ? c.lastTransitionTime : rfc3339(now) } : c));
    request(ctx.client, fx, { verb: "update", group: "", resource: "pods", subresource: "status", namespace: pod.metadata?.namespace, name: pod.metadata?.name, body: { ...pod, status: { ...pod.status, conditions } } }, "pod-not-ready");
    recordEvent(ctx.client, fx, pod, "Warning", "NodeNotReady", "Node is not ready", nodeSource, now);
  }
}

// ---- taint eviction ----------------------------------------------------------------------

const taintEviction = lifecycleOf(taintEvictionMachine);

/** Where a pod's taint eviction chart is: "Scheduled", "Expired", "Evicting" (undefined when none). */
export function evictionState(ctx: NodeLifecycleContext, key: string): string | undefined {
  const kept = ctx.evictions.get(key);
  return kept && stateName(kept.value);
}

/** Moves a pod's eviction chart (booking it Scheduled when it has none); a finished chart is dropped. */
function stepEviction(ctx: NodeLifecycleContext, key: string, event: TaintEvictionEvent, fx: Fx): void {
  const kept = ctx.evictions.get(key);
  let s: LifecycleStep<typeof taintEvictionMachine>;
  if (kept) s = stepKept(taintEviction, kept, event);
  else if (event.type === "Reschedule") s = taintEviction.start({ atMs: event.atMs, nowMs: event.now });
  // Evicted at once: the chart starts in Evicting, no timer booked.
  else if (event.type === "Evict") s = { snapshot: taintEvictionMachine.resolveState({ value: "Evicting", context: { atMs: 0, nowMs: 0 } }), outputs: [], timers: [], cancels: [] };
  else return;
  if (s.snapshot.status === "done") ctx.evictions = ctx.evictions.delete(key);
  else ctx.evictions = ctx.evictions.set(key, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `evict/${key}`, s, (e) => ({ type: "TaintEvictionTimer", key, event: e }), true);
}

/** processPodOnNode: schedule, run or cancel the eviction of one pod under its node's NoExecute taints. */
export function processPod(ctx: NodeLifecycleContext, pod: Pod, now: number, fx: Fx): void {
  const key = objectKey(pod);
  const nodeName = pod.spec?.nodeName;
  const node = nodeName ? store<Node>(ctx, NODES).get(nodeName) : undefined;
  const finished = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
  const dec = node && !finished && !pod.metadata?.deletionTimestamp ? L.evictionFor(pod, node.spec?.taints ?? [], now) : { kind: "none" as const };
  const state = evictionState(ctx, key);
  if (dec.kind === "now") return evict(ctx, pod, now, fx);
  if (dec.kind === "at") {
    // A booked eviction is kept: it was created no later than now, so it fires no later (CreatedAt + tolerationSeconds).
    if (state === "Evicting" || state === "Scheduled") return;
    return stepEviction(ctx, key, { type: "Reschedule", atMs: dec.atMs!, now }, fx);
  }
  if (state !== "Scheduled" && state !== "Expired") return;
  stepEviction(ctx, key, { type: "Cancel" }, fx);
  // Only a booked deletion called off before its time is announced.
  if (state === "Scheduled" && !pod.metadata?.deletionTimestamp) recordEvent(ctx.client, fx, pod, "Normal", "TaintManagerEviction", L.cancelEvictionEvent(pod).message, evictionSource, now);
}

/** Marks the pod DisruptionTarget and deletes it, with the TaintManagerEviction event first. */
function evict(ctx: NodeLifecycleContext, pod: Pod, now: number, fx: Fx): void {
  const key = objectKey(pod);
  if (evictionState(ctx, key) === "Evicting") return;
  stepEviction(ctx, key, { type: "Evict" }, fx);
  const dec = L.evictionFor(pod, [{ key: L.TaintNodeUnreachable, effect: "NoExecute" }], now, now);
  recordEvent(ctx.client, fx, pod, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`, evictionSource, now);
  const ns = pod.metadata?.namespace;
  // utilpod.PatchPodStatus: a strategic merge patch of the condition alone (conditions merge by
  // type) with the uid as precondition, so a stale cached status never overwrites the kubelet's.
  const patch = { metadata: { uid: pod.metadata?.uid }, status: { conditions: [{ ...dec.podCondition!, lastTransitionTime: rfc3339(now) }] } };
  request(ctx.client, fx, { verb: "patch", group: "", resource: "pods", subresource: "status", namespace: ns, name: pod.metadata?.name, patchType: "strategic", body: patch }, "disruption-target");
  request(ctx.client, fx, { verb: "delete", group: "", resource: "pods", namespace: ns, name: pod.metadata?.name, body: { preconditions: { uid: pod.metadata?.uid } } }, "evict");
}

/**
 * A pod's tolerationSeconds ran out: its chart expires and the pod is deleted, as the timed
 * worker's deletePodHandler does, without looking at the taints again (had they gone, the booking
 * would have been cancelled).
 */
export function onTaintEvictionTimer(ctx: NodeLifecycleContext, key: string, event: { type: string }, now: number, fx: Fx): void {
  if (!ctx.evictions.has(key)) return;
  stepEviction(ctx, key, event as TaintEvictionEvent, fx);
  const pod = store<Pod>(ctx, PODS).get(key);
  if (pod && !pod.metadata?.deletionTimestamp) evict(ctx, pod, now, fx);
  else ctx.evictions = ctx.evictions.delete(key);
}

/** Routes deltas: node taint changes re-examine the node's pods; pod changes re-examine the pod. */
export function onDelta(ctx: NodeLifecycleContext, watchId: number, d: InformerDelta, now: number, fx: Fx): void {
  if (!informersSynced(ctx.client)) return;
  if (watchId === LEASES) return observeNode(ctx, d.object.metadata?.name ?? "", now, fx);
  if (watchId === NODES) {
    observeNode(ctx, d.object.metadata?.name ?? "", now, fx);
    if (d.type === "DELETED") return;
    const noExec = (n: Node | undefined) => JSON.stringify((n?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute"));
    if (d.type === "MODIFIED" && noExec(d.old) === noExec(d.object)) return;
    for (const pod of podsOn(ctx, d.object.metadata.name)) processPod(ctx, pod, now, fx);
    return;
  }
  if (watchId !== PODS) return;
  const key = objectKey(d.object);
  if (d.type === "DELETED") {
    // A booked deletion's timer goes with it.
    if (ctx.evictions.has(key)) stepEviction(ctx, key, { type: "Cancel" }, fx);
    ctx.evictions = ctx.evictions.delete(key);
    return;
  }
  if (d.object.spec?.nodeName) processPod(ctx, d.object, now, fx);
}

function onSynced(ctx: NodeLifecycleContext, now: number, fx: Fx): void {
  for (const name of store<Node>(ctx, NODES).keys()) observeNode(ctx, name, now, fx);
  for (const pod of store<Pod>(ctx, PODS).values()) if (pod.spec?.nodeName) processPod(ctx, pod, now, fx);
}

/** Handles an API response: informer lists; writes are fire-and-forget (the next pass retries). */
export function onResponse(ctx: NodeLifecycleContext, res: ApiResponse & Stamp, fx: Fx): void {
  const wasSynced = informersSynced(ctx.client);
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d, res.now, fx));
  // A refused deletion is tried again on the pod's next look.
  if (p?.purpose === "evict" && !res.ok && res.code !== 404) ctx.evictions = ctx.evictions.delete(objectKey({ metadata: { namespace: p.req.namespace, name: p.req.name } }));
  if (!wasSynced && informersSynced(ctx.client)) onSynced(ctx, res.now, fx);
}

/** Handles a watch event from any informer. */
export function onWatch(ctx: NodeLifecycleContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d, ev.now, fx));
}
