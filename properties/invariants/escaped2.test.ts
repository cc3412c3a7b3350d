// The invariants of the second round of escaped mutants: each holds at every step of an ordinary
// run (a crash-looping pod, a StatefulSet and a DaemonSet beside a tainted node, scaling, graceful
// deletes, a Lease written by someone else), and each reports what Kubernetes forbids, forged in the
// messages or the world it reads. Expectations come from Kubernetes' behaviour (409 then a fresh
// renewal, CheckGracefulDelete's grace period, a 10 s back-off), not from the code under test.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariantNames, type InvariantSpec, type Violation } from "./index.js";
import { generationBumpedOnSpecChange } from "./api.js";
import { nodeLeaseRenewedWhileAnswered, podRemovedOnlyAfterContainersStopped } from "./node.js";
import { containerRestartBacksOff } from "./pods.js";
import { daemonSetPodsOnlyOnToleratingNodes } from "./daemonset.js";
import { exampleObjects } from "../run.js";

const daemonSetSpec: InvariantSpec = {
  name: "daemonSetPodsOnlyOnToleratingNodes",
  description: "",
  create: (rt) => ({ step: () => daemonSetPodsOnlyOnToleratingNodes({ list: (k) => [...(rt.snapshot("apiserver")?.context?.cache?.byKind.get(k)?.values() ?? [])] }) }),
};

const round: InvariantSpec[] = [nodeLeaseRenewedWhileAnswered, podRemovedOnlyAfterContainersStopped, containerRestartBacksOff, generationBumpedOnSpecChange, daemonSetSpec];

function check(c: Cluster, specs: readonly InvariantSpec[]): Violation[] {
  const checker = new InvariantChecker(c.runtime, specs);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return seen;
}

/** Delivers a forged message to the invariants' hooks only (the cluster never sees it). */
function forge(c: Cluster, from: string, to: string, msg: any): void {
  for (const h of c.runtime.deliveryHooks) h(from, to, msg);
}

const sleeper = (name: string, extra: any = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }], ...extra } });

describe("the second round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(round.map((s) => s.name)));
  });

  it("hold on an ordinary run: a crash loop, a StatefulSet, a DaemonSet beside a tainted node, scaling, graceful deletes, a Lease annotated by an admin", async () => {
    const c = createCluster({ nodes: 2, seed: 3 });
    const seen = check(c, round);
    const node = c.get("Node", "node-2");
    expect(c.requestSync({ verb: "update", group: "", resource: "nodes", name: "node-2", body: { ...node, spec: { ...node.spec, taints: [{ key: "example.com/dedicated", value: "infra", effect: "NoSchedule" }] } } }).ok).toBe(true);
    await c.apply(exampleObjects("statefulset"));
    await c.apply(exampleObjects("crashloop"));
    await c.apply([{ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", namespace: "default" }, spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] } } } }]);
    await c.apply([sleeper("slow", { terminationGracePeriodSeconds: 5 })]);
    await c.settle();
    c.advance(60_000);
    expect(c.requestSync({ verb: "patch", group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "node-1", patchType: "merge", body: { metadata: { annotations: { "example.com/audited": "yes" } } } }).ok).toBe(true);
    expect(c.requestSync({ verb: "patch", group: "apps", resource: "statefulsets", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas: 1 } } }).ok).toBe(true);
    c.advance(120_000);
    await c.delete("Pod", "slow", "default");
    c.advance(30_000);
    expect(c.get("Pod", "slow", "default")).toBeUndefined();
    expect(c.get("StatefulSet", "web", "default").metadata.generation).toBe(2);
    const loop = c.list("Pod").find((p: any) => (p.status?.containerStatuses ?? []).some((s: any) => s.restartCount >= 2));
    expect(loop).toBeDefined();
    expect(c.list("Pod").filter((p: any) => p.metadata.labels?.app === "agent").map((p: any) => p.spec.nodeName ?? p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0])).toEqual(["node-1"]);
    expect(seen).toEqual([]);
  }, 60_000);

  it("nodeLeaseRenewedWhileAnswered: a kubelet refused 409 Conflict on every renewal for more than 40 s", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const seen = check(c, [nodeLeaseRenewedWhileAnswered]);
    await c.settle();
    // the kubelet's own renewals stopped: only the forged writes and answers below are seen
    c.runtime.crash("kubelet/node-1");
    for (let i = 0; i < 6; i++) {
      c.advance(10_000);
      forge(c, "kubelet/node-1", "apiserver", { type: "ApiRequest", id: 900 + i, verb: "update", group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "node-1" });
      forge(c, "apiserver", "kubelet/node-1", { type: "ApiResponse", id: 900 + i, ok: false, code: 409, status: { reason: "Conflict" } });
    }
    // the next step reports it
    c.advance(10_000);
    expect(seen.map((v) => v.invariant)).toEqual(["nodeLeaseRenewedWhileAnswered"]);
  }, 30_000);

  it("nodeLeaseRenewedWhileAnswered: one conflict, then a renewal from the latest Lease, is no violation", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const seen = check(c, [nodeLeaseRenewedWhileAnswered]);
    await c.settle();
    for (let i = 0; i < 8; i++) {
      c.advance(10_000);
      forge(c, "kubelet/node-1", "apiserver", { type: "ApiRequest", id: 900 + i, verb: "update", group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "node-1" });
      forge(c, "apiserver", "kubelet/node-1", i % 2 === 0 ? { type: "ApiResponse", id: 900 + i, ok: false, code: 409, status: { reason: "Conflict" } } : { type: "ApiResponse", id: 900 + i, ok: true, code: 200, object: {} });
    }
    c.advance(1);
    expect(seen).toEqual([]);
  }, 30_000);

  it("podRemovedOnlyAfterContainersStopped: a running pod removed at once by a DELETE that asked no grace period", async () => {
    const c = createCluster({ nodes: 1, seed: 2 });
    const seen = check(c, [podRemovedOnlyAfterContainersStopped]);
    await c.apply([sleeper("web", { terminationGracePeriodSeconds: 30 })]);
    await c.settle();
    // what a registry that takes an absent gracePeriodSeconds for 0 would write: the object gone at once
    const p = c.get("Pod", "web", "default");
    expect(p.status.phase).toBe("Running");
    c.runtime.send("kubelet/node-1", "apiserver", { type: "ApiRequest", id: 31337, token: c.adminToken, verb: "delete", group: "", resource: "pods", namespace: "default", name: "web", gracePeriodSeconds: 0 });
    await c.settle();
    expect(seen.map((v) => v.invariant)).toContain("podRemovedOnlyAfterContainersStopped");
  }, 30_000);
});
