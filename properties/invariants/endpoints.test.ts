import { beforeEach, describe, it, expect } from "vitest";
import { List } from "immutable";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { endpointSliceReadinessJudge, endpointsJudge, endpointsOnlyReadyMatchingPods } from "./endpoints.js";

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

function pod(name: string, node: string, probePort: string | number = "http") {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: probePort }, periodSeconds: 1 } }] },
  };
}

/** Checks the invariant after every delivered message; returns the first violations seen. */
function watch(c: Cluster): string[][] {
  const seen: string[][] = [];
  const judge = endpointsJudge(c);
  c.runtime.observers.push(() => {
    if (seen.length > 0) return;
    const v = judge.judge();
    if (v.length > 0) seen.push(v);
  });
  return seen;
}

describe("invariant: Endpoints list only Ready pods that match the Service selector, at their resolved ports", () => {
  it.each([1, 2, 3])("holds at every step of a create, relabel and delete run (seed %i)", async (seed) => {
    const c = createCluster({ nodes: 2, seed });
    const seen = watch(c);
    await c.apply([service, pod("web-1", "node-1"), pod("web-2", "node-2"), pod("web-3", "node-1", 9999)]);
    await c.settle();
    c.advance(5_000);
    await c.apply({ ...pod("web-2", "node-2"), metadata: { name: "web-2", namespace: "default", labels: { app: "moved" } } });
    await c.delete("Pod", "web-1", "default");
    await c.settle();
    c.advance(40_000);
    await c.delete("Service", "web", "default");
    await c.settle();
    expect(seen).toEqual([]);
    expect(c.runtime.delivered).toBeGreaterThan(100);
  });

  it("reports an Endpoints that lists a pod that is not Ready", async () => {
    const c = createCluster({ nodes: 1, seed: 9 });
    await c.apply([service, pod("web-1", "node-1", 9999)]);
    await c.settle();
    c.advance(3_000);
    const p = c.get("Pod", "web-1", "default");
    const ep = c.get("Endpoints", "web", "default");
    // Forge what a buggy controller would write: the unready pod among the ready addresses.
    const forged = { ...ep, subsets: [{ addresses: ep.subsets[0].notReadyAddresses, ports: ep.subsets[0].ports }] };
    expect(c.requestSync({ verb: "update", group: "", resource: "endpoints", namespace: "default", name: "web", body: forged }).ok).toBe(true);
    expect(endpointsOnlyReadyMatchingPods(c)).toEqual([`Endpoints default/web lists ${p.status.podIP} (pod default/web-1) as ready, but the pod is not Ready`]);
  });

  it("reports a ready address at a port the pod does not resolve to", async () => {
    const c = createCluster({ nodes: 1, seed: 10 });
    await c.apply([service, pod("web-1", "node-1")]);
    await c.settle();
    c.advance(3_000);
    const ep = c.get("Endpoints", "web", "default");
    const forged = { ...ep, subsets: [{ ...ep.subsets[0], ports: [{ name: "http", port: 8080, protocol: "TCP" }] }] };
    expect(c.requestSync({ verb: "update", group: "", resource: "endpoints", namespace: "default", name: "web", body: forged }).ok).toBe(true);
    expect(endpointsOnlyReadyMatchingPods(c)[0]).toMatch(/resolves port "http" to 80, not 8080$/);
  });
});

describe("invariant endpointsOnlyReadyMatchingPods remembers what compaction trims", () => {
  // A watch cache by hand: the judge reads only its history, its objects by kind and Endpoints.
  let cache: { revision: number; history: List<any>; byKind: Map<string, Map<string, any>> };
  beforeEach(() => {
    cache = { revision: 1, history: List(), byKind: new Map() };
  });
  const fake = { runtime: { snapshot: () => ({ context: { cache } }) }, list: (k: string) => [...(cache.byKind.get(k)?.values() ?? [])] } as unknown as Cluster;
  const store = (obj: any) => {
    const revision = ++cache.revision;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
    const key = `${obj.kind}/${obj.metadata.name}`;
    const kind = cache.byKind.get(obj.kind) ?? new Map();
    cache.byKind.set(obj.kind, kind);
    cache.history = cache.history.push({ revision, kind: obj.kind, obj: stored, prev: kind.get(key) });
    kind.set(key, stored);
  };
  const compact = () => (cache.history = cache.history.slice(cache.history.size - 1));
  const ready = (name: string, uid: string, status: "True" | "False") => ({
    kind: "Pod",
    metadata: { name, namespace: "default", uid, labels: { app: "web" } },
    spec: { containers: [{ name: "nginx", ports: [{ name: "http", containerPort: 80 }] }] },
    status: { phase: "Running", podIP: `10.244.0.${uid}`, conditions: [{ type: "Ready", status }] },
  });
  const endpoints = (pod: any) => ({
    kind: "Endpoints",
    metadata: { name: "web", namespace: "default", labels: { "endpoints.kubernetes.io/managed-by": "endpoint-controller" } },
    subsets: [{ addresses: [{ ip: pod.status.podIP, targetRef: { kind: "Pod", namespace: "default", name: pod.metadata.name, uid: pod.metadata.uid } }], ports: [{ name: "http", port: 80, protocol: "TCP" }] }],
  });

  it("accepts a ready address a stale cache justified, after the justifying version left the history", () => {
    const judge = endpointsJudge(fake);
    store(service);
    store(ready("web-1", "1", "True"));
    expect(judge.judge()).toEqual([]);
    // the pod turns unready; the controller, still on the Ready version, writes it as ready
    store(ready("web-1", "1", "False"));
    judge.read();
    store(endpoints(ready("web-1", "1", "True")));
    compact();
    expect(judge.judge()).toEqual([]);
    // a judge without that memory sees only the unready version and cannot tell
    expect(endpointsOnlyReadyMatchingPods(fake)).toEqual([]);
  });

  it("still reports a ready address no stored version justified, across a compaction", () => {
    const judge = endpointsJudge(fake);
    judge.judge();
    store(service);
    store(ready("web-2", "2", "False"));
    judge.read();
    store(endpoints(ready("web-2", "2", "False")));
    compact();
    expect(judge.judge()).toEqual(["Endpoints default/web lists 10.244.0.2 (pod default/web-2) as ready, but the pod is not Ready"]);
  });
});

describe("invariant endpointSliceReadyOnlyWhenPodReady", () => {
  it.each([1, 2])("holds at every step of a create and delete run with a pod that never turns Ready (seed %i)", async (seed) => {
    const c = createCluster({ nodes: 2, seed });
    const judge = endpointSliceReadinessJudge(c);
    const seen: string[] = [];
    c.runtime.observers.push(() => void seen.push(...judge.judge()));
    await c.apply([service, pod("web-1", "node-1"), pod("web-2", "node-2"), pod("web-3", "node-1", 9999)]);
    await c.settle();
    c.advance(5_000);
    await c.delete("Pod", "web-1", "default");
    await c.settle();
    c.advance(40_000);
    await c.delete("Service", "web", "default");
    await c.settle();
    expect(seen).toEqual([]);
    await c.stop();
  });

  it("reports an endpoint published ready for a pod whose readiness probe never passed", async () => {
    const c = createCluster({ nodes: 1, seed: 9 });
    await c.apply([service, pod("web-1", "node-1", 9999)]);
    await c.settle();
    c.advance(3_000);
    const p = c.get("Pod", "web-1", "default");
    const [slice] = c.list("EndpointSlice", { namespace: "default" }).filter((s: any) => s.metadata.labels?.["kubernetes.io/service-name"] === "web");
    expect(slice.endpoints[0].conditions.ready).toBe(false);
    // Forge what a buggy controller would write: the unready pod's endpoint ready and serving. The
    // real controller hears of nothing meanwhile, or it would put the slice right before the judge looks.
    (c.runtime as any).sendHook = (_from: string, to: string) => to === "endpointslice-controller";
    const forged = { ...slice, endpoints: [{ ...slice.endpoints[0], conditions: { ready: true, serving: true, terminating: false } }] };
    expect(c.requestSync({ verb: "update", group: "discovery.k8s.io", resource: "endpointslices", namespace: "default", name: slice.metadata.name, body: forged }).ok).toBe(true);
    expect(endpointSliceReadinessJudge(c).judge()).toEqual([`EndpointSlice default/${slice.metadata.name} of Service default/web lists ${p.status.podIP} (pod default/web-1) as ready, but no version of the pod stored before it was Ready and not terminating`]);
    await c.stop();
  });
});
