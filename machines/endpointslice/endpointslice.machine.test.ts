import { describe, it, expect } from "vitest";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { finalizePlan, sliceServiceKey, writeError } from "./endpointslice.controller.js";

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default", labels: { tier: "frontend" } },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

function pod(name: string, node: string, ready = true) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: {
      nodeName: node,
      containers: [{ name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: ready ? "http" : 9999 }, periodSeconds: 1 } }],
    },
  };
}

async function webCluster(seed: number): Promise<Cluster> {
  const c = createCluster({ nodes: 2, seed });
  await c.apply([service, pod("web-1", "node-1"), pod("web-2", "node-2", false)]);
  await c.settle();
  c.advance(5_000);
  return c;
}

const slicesOf = (c: Cluster) => c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=web" });

describe("the EndpointSlice controller in a running cluster", () => {
  it("writes one slice labelled with the Service name and manager, owned by the Service, with KEP-1672 conditions", async () => {
    const c = await webCluster(1);
    const slices = slicesOf(c);
    expect(slices).toHaveLength(1);
    const s = slices[0];
    const svc = c.get("Service", "web", "default");
    expect(s.metadata.labels).toEqual({ tier: "frontend", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" });
    expect(s.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(s.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(s.addressType).toBe("IPv4");
    expect(s.ports).toEqual([{ name: "http", port: 80, protocol: "TCP" }]);
    const byPod = Object.fromEntries(s.endpoints.map((e: any) => [e.targetRef.name, e]));
    expect(byPod["web-1"].conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(byPod["web-2"].conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(byPod["web-1"].addresses).toEqual([c.get("Pod", "web-1", "default").status.podIP]);
    expect(byPod["web-1"].nodeName).toBe("node-1");
  });

  it("marks a terminating pod's endpoint not ready, still serving, and terminating", async () => {
    const c = await webCluster(2);
    await c.delete("Pod", "web-1", "default");
    const web1 = () => slicesOf(c)[0]?.endpoints?.find((x: any) => x.targetRef.name === "web-1");
    // The endpoint turns terminating while the kubelet is still stopping the pod.
    c.runtime.runUntil(() => web1()?.conditions.terminating === true, "web-1's endpoint terminating", 60_000);
    expect(c.get("Pod", "web-1", "default")?.metadata.deletionTimestamp).toBeDefined();
    const e = web1();
    expect(e.conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it("keeps one empty placeholder slice once every pod is gone", async () => {
    const c = await webCluster(3);
    await c.delete("Pod", "web-1", "default", { gracePeriodSeconds: 0 });
    await c.delete("Pod", "web-2", "default", { gracePeriodSeconds: 0 });
    await c.settle();
    const slices = slicesOf(c);
    expect(slices).toHaveLength(1);
    expect(slices[0].endpoints ?? []).toEqual([]);
  });
});

const webRule = (c: Cluster, node: string) => c.proxyRules(node).find((r) => r.kind === "ClusterIP" && r.service === "default/web:http")?.backends;

describe("trafficDistribution in a running cluster (trafficdist.ReconcileHints)", () => {
  // Nodes in two zones; the Service prefers close endpoints: each ready endpoint is hinted to its
  // own zone, a not-ready one carries no hint, and taking the preference away takes the hints away.
  it("PreferClose hints each ready endpoint to its zone, kube-proxy keeps traffic in the zone; unset removes every hint", async () => {
    const c = createCluster({ nodes: 2, seed: 4 });
    for (const [node, zone] of [["node-1", "zone-a"], ["node-2", "zone-b"]]) {
      expect(c.requestSync({ verb: "patch", group: "", resource: "nodes", name: node, patchType: "merge", body: { metadata: { labels: { "topology.kubernetes.io/zone": zone } } } }).ok).toBe(true);
    }
    await c.apply([{ ...service, spec: { ...service.spec, trafficDistribution: "PreferClose" } }, pod("web-1", "node-1"), pod("web-2", "node-2", false)]);
    await c.settle();
    c.advance(5_000);
    const byPod = () => Object.fromEntries(slicesOf(c)[0].endpoints.map((e: any) => [e.targetRef.name, e]));
    expect(byPod()["web-1"]).toMatchObject({ zone: "zone-a", hints: { forZones: [{ name: "zone-a" }] } });
    expect(byPod()["web-2"].zone).toBe("zone-b");
    expect(byPod()["web-2"].hints).toBeUndefined();
    // Both endpoints ready: kube-proxy on each node sends the Service's traffic to its own zone only.
    await c.apply(pod("web-3", "node-2"));
    await c.settle();
    c.advance(5_000);
    const ip = (name: string) => `${c.get("Pod", name, "default").status.podIP}:80`;
    expect(webRule(c, "node-1")).toEqual([ip("web-1")]);
    expect(webRule(c, "node-2")).toEqual([ip("web-3")]);
    expect(c.requestSync({ verb: "patch", group: "", resource: "services", namespace: "default", name: "web", patchType: "merge", body: { spec: { trafficDistribution: null } } }).ok).toBe(true);
    await c.settle();
    expect(byPod()["web-1"].hints).toBeUndefined();
    expect(webRule(c, "node-1")).toHaveLength(2);
  });
});

const slice = (name: string, n: number): EndpointSlice => ({
  metadata: { name, namespace: "default", resourceVersion: "7" },
  addressType: "IPv4",
  endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.244.0.${i + 1}`] })),
});
const fresh = (n: number): EndpointSlice => ({ metadata: { generateName: "web-", namespace: "default" }, addressType: "IPv4", endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.244.1.${i + 1}`] })) });

describe("finalizePlan (reconciler.finalize)", () => {
  it.each([
    {
      name: "a delete and a create of one address type become an update of the deleted slice's name",
      changes: { create: [fresh(1)], update: [], delete: [slice("web-aaaaa", 2)] },
      want: [["update", "web-aaaaa", "7"]],
    },
    {
      name: "creates go before updates, and updates before deletes",
      changes: { create: [fresh(1)], update: [slice("web-bbbbb", 1)], delete: [] },
      want: [["create", undefined, undefined], ["update", "web-bbbbb", "7"]],
    },
    {
      name: "a delete with no create to absorb it stays a delete",
      changes: { create: [], update: [], delete: [slice("web-ccccc", 1)] },
      want: [["delete", "web-ccccc", "7"]],
    },
  ])("$name", ({ changes, want }) => {
    const got = finalizePlan(changes, undefined).map((w) => [w.action, w.slice.metadata?.name, w.slice.metadata?.resourceVersion]);
    expect(got).toEqual(want);
  });

  it("stamps creates and updates with the last-change-trigger-time", () => {
    const [w] = finalizePlan({ create: [fresh(1)], update: [], delete: [] }, Date.UTC(2026, 0, 1, 0, 0, 5));
    expect(w!.slice.metadata?.annotations).toEqual({ "endpoints.kubernetes.io/last-change-trigger-time": "2026-01-01T00:00:05Z" });
  });
});

describe("the controller's words", () => {
  it.each([
    { name: "a failed update names the slice and the Service", action: "update" as const, want: 'failed to update web-x7k2p EndpointSlice for Service default/web: Operation cannot be fulfilled on endpointslices.discovery.k8s.io "web-x7k2p": the object has been modified; please apply your changes to the latest version and try again' },
    { name: "a failed create names only the Service", action: "create" as const, want: 'failed to create EndpointSlice for Service default/web: Operation cannot be fulfilled on endpointslices.discovery.k8s.io "web-x7k2p": the object has been modified; please apply your changes to the latest version and try again' },
  ])("$name", ({ action, want }) => {
    const msg = 'Operation cannot be fulfilled on endpointslices.discovery.k8s.io "web-x7k2p": the object has been modified; please apply your changes to the latest version and try again';
    expect(writeError({ action, slice: { metadata: { name: "web-x7k2p" }, addressType: "IPv4", endpoints: [] } }, "default/web", msg)).toBe(want);
  });

  it("queues only slices it manages", () => {
    const labels = { "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" };
    expect(sliceServiceKey({ metadata: { namespace: "default", labels }, addressType: "IPv4", endpoints: [] })).toBe("default/web");
    expect(sliceServiceKey({ metadata: { namespace: "default", labels: { ...labels, "endpointslice.kubernetes.io/managed-by": "someone-else" } }, addressType: "IPv4", endpoints: [] })).toBeUndefined();
  });
});
