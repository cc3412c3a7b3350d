// kubelet_node_status.go and the node lease controller: register the Node, post its status, renew its Lease.

import type { Fx } from "../common/effects.js";
import { request, startInformer } from "../common/client.js";
import type { LifecycleTimer } from "../common/lifecycle.js";
import { nodeConditions, nodeLease, nodeStatusReportFrequencyMs, registrationNode } from "./node.js";
import { heartbeatMachine } from "./heartbeat.machine.js";
import { valueLifecycle } from "./lifecycles.js";
import { podWatchId, type KubeletContext } from "./types.js";

// ---- node registration and heartbeats --------------------------------------------------

/** Starts the kubelet: registers the node, opens the pod informer, starts the heartbeats. */
export function startKubelet(ctx: KubeletContext, fx: Fx): void {
  const node = registrationNode(ctx.given, ctx.index, ctx.podCIDR, ctx.now);
  request(ctx.client, fx, { verb: "create", group: "", resource: "nodes", body: node }, "register-node");
  startInformer(ctx.client, fx, podWatchId, { group: "", resource: "pods", fieldSelector: `spec.nodeName=${ctx.node}` });
  const s = heartbeatLifecycle.start(undefined);
  ctx.heartbeat = s.snapshot;
  scheduleHeartbeat(s, fx);
}

export const heartbeatLifecycle = valueLifecycle(heartbeatMachine);

/** A heartbeat's delay ended: the runtime's clock hands the heartbeat's event back. */
export interface HeartbeatTimerEvent {
  type: "HeartbeatTimer";
  event: { type: string };
}

/** Heartbeats are the steady state of a node: background timers. */
function scheduleHeartbeat(step: { timers: LifecycleTimer[]; cancels: string[] }, fx: Fx): void {
  for (const id of step.cancels) fx.cancel(`heartbeat|${id}`);
  for (const t of step.timers) fx.after(`heartbeat|${t.id}`, t.delayMs, { type: "HeartbeatTimer", event: t.event }, true);
}

/** A heartbeat is due: renew the Lease, or look at the node status. */
export function heartbeatTimer(ctx: KubeletContext, ev: HeartbeatTimerEvent, fx: Fx): void {
  if (!ctx.heartbeat) return;
  const s = heartbeatLifecycle.step(ctx.heartbeat, ev.event as never);
  ctx.heartbeat = s.snapshot;
  scheduleHeartbeat(s, fx);
  for (const o of s.outputs) {
    if (o.type === "RenewLease") renewLease(ctx, fx);
    else if (o.type === "CheckNodeStatus") nodeStatusTick(ctx, fx);
  }
}

/** Posts node status when it changed or nodeStatusReportFrequency passed (here only the latter can). */
export function nodeStatusTick(ctx: KubeletContext, fx: Fx): void {
  if (!ctx.nodeObj || ctx.nodeStatusInFlight || ctx.now - ctx.nodeStatusPostedAt < nodeStatusReportFrequencyMs) return;
  postNodeStatus(ctx, fx);
}

export function postNodeStatus(ctx: KubeletContext, fx: Fx): void {
  const n = ctx.nodeObj!;
  const body = { ...n, status: { ...n.status, conditions: nodeConditions(ctx.now, n.status?.conditions) } };
  ctx.nodeStatusInFlight = true;
  request(ctx.client, fx, { verb: "update", group: "", resource: "nodes", name: ctx.node, subresource: "status", body }, "node-status");
}

/** Renews (or creates) the node's Lease (every 10 s, by the heartbeat). */
export function renewLease(ctx: KubeletContext, fx: Fx): void {
  if (ctx.leaseInFlight) return;
  ctx.leaseInFlight = true;
  const base = { group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease" };
  if (!ctx.lease) request(ctx.client, fx, { ...base, verb: "create", body: nodeLease(ctx.node, ctx.now) }, "lease");
  else request(ctx.client, fx, { ...base, verb: "update", name: ctx.node, body: nodeLease(ctx.node, ctx.now, ctx.lease) }, "lease");
}
