// nodeMarkedUnknownOnlyPastGracePeriod: the node lifecycle controller marks a node's Ready condition
// Unknown ("Kubelet stopped posting node status") only once it has had no sign of life from the
// node for --node-monitor-grace-period (50 s; 40 s before v1.32). A renewal of the node's Lease in
// kube-node-lease is such a sign (tryUpdateNodeHealth: "Always update the probe time if node lease
// is renewed"), and it is the kubelet's only one while its status does not change (the status is
// reported every 5 minutes then). Judged at the controller's status write that turns Ready Unknown
// (one for a stale resourceVersion is refused and marks nothing), against the newest renewTime of
// the node's Lease delivered to the controller by then (what it could have known), with the older
// 40 s grace as the bound.

import type { InvariantSpec } from "./index.js";
import { watching } from "./observe.js";

/** The actor that runs the node lifecycle controller. */
const controller = "node-lifecycle-controller";
/** The shortest --node-monitor-grace-period default Kubernetes has had (40 s; 50 s since v1.32). */
const graceMs = 40_000;

const readyOf = (node: any) => (node?.status?.conditions ?? []).find((c: any) => c?.type === "Ready")?.status;

export const nodeMarkedUnknownOnlyPastGracePeriod: InvariantSpec = watching(
  "nodeMarkedUnknownOnlyPastGracePeriod",
  "the node lifecycle controller marks a node Unknown only when its Lease (as delivered to the controller) was last renewed at least the node monitor grace period ago",
  ({ rt, report }) => {
    /** node name -> the newest Lease renewTime (ms) delivered to the controller */
    const renewed = new Map<string, number>();
    const learn = (o: any) => {
      if (o?.metadata?.namespace !== "kube-node-lease" || typeof o?.spec?.renewTime !== "string") return;
      const t = Date.parse(o.spec.renewTime);
      const name = o.metadata.name;
      if (Number.isFinite(t) && t > (renewed.get(name) ?? -Infinity)) renewed.set(name, t);
    };
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && to === controller) {
        if (msg.type === "WatchEvent") learn(msg.object);
        else if (msg.type === "ApiResponse" && msg.ok && Array.isArray(msg.object?.items)) for (const o of msg.object.items) learn(o);
        return;
      }
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.resource !== "nodes" || msg.subresource !== "status") return;
      if (readyOf(msg.body) !== "Unknown") return;
      const name = msg.name ?? msg.body?.metadata?.name;
      const stored = rt.snapshot("apiserver")?.context?.cache?.byKind.get("Node");
      const before = stored ? [...stored.values()].find((n: any) => n.metadata?.name === name) : undefined;
      if (readyOf(before) === "Unknown") return;
      // an update for a version of the node that is no longer stored is refused (a Conflict): it marks nothing
      const rv = msg.body?.metadata?.resourceVersion;
      if (typeof rv === "string" && rv !== "" && rv !== before?.metadata?.resourceVersion) return;
      const last = renewed.get(name);
      if (last !== undefined && rt.now - last < graceMs) report(`${controller} marked node ${name} Ready=Unknown ${Math.round((rt.now - last) / 1000)} s after a renewal of its Lease it had been delivered (the grace period is at least ${graceMs / 1000} s)`);
    });
    return undefined;
  },
);
