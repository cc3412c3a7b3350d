// kubelet_node_status.go and the node lease controller: register the Node, post its status, renew its Lease.

import type { Fx } from "../common/effects.js";
import { request, startInformer } from "../common/client.js";
import { leaseRenewIntervalMs, nodeConditions, nodeLease, nodeStatusReportFrequencyMs, nodeStatusUpdateFrequencyMs, registrationNode } from "./node.js";
import { podWatchId, type KubeletContext } from "./types.js";

// ---- node registration and heartbeats --------------------------------------------------

/** Starts the kubelet: registers the node, opens the pod informer, starts the heartbeats. */
export function startKubelet(ctx: KubeletContext, fx: Fx): void {
  const node = registrationNode(ctx.given, ctx.index, ctx.podCIDR, ctx.now);
  request(ctx.client, fx, { verb: "create", group: "", resource: "nodes", body: node }, "register-node");
  startInformer(ctx.client, fx, podWatchId, { group: "", resource: "pods", fieldSelector: `spec.nodeName=${ctx.node}` });
  fx.after("lease", 0, { type: "RenewLease" }, true);
  fx.after("node-status", nodeStatusUpdateFrequencyMs, { type: "NodeStatusTick" }, true);
}

/** Posts node status when it changed or nodeStatusReportFrequency passed (here only the latter can). */
export function nodeStatusTick(ctx: KubeletContext, fx: Fx): void {
  fx.after("node-status", nodeStatusUpdateFrequencyMs, { type: "NodeStatusTick" }, true);
  if (!ctx.nodeObj || ctx.nodeStatusInFlight || ctx.now - ctx.nodeStatusPostedAt < nodeStatusReportFrequencyMs) return;
  postNodeStatus(ctx, fx);
}

export function postNodeStatus(ctx: KubeletContext, fx: Fx): void {
  const n = ctx.nodeObj!;
  const body = { ...n, status: { ...n.status, conditions: nodeConditions(ctx.now, n.status?.conditions) } };
  ctx.nodeStatusInFlight = true;
  request(ctx.client, fx, { verb: "update", group: "", resource: "nodes", name: ctx.node, subresource: "status", body }, "node-status");
}

/** Renews (or creates) the node's Lease every 10 s. */
export function renewLease(ctx: KubeletContext, fx: Fx): void {
  fx.after("lease", leaseRenewIntervalMs, { type: "RenewLease" }, true);
  if (ctx.leaseInFlight) return;
  ctx.leaseInFlight = true;
  const base = { group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease" };
  if (!ctx.lease) request(ctx.client, fx, { ...base, verb: "create", body: nodeLease(ctx.node, ctx.now) }, "lease");
  else request(ctx.client, fx, { ...base, verb: "update", name: ctx.node, body: nodeLease(ctx.node, ctx.now, ctx.lease) }, "lease");
}
