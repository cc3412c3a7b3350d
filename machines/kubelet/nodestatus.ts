// kubelet_node_status.go and the node lease controller: register the Node, post its status, renew its Lease.

import type { Fx } from "../common/effects.js";
import { recordEvent, request, startInformer } from "../common/client.js";
import type { LifecycleTimer } from "../common/lifecycle.js";
import type { Node, NodeCondition } from "kubernetes-types/core/v1";
import type { ApiResponse } from "../messages.js";
import { nodeConditionEvents, nodeLease, nodeStatus, nodeStatusHasChanged, registrationNode } from "./node.js";
import { heartbeatMachine, type HeartbeatEvent } from "./heartbeat.machine.js";
import { valueLifecycle } from "./lifecycles.js";
import { startServiceInformer } from "./serviceenv.js";
import { nodeWatchId, podWatchId, type KubeletContext } from "./types.js";
import { networkErrors } from "./runtimestate.js";
import { hostIPsOf } from "./hostnetwork.js";

// ---- node registration and heartbeats --------------------------------------------------

/** Starts the kubelet: registers the node, opens the pod and node informers, starts the heartbeats. */
export function startKubelet(ctx: KubeletContext, fx: Fx): void {
  const node = registrationNode(ctx.given, ctx.index, ctx.podCIDR, ctx.now, networkErrors(ctx), ctx.podCIDRv6);
  request(ctx.client, fx, { verb: "create", group: "", resource: "nodes", body: node }, "register-node");
  // The recorder sends its events from its own goroutine, after the registration it does not hold up:
  // BirthCry, the setters' events for the node registered, the container manager's.
  nodeEvent(ctx, "Starting", "Starting kubelet.", fx);
  recordConditionEvents(ctx, undefined, node.status?.conditions ?? [], fx);
  nodeEvent(ctx, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods", fx);
  startInformer(ctx.client, fx, podWatchId, { group: "", resource: "pods", fieldSelector: `spec.nodeName=${ctx.node}` });
  startInformer(ctx.client, fx, nodeWatchId, { group: "", resource: "nodes", fieldSelector: `metadata.name=${ctx.node}` });
  startServiceInformer(ctx, fx);
  const s = heartbeatLifecycle.start(undefined);
  ctx.heartbeat = s.snapshot;
  takeHeartbeatStep(ctx, s, fx);
}

export const heartbeatLifecycle = valueLifecycle(heartbeatMachine);

// The kubelet's node reference names the node by its name, UID included (kl.nodeRef); the events go to "default".
function nodeEvent(ctx: KubeletContext, reason: string, message: string, fx: Fx): void {
  const involved = { kind: "Node", metadata: { name: ctx.node, uid: ctx.node } };
  recordEvent(ctx.client, fx, involved, "Normal", reason, message, { component: "kubelet", host: ctx.node }, ctx.now);
}

/** recordNodeStatusEvent for each condition the setters changed. */
function recordConditionEvents(ctx: KubeletContext, prior: readonly NodeCondition[] | undefined, next: readonly NodeCondition[], fx: Fx): void {
  for (const reason of nodeConditionEvents(prior, next)) nodeEvent(ctx, reason, `Node ${ctx.node} status is now: ${reason}`, fx);
}

/** A heartbeat's delay ended: the runtime's clock hands the heartbeat's event back. */
export interface HeartbeatTimerEvent {
  type: "HeartbeatTimer";
  event: { type: string };
}

/** A heartbeat is due: renew the Lease, or sync the node status. */
export function heartbeatTimer(ctx: KubeletContext, ev: HeartbeatTimerEvent, fx: Fx): void {
  stepHeartbeat(ctx, ev.event as never, fx);
}

function stepHeartbeat(ctx: KubeletContext, event: HeartbeatEvent, fx: Fx): void {
  if (!ctx.heartbeat) return;
  const s = heartbeatLifecycle.step(ctx.heartbeat, event);
  ctx.heartbeat = s.snapshot;
  takeHeartbeatStep(ctx, s, fx);
}

/** Heartbeats are the steady state of a node: background timers; the chart's outputs become requests. */
function takeHeartbeatStep(ctx: KubeletContext, step: { timers: LifecycleTimer[]; cancels: string[]; outputs: Array<{ type: string }> }, fx: Fx): void {
  for (const id of step.cancels) fx.cancel(`heartbeat|${id}`);
  for (const t of step.timers) fx.after(`heartbeat|${t.id}`, t.delayMs, { type: "HeartbeatTimer", event: t.event }, true);
  for (const o of step.outputs) {
    if (o.type === "RenewLease") renewLease(ctx, fx);
    else if (o.type === "SyncNodeStatus") syncNodeStatus(ctx, fx);
    else if (o.type === "PatchNodeStatus") postNodeStatus(ctx, nodeToSync(ctx)!, fx);
  }
}

function nodeStatusStep(ctx: KubeletContext): string | undefined {
  return (ctx.heartbeat?.value as { heartbeating?: { nodeStatus?: string } } | undefined)?.heartbeating?.nodeStatus;
}

/** The Node tryUpdateNodeStatus starts from: the node informer's copy, else the last one the API server answered with. */
export function nodeToSync(ctx: KubeletContext): Node | undefined {
  return ctx.client.informers.get(nodeWatchId)?.store.get(ctx.node) ?? ctx.nodeObj;
}

/**
 * tryUpdateNodeStatus: computes the Node's status from the informer's copy and tells the chart
 * whether it changed; the chart decides to patch. A status write still in flight (registration's,
 * or a conflict's retry) holds syncNodeStatusMux: the sync runs when it is answered.
 */
export function syncNodeStatus(ctx: KubeletContext, fx: Fx): void {
  if (ctx.nodeStatusInFlight) return;
  const original = nodeToSync(ctx);
  if (!original) return stepHeartbeat(ctx, { type: "NodeGetFailed" }, fx);
  const status = nodeStatus(ctx.given, ctx.index, ctx.now, original.status, networkErrors(ctx), hostIPsOf(ctx));
  recordConditionEvents(ctx, original.status?.conditions, status.conditions ?? [], fx);
  const changed = nodeStatusHasChanged(original.status, status);
  stepHeartbeat(ctx, { type: "NodeStatusComputed", changed, sinceReportMs: ctx.now - ctx.nodeStatusPostedAt }, fx);
}

/** Writes nodes/<node>/status: `original` with the status the kubelet's setters give it now. */
export function postNodeStatus(ctx: KubeletContext, original: Node, fx: Fx): void {
  const body = { ...original, status: nodeStatus(ctx.given, ctx.index, ctx.now, original.status, networkErrors(ctx), hostIPsOf(ctx)) };
  ctx.nodeStatusInFlight = true;
  request(ctx.client, fx, { verb: "update", group: "", resource: "nodes", name: ctx.node, subresource: "status", body }, "node-status");
}

/** Reads the Node from the API server (a registration that found it there, or a write that conflicted); the status write waits for it. */
export function getNode(ctx: KubeletContext, fx: Fx): void {
  ctx.nodeStatusInFlight = true;
  request(ctx.client, fx, { verb: "get", group: "", resource: "nodes", name: ctx.node }, "node-get");
}

/** The status write was answered: kept on success; a conflict reads the Node again and writes once more. */
export function onNodeStatusWritten(ctx: KubeletContext, res: ApiResponse, fx: Fx): void {
  ctx.nodeStatusInFlight = false;
  if (res.ok) {
    ctx.nodeObj = res.object;
    ctx.nodeStatusPostedAt = ctx.now;
  } else if (res.code === 409) return getNode(ctx, fx);
  nodeStatusWriteEnded(ctx, fx);
}

/** The Node as the API server has it: the status is computed from it and written. */
export function onNodeGot(ctx: KubeletContext, res: ApiResponse, fx: Fx): void {
  ctx.nodeStatusInFlight = false;
  if (!res.ok) return nodeStatusWriteEnded(ctx, fx);
  ctx.nodeObj = res.object;
  postNodeStatus(ctx, res.object, fx);
}

/** The chart's patch is over; a sync that waited for the write runs now. */
function nodeStatusWriteEnded(ctx: KubeletContext, fx: Fx): void {
  if (nodeStatusStep(ctx) === "patching") stepHeartbeat(ctx, { type: "NodeStatusPatched" }, fx);
  else if (nodeStatusStep(ctx) === "syncing") syncNodeStatus(ctx, fx);
}

/** Renews (or creates) the node's Lease (every 10 s, by the heartbeat). */
export function renewLease(ctx: KubeletContext, fx: Fx): void {
  if (ctx.leaseInFlight) return;
  ctx.leaseInFlight = true;
  const base = { group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease" };
  if (!ctx.lease) request(ctx.client, fx, { ...base, verb: "create", body: nodeLease(ctx.node, ctx.now) }, "lease");
  else request(ctx.client, fx, { ...base, verb: "update", name: ctx.node, body: nodeLease(ctx.node, ctx.now, ctx.lease) }, "lease");
}
