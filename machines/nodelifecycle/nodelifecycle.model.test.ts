import type { Store } from "../common/client.js";
import { describe, expect, it } from "vitest";
import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import { nodeLifecycleMachine } from "./nodelifecycle.machine.js";
import { evictionState, nodeHealthState, type NodeLifecycleContext } from "./nodelifecycle.controller.js";
import { rfc3339 } from "../common/time.js";
import { stateName } from "../common/lifecycle.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The cluster around the controller: the API server's lists (ids 1-3: Nodes, Leases, Pods) and
// watches, the kubelet's heartbeats (a node status or a lease renewal), and the monitor, grace and
// eviction timers. The expectations are Kubernetes' rules, written out below, not the controller's logic.
const T0 = 1_700_000_000_000;
/** --node-monitor-grace-period, v1.35's default. */
const GRACE_MS = 50_000;
const input = { token: "node-controller-token" };
const api = (now: number) => ({ from: "apiserver", now });
const heartbeat = (at: number, rv: string, taints?: Taint[]): Node => ({
  apiVersion: "v1", kind: "Node", metadata: { name: "node-1", uid: "node-uid", resourceVersion: rv, creationTimestamp: rfc3339(T0 - 600_000) },
  spec: { podCIDR: "10.244.1.0/24", ...(taints && taints.length ? { taints } : {}) },
  status: { conditions: ["MemoryPressure", "DiskPressure", "PIDPressure"].map((type) => ({ type, status: "False", reason: `KubeletHas${type === "PIDPressure" ? "SufficientPID" : `No${type}`}`, lastHeartbeatTime: rfc3339(at), lastTransitionTime: rfc3339(T0 - 600_000) })).concat([{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: rfc3339(at), lastTransitionTime: rfc3339(T0 - 600_000) }]) as never },
});
const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "node-1", namespace: "kube-node-lease", resourceVersion: "3" }, spec: { holderIdentity: "node-1", leaseDurationSeconds: 40, renewTime: rfc3339(T0) } };
// The DefaultTolerationSeconds admission plugin's 300 s for not-ready and unreachable.
const pod: Pod = {
  apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "pod-uid", resourceVersion: "4" },
  spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx" }], tolerations: ["not-ready", "unreachable"].map((k) => ({ key: `node.kubernetes.io/${k}`, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 })) },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(T0 - 500_000) }] },
};
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...api(T0) });
const lists = [list(1, "NodeList", [heartbeat(T0, "2")]), list(2, "LeaseList", [lease]), list(3, "PodList", [pod])];
const watch = (watchId: number, eventType: string, object: object, now: number) => ({ type: "WatchEvent", watchId, eventType, object, ...api(now) });
// The kubelet went silent at T0; the controller looks at T0+10 s and T0+45 s (within the 50 s grace period) and T0+60 s (past it).
const MONITOR = [T0 + 10_000, T0 + 45_000, T0 + 60_000];
const RECOVERED = T0 + 70_000;

const storeOf = (ctx: NodeLifecycleContext, id: number): Store => ctx.client.informers.get(id)!.store;
const nodeOf = (ctx: NodeLifecycleContext): Node | undefined => storeOf(ctx, 1).get("node-1");
const readyOf = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === "Ready")?.status;

/** What the API server, the kubelet and the controller's timers could deliver next. */
function nextEvents(ctx: NodeLifecycleContext): any[] {
  const out: any[] = lists.filter((l) => ctx.client.pending.has(l.id));
  const node = nodeOf(ctx);
  if (!node) return out;
  const heartbeatAt = Date.parse(node.status!.conditions!.find((c) => c.type === "Ready")!.lastHeartbeatTime!);
  // The runtime fires timers in time order: while the node's grace timer is pending, passes come before its time; once it fired (or the node is Unknown), after.
  const health = ctx.health.get("node-1");
  const where = health ? stateName(health.value) : "";
  // The grace timer comes when the controller booked it (its chart's grace period); the oracle below keeps Kubernetes' 50 s.
  const graceDue = health ? health.context.probeMs + health.context.gracePeriodMs + 1 : Infinity;
  const inTime = (now: number) => (where.endsWith("posting") ? now < graceDue : where.endsWith("silent") || where === "Unknown" ? now >= graceDue : true);
  for (const now of [...MONITOR, RECOVERED + 5_000]) if (now > heartbeatAt && inTime(now)) out.push({ type: "MonitorNodes", from: "node-lifecycle-controller", now });
  if (where.endsWith("posting")) out.push({ type: "NodeHealthTimer", node: "node-1", event: { type: `xstate.after.nodeMonitorGracePeriod.nodeHealth.${stateName(health!.value).split(".")[0]}.posting` }, from: "node-lifecycle-controller", now: graceDue });
  // The kubelet comes back: a fresh Ready heartbeat, taints left as they are for the controller to clear.
  if (readyOf(node) === "Unknown") out.push(watch(1, "MODIFIED", heartbeat(RECOVERED, "30", node.spec?.taints), RECOVERED));
  for (const [key, e] of ctx.evictions) if (e.value === "Scheduled") out.push({ type: "TaintEvictionTimer", key, event: { type: "xstate.after.tolerationSeconds.taintEviction.Scheduled" }, from: "node-lifecycle-controller", now: e.context.atMs });
  for (const p of ctx.client.pending.values()) {
    if (p.purpose === "informer-list") continue;
    const now = p.purpose === "evict" ? T0 + 400_000 : T0 + 60_000;
    // What the informers see of the write (its answer changes nothing: the controller's writes are fire-and-forget).
    if (p.purpose === "node-status") out.push(watch(1, "MODIFIED", { ...p.req.body, metadata: { ...node.metadata, resourceVersion: "20" } }, now));
    else if (p.purpose === "node-taints") out.push(watch(1, "MODIFIED", { ...node, metadata: { ...node.metadata, resourceVersion: "21" }, spec: { ...node.spec, taints: p.req.body.spec.taints ?? undefined } }, now));
    else if (p.purpose === "pod-not-ready") out.push(watch(3, "MODIFIED", { ...p.req.body, metadata: { ...p.req.body.metadata, resourceVersion: "22" } }, now));
    else if (p.purpose === "evict" && storeOf(ctx, 3).has("default/web")) out.push(watch(3, "DELETED", storeOf(ctx, 3).get("default/web"), now));
  }
  return out;
}

const abstract = (ctx: NodeLifecycleContext) => ({
  stores: [...ctx.client.informers.values()].map((i) => [i.watchId, i.synced, [...i.store.keys()].sort()]),
  ready: readyOf(nodeOf(ctx)) ?? null,
  heartbeat: nodeOf(ctx)?.status?.conditions?.find((c) => c.type === "Ready")?.lastHeartbeatTime ?? null,
  taints: (nodeOf(ctx)?.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort(),
  podReady: storeOf(ctx, 3)?.get("default/web")?.status?.conditions?.find((c: any) => c.type === "Ready")?.status ?? null,
  health: nodeHealthState(ctx, "node-1") ?? null,
  evictions: [...ctx.evictions].map(([k, e]) => [k, stateName(e.value), e.context.atMs]),
  // Which kinds of write are outstanding (a pass repeats a write whose watch has not come back).
  pending: [...new Set([...ctx.client.pending.values()].filter((p) => p.purpose !== "event" && p.purpose !== "informer-list").map((p) => p.purpose))].sort(),
});

/** A node's NoExecute taints: only a change of these re-examines its pods. */
const noExecute = (n: Node | undefined) => JSON.stringify((n?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute"));

const requestsOf = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.resource !== "events" && !["list", "watch"].includes(m.verb));

describe("node lifecycle controller machine paths (model-based)", () => {
  const model = modelFor(nodeLifecycleMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition each monitor pass marks a node silent for 50 s Unknown and taints it unreachable, and the pod tolerating 300 s is evicted 300 s after the taint", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const path of paths) {
      let prev: NodeLifecycleContext | undefined;
      replay(nodeLifecycleMachine, input, path, abstract, (ev, ctx: NodeLifecycleContext, emitted) => {
        const reqs = requestsOf(emitted);
        // Before every cache has synced a pass looks at nothing.
        if (ev.type === "MonitorNodes" && ![...prev!.client.informers.values()].every((i) => i.synced)) expect(reqs).toEqual([]);
        else if (ev.type === "MonitorNodes") {
          // Kubernetes' rule: the last sign of life is the later of the Ready heartbeat and the Lease renewal; past 50 s the node is Unknown.
          const node = nodeOf(prev!)!;
          const heartbeat = Date.parse(node.status!.conditions!.find((c) => c.type === "Ready")!.lastHeartbeatTime!);
          const renewed = Date.parse(storeOf(prev!, 2).get("kube-node-lease/node-1")?.spec?.renewTime ?? "1970-01-01T00:00:00Z");
          const silent = ev.now > Math.max(heartbeat, renewed) + GRACE_MS;
          const cached = readyOf(node);
          const status = reqs.find((m) => m.subresource === "status" && m.resource === "nodes");
          if (silent && cached !== "Unknown") {
            seen.add("NodeStatusUnknown");
            for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
              expect(status.body.status.conditions.find((c: any) => c.type === type)).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: rfc3339(ev.now), lastHeartbeatTime: rfc3339(heartbeat) });
            }
          } else expect(status).toBeUndefined();
          // The taints follow Ready: unreachable (NoSchedule, and NoExecute stamped now) while Unknown, none while True.
          const ready = silent ? "Unknown" : cached;
          const tainted = (node.spec?.taints ?? []).length > 0;
          const patch = reqs.find((m) => m.verb === "patch");
          if (ready === "Unknown" && !tainted) {
            expect(patch.body).toEqual({ spec: { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: rfc3339(ev.now) }] } });
          } else if (ready === "True" && tainted) {
            seen.add("untainted");
            expect(patch.body).toEqual({ spec: { taints: null } });
          } else expect(patch).toBeUndefined();
          // Pods of a node that is not Ready are marked not Ready (once).
          const notReady = reqs.filter((m) => m.resource === "pods" && m.subresource === "status");
          const podReady = storeOf(prev!, 3).get("default/web")?.status?.conditions?.find((c: any) => c.type === "Ready")?.status;
          expect(notReady.length).toBe(ready !== "True" && podReady === "True" ? 1 : 0);
        } else if (ev.type === "TaintEvictionTimer" || (ev.type === "WatchEvent" && ev.watchId === 1 && noExecute(nodeOf(prev!)) !== noExecute(nodeOf(ctx)))) {
          // The pod tolerates the unreachable NoExecute taint for 300 s (DefaultTolerationSeconds): due 300 s after the taint's timeAdded.
          const p = storeOf(ctx, 3).get("default/web");
          const taint = (nodeOf(ctx)?.spec?.taints ?? []).find((t) => t.effect === "NoExecute");
          const due = taint && p ? Date.parse(taint.timeAdded!) + 300_000 : undefined;
          const deletes = reqs.filter((m) => m.verb === "delete");
          if (due !== undefined && ev.now >= due && evictionState(prev!, "default/web") !== "Evicting") {
            seen.add("evicted");
            expect(deletes).toEqual([expect.objectContaining({ resource: "pods", namespace: "default", name: "web", body: { preconditions: { uid: "pod-uid" } } })]);
            const mark = reqs.find((m) => m.subresource === "status");
            expect(mark.body.status.conditions).toContainEqual({ type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint", lastTransitionTime: rfc3339(ev.now) });
          } else expect(deletes).toEqual([]);
          // Booked for then, and called off if the taint goes.
          if (due !== undefined && ev.now < due) expect(ctx.evictions.get("default/web")?.context.atMs).toBe(due), seen.add("booked");
          if (due === undefined && ["Scheduled", "Expired"].includes(evictionState(prev!, "default/web") ?? "")) expect(ctx.evictions.has("default/web")).toBe(false), seen.add("cancelled");
        }
        // contexts are values: the next step never changes this one
        prev = ctx;
      });
    }
    expect([...seen].sort()).toEqual(["NodeStatusUnknown", "booked", "cancelled", "evicted", "untainted"]);
  });
});
