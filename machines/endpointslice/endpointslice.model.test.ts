import { describe, expect, it } from "vitest";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { endpointSliceControllerMachine } from "./endpointslice.machine.js";
import { PODS, SLICES, type EndpointSliceControllerContext } from "./endpointslice.controller.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The API server's side: list answers to the four informers (ids 1-4: Services, Pods, slices,
// Nodes), watch events once an informer has listed, and an OK or a 409 for each slice write.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const input = { token: "endpointslice-controller-token" };
const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", uid: "svc-uid", resourceVersion: "5" }, spec: { clusterIP: "10.96.0.10", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] } };
const node = { apiVersion: "v1", kind: "Node", metadata: { name: "node-1", resourceVersion: "2", labels: { "topology.kubernetes.io/zone": "zone-a" } } };
const pod = (name: string, ip: string, ready: boolean, rv: string) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: rv, labels: { app: "web" } },
  spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx", ports: [{ name: "http", containerPort: 8080 }] }] },
  status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp });
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });
const informerEvents = [
  list(1, "ServiceList", [svc]),
  list(2, "PodList", [pod("web-1", "10.244.1.2", true, "6")]),
  list(3, "EndpointSliceList", []),
  list(4, "NodeList", [node]),
  watch(PODS, "ADDED", pod("web-2", "10.244.1.3", false, "11")),
  watch(PODS, "MODIFIED", pod("web-2", "10.244.1.3", true, "12")),
  watch(PODS, "DELETED", pod("web-1", "10.244.1.2", true, "13")),
];
const conflict = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Conflict", code: 409, message: 'Operation cannot be fulfilled on endpointslices.discovery.k8s.io "web-abcde": the object has been modified; please apply your changes to the latest version and try again' };

/** What the API server could send next: informer traffic, the answers to a write, and the slice watch that follows a successful one. */
function nextEvents(ctx: EndpointSliceControllerContext): any[] {
  const out: any[] = informerEvents.filter((e: any) => (e.type === "WatchEvent" ? ctx.client.informers.get(e.watchId)?.synced : ctx.client.pending.has(e.id)));
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose !== "write") continue;
    const body = p.req.body ?? p.data.write.slice;
    const stored = { ...body, metadata: { ...body.metadata, name: body.metadata.name ?? "web-abcde", resourceVersion: "50" } };
    delete stored.metadata.generateName;
    out.push({ type: "ApiResponse", id, ok: true, code: p.req.verb === "create" ? 201 : 200, object: stored, ...stamp });
    out.push({ type: "ApiResponse", id, ok: false, code: 409, status: conflict, ...stamp });
    // The slice informer sees the write land (before or after its answer).
    if (p.req.verb === "delete") out.push(watch(SLICES, "DELETED", stored));
    else out.push(watch(SLICES, p.req.verb === "create" ? "ADDED" : "MODIFIED", stored));
  }
  for (const key of ctx.queue.limiter.failures.keys()) if (!ctx.queue.dirty.has(key) && !ctx.queue.waiting.includes(key)) out.push({ type: "Requeue", key, from: "endpointslice-controller", now: NOW + 5 });
  return out;
}

const stores = (ctx: EndpointSliceControllerContext) =>
  [...ctx.client.informers.values()].map((inf) => [inf.watchId, inf.synced, [...inf.store.values()].map((o: any) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()]);
const abstract = (ctx: EndpointSliceControllerContext) => ({
  stores: stores(ctx),
  waiting: ctx.queue.waiting.toArray(),
  failed: [...ctx.queue.limiter.failures.keys()],
  sync: ctx.sync ? [ctx.sync.key, ctx.sync.plan.map((w) => w.action), ctx.sync.awaiting, ctx.sync.failed] : null,
  writes: [...ctx.client.pending.values()].filter((p) => p.purpose === "write").map((p) => p.req.verb),
});

// ---- the oracle: Kubernetes' EndpointSlice reconciler, written out from pkg/controller/endpointslice
// (reconciler.go reconcileByAddressType and finalize, utils.go podToEndpoint and newEndpointSlice)
// for this Service: one IPv4 slice holds every endpoint (far below 100 per slice); a Service with
// none keeps one placeholder slice (no endpoints, no ports); a slice that would be deleted while
// another is created is updated in its place instead. Nothing here calls the controller's logic.
const SERVICE_NAME = "kubernetes.io/service-name";
const MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

/** The endpoints the Service's pods make (ShouldPodBeInEndpoints with terminating pods included), keyed by pod name. */
function wantEndpoints(ctx: EndpointSliceControllerContext): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const p of ctx.client.informers.get(PODS)!.store.values() as Iterable<any>) {
    if (p.metadata.namespace !== "default" || p.metadata.labels?.app !== "web" || !p.status?.podIP || p.status.phase === "Succeeded" || p.status.phase === "Failed") continue;
    const ready = p.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True") && !p.metadata.deletionTimestamp;
    const serving = p.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
    out.set(p.metadata.name, {
      addresses: [p.status.podIP],
      conditions: { ready, serving, terminating: !!p.metadata.deletionTimestamp },
      nodeName: p.spec.nodeName,
      zone: "zone-a",
      targetRef: { kind: "Pod", namespace: "default", name: p.metadata.name, uid: p.metadata.uid },
    });
  }
  return out;
}

const byPod = (eps: any[] | undefined) => new Map((eps ?? []).map((e) => [e.targetRef?.name, e]));
const writesOf = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.resource === "endpointslices" && ["create", "update", "delete"].includes(m.verb));

describe("endpointslice controller machine paths (model-based)", () => {
  const model = modelFor(endpointSliceControllerMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition each sync writes, one at a time, the one slice Kubernetes' reconciler wants over the caches", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const path of paths) {
      let prev: EndpointSliceControllerContext | undefined;
      replay(endpointSliceControllerMachine, input, path, abstract, (_ev, ctx: EndpointSliceControllerContext, emitted) => {
        const writes = writesOf(emitted);
        // One write at a time: the next goes out only once the previous is answered.
        expect(writes.length).toBeLessThanOrEqual(1);
        for (const m of writes) {
          const cached = [...ctx.client.informers.get(SLICES)!.store.values()] as EndpointSlice[];
          const want = wantEndpoints(ctx);
          // The slice is created when the cache has none; else the cached one is updated (never deleted: a placeholder replaces it).
          expect(m.verb).toBe(cached.length === 0 ? "create" : "update");
          if (m.verb === "update") expect(m.name).toBe(cached[0]!.metadata!.name);
          expect(m.body).toMatchObject({
            addressType: "IPv4",
            metadata: {
              namespace: "default",
              labels: { [SERVICE_NAME]: "web", [MANAGED_BY]: "endpointslice-controller.k8s.io" },
              ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "web", uid: "svc-uid", controller: true, blockOwnerDeletion: true }],
            },
          });
          if (m.verb === "create") expect(m.body.metadata.generateName).toBe("web-");
          // Endpoint order within a slice is not defined (the reconciler fills from a set): compared by pod.
          expect(byPod(m.body.endpoints)).toEqual(want);
          expect(m.body.ports ?? []).toEqual(want.size === 0 ? [] : [{ name: "http", port: 8080, protocol: "TCP" }]);
          // One slice holds it all: this write is the whole plan.
          expect(ctx.sync?.plan ?? []).toEqual([]);
          seen.add(`${m.verb}:${want.size === 0 ? "placeholder" : "endpoints"}`);
        }
        // A failed write stops the sync: nothing more is sent for that key until it is requeued.
        if (prev?.sync?.failed) expect(writes).toEqual([]);
        // contexts are values: the next step never changes this one
        prev = ctx;
      });
    }
    expect([...seen].sort()).toEqual(["create:endpoints", "create:placeholder", "update:endpoints", "update:placeholder"]);
  });

  it("a refused slice write records FailedToUpdateEndpointSlices on the Service with the reconciler's words", () => {
    const refused = paths.find((p) => p.steps.some((s) => s.event.type === "ApiResponse" && s.event.code === 409));
    expect(refused).toBeDefined();
    const events: any[] = [];
    replay(endpointSliceControllerMachine, input, refused!, abstract, (_ev, _ctx, emitted) => {
      events.push(...emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.resource === "events"));
    });
    expect(events.map((m) => m.body)).toContainEqual(expect.objectContaining({
      type: "Warning", reason: "FailedToUpdateEndpointSlices",
      message: expect.stringMatching(/^Error updating Endpoint Slices for Service default\/web: failed to (create EndpointSlice|update web-abcde EndpointSlice) for Service default\/web: Operation cannot be fulfilled on endpointslices\.discovery\.k8s\.io "web-abcde": the object has been modified; please apply your changes to the latest version and try again$/),
      involvedObject: expect.objectContaining({ kind: "Service", name: "web" }),
    }));
  });
});
