import { describe, it, expect } from "vitest";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { reconcileSlices, newEndpointSlice } from "./endpointslice.logic.js";

function pod(i: number, opts: { ready?: boolean; deleting?: boolean; node?: string } = {}): Pod {
  const ip = `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`;
  return {
    metadata: { name: `pod${i}`, namespace: "default", uid: `uid-${i}`, labels: { app: "web" }, ...(opts.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: { nodeName: opts.node ?? "node-1", containers: [{ name: "c", ports: [{ name: "http", containerPort: 8080 }] }] },
    status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
  };
}
const pods = (n: number) => Array.from({ length: n }, (_, i) => pod(i));
const svc: Service = {
  metadata: { name: "web", namespace: "default", uid: "svc-uid", labels: { team: "a" } },
  spec: { selector: { app: "web" }, clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] },
};
const nodes: Node[] = [{ metadata: { name: "node-1", labels: { "topology.kubernetes.io/zone": "zone-a" } } }];

/** Names the slices the way the API server would, so they can be fed back as "existing". */
function persist(slices: EndpointSlice[], prefix = "web-"): EndpointSlice[] {
  return slices.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `${prefix}${i}` } }));
}

describe("reconcileSlices (reconciler_test)", () => {
  it("creates one slice for one pod with conditions, zone, nodeName and targetRef (TestReconcile1Pod)", () => {
    const r = reconcileSlices(svc, [pod(0)], [], { nodes });
    expect(r.update).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.create).toEqual([
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          generateName: "web-",
          namespace: "default",
          labels: { team: "a", "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" },
          ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "web", uid: "svc-uid", controller: true, blockOwnerDeletion: true }],
        },
        addressType: "IPv4",
        endpoints: [
          {
            addresses: ["10.244.0.2"],
            conditions: { ready: true, serving: true, terminating: false },
            targetRef: { kind: "Pod", namespace: "default", name: "pod0", uid: "uid-0" },
            nodeName: "node-1",
            zone: "zone-a",
          },
        ],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      },
    ]);
  });

  it.each([
    { name: "a ready pod is ready and serving", p: pod(0), want: { ready: true, serving: true, terminating: false } },
    { name: "a not-ready pod is neither ready nor serving", p: pod(0, { ready: false }), want: { ready: false, serving: false, terminating: false } },
    { name: "a ready terminating pod is serving and terminating but not ready", p: pod(0, { deleting: true }), want: { ready: false, serving: true, terminating: true } },
    { name: "a not-ready terminating pod is only terminating", p: pod(0, { ready: false, deleting: true }), want: { ready: false, serving: false, terminating: true } },
  ])("$name", ({ p, want }) => {
    const r = reconcileSlices(svc, [p], []);
    expect(r.create[0]?.endpoints[0]?.conditions).toEqual(want);
  });

  // podToEndpoint: ready = publishNotReadyAddresses || (serving && !terminating); serving stays IsPodReady
  it.each([
    { name: "under publishNotReadyAddresses a not-ready pod is ready, not serving", p: pod(0, { ready: false }), want: { ready: true, serving: false, terminating: false } },
    { name: "under publishNotReadyAddresses a ready terminating pod is ready, serving and terminating", p: pod(0, { deleting: true }), want: { ready: true, serving: true, terminating: true } },
    { name: "under publishNotReadyAddresses a not-ready terminating pod is ready and terminating", p: pod(0, { ready: false, deleting: true }), want: { ready: true, serving: false, terminating: true } },
  ])("$name", ({ p, want }) => {
    const published: Service = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
    expect(reconcileSlices(published, [p], []).create[0]?.endpoints[0]?.conditions).toEqual(want);
  });

  it("splits 250 pods into slices of 100, 100 and 50 (TestReconcileManyPods)", () => {
    const r = reconcileSlices(svc, pods(250), []);
    expect(r.create.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
  });

  it("makes no changes when the existing slices already match", () => {
    const existing = persist(reconcileSlices(svc, pods(3), [], { nodes }).create);
    expect(reconcileSlices(svc, pods(3), existing, { nodes })).toEqual({ create: [], update: [], delete: [] });
  });

  it("fills an existing slice before creating a new one", () => {
    const existing = persist(reconcileSlices(svc, pods(30), []).create);
    const r = reconcileSlices(svc, pods(40), existing);
    expect(r.create).toEqual([]);
    expect(r.update.map((s) => [s.metadata?.name, s.endpoints.length])).toEqual([["web-0", 40]]);
  });

  it("puts new endpoints into a slice that is already being updated, fullest first", () => {
    const existing = persist(reconcileSlices(svc, pods(150), []).create); // 100 + 50
    // Remove pod 120 (in the 50-slice) and add 10 new pods: the 50-slice is updated and topped up.
    const desired = [...pods(160)].filter((p) => p.metadata?.name !== "pod120");
    const r = reconcileSlices(svc, desired, existing);
    expect(r.create).toEqual([]);
    expect(r.update.map((s) => [s.metadata?.name, s.endpoints.length])).toEqual([["web-1", 59]]);
  });

  it("deletes a slice whose endpoints are all gone and keeps the others", () => {
    const existing = persist(reconcileSlices(svc, pods(150), []).create);
    const r = reconcileSlices(svc, pods(100), existing);
    expect(r.delete.map((s) => s.metadata?.name)).toEqual(["web-1"]);
    expect(r.update).toEqual([]);
  });

  it("updates a slice when an endpoint's readiness changes", () => {
    const existing = persist(reconcileSlices(svc, [pod(0)], []).create);
    const r = reconcileSlices(svc, [pod(0, { ready: false })], existing);
    expect(r.update[0]?.endpoints[0]?.conditions?.ready).toBe(false);
  });

  it("creates an empty placeholder slice when the Service selects no pods", () => {
    const r = reconcileSlices(svc, [], []);
    expect(r.create).toEqual([{ ...newEndpointSlice(svc, []), endpoints: [], ports: [] }]);
  });

  it("keeps an existing placeholder instead of deleting and recreating it", () => {
    const existing = persist(reconcileSlices(svc, [], []).create);
    expect(reconcileSlices(svc, [], existing)).toEqual({ create: [], update: [], delete: [] });
  });

  it("replaces the placeholder once pods appear", () => {
    const existing = persist(reconcileSlices(svc, [], []).create);
    const r = reconcileSlices(svc, [pod(0)], existing);
    expect(r.create.length).toBe(1);
    expect(r.delete.map((s) => s.metadata?.name)).toEqual(["web-0"]);
  });

  it("ignores slices another controller manages", () => {
    const foreign = persist(reconcileSlices(svc, [pod(0)], []).create, "x-").map((s) => ({
      ...s,
      metadata: { ...s.metadata, labels: { ...s.metadata?.labels, "endpointslice.kubernetes.io/managed-by": "someone-else" } },
    }));
    const r = reconcileSlices(svc, [pod(0)], foreign);
    expect(r.delete).toEqual([]);
    expect(r.create.length).toBe(1);
  });

  it("leaves Services without a selector alone", () => {
    expect(reconcileSlices({ ...svc, spec: { ...svc.spec, selector: undefined } }, [pod(0)], [])).toEqual({ create: [], update: [], delete: [] });
  });

  it("labels the slices of a headless Service", () => {
    const r = reconcileSlices({ ...svc, spec: { ...svc.spec, clusterIP: "None" } }, [pod(0)], []);
    expect(r.create[0]?.metadata?.labels?.["service.kubernetes.io/headless"]).toBe("");
  });
});

// Over one node store, a Service's sync reuses the parts of the pods it saw at the same place in
// its last sync: every step must still answer as the reconciler does for those pods and zones.
describe("reconcileSlices over a run of syncs of one Service", () => {
  const zoned = (zone: string): Map<string, Node> => new Map([["node-1", { metadata: { name: "node-1", labels: { "topology.kubernetes.io/zone": zone } } }]]);
  const opts = (store: Map<string, Node>) => ({ nodeNamed: (n: string) => store.get(n), nodeStore: store });
  const seen = (s: EndpointSlice) => s.endpoints.map((e) => `${e.targetRef!.name}:${e.conditions!.ready}:${e.zone}`);
  it("follows replaced pods, the same list again, and a zone that changed under the same pods", () => {
    const service: Service = { ...svc };
    const storeA = zoned("zone-a");
    let list = [pod(0), pod(1), pod(2, { ready: false }), pod(3)];
    const first = reconcileSlices(service, list, [], opts(storeA));
    expect(first.create.map(seen)).toEqual([["pod0:true:zone-a", "pod1:true:zone-a", "pod2:false:zone-a", "pod3:true:zone-a"]]);
    let stored = persist(first.create);
    // The echo of our own write: the same pods, the slice as written.
    expect(reconcileSlices(service, list, stored, opts(storeA))).toEqual({ create: [], update: [], delete: [] });
    expect(reconcileSlices(service, [...list], stored, opts(storeA))).toEqual({ create: [], update: [], delete: [] });
    // pod2 turns ready: a new object in its place.
    list = [list[0]!, list[1]!, pod(2), list[3]!];
    const second = reconcileSlices(service, list, stored, opts(storeA));
    expect(second.update.map(seen)).toEqual([["pod0:true:zone-a", "pod1:true:zone-a", "pod2:true:zone-a", "pod3:true:zone-a"]]);
    stored = second.update;
    // The node moves to another zone: the same pods, another node store.
    const third = reconcileSlices(service, list, stored, opts(zoned("zone-b")));
    expect(third.update.map(seen)).toEqual([["pod0:true:zone-b", "pod1:true:zone-b", "pod2:true:zone-b", "pod3:true:zone-b"]]);
    stored = third.update;
    // pod1 loses its address (no longer an endpoint); pod3 is replaced by another pod.
    const noIP: Pod = { ...pod(1), status: { phase: "Pending" } };
    list = [list[0]!, noIP, list[2]!, pod(4)];
    const storeB = zoned("zone-b");
    const fourth = reconcileSlices(service, list, stored, opts(storeB));
    expect(fourth.update.map(seen)).toEqual([["pod0:true:zone-b", "pod2:true:zone-b", "pod4:true:zone-b"]]);
    expect(reconcileSlices(service, list, fourth.update, opts(storeB))).toEqual({ create: [], update: [], delete: [] });
  });
});
