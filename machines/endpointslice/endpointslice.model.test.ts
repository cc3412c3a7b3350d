import { describe, expect, it } from "vitest";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { endpointSliceControllerMachine } from "./endpointslice.machine.js";
import { NODES, PODS, SERVICES, SLICES, finalizePlan, type EndpointSliceControllerContext } from "./endpointslice.controller.js";
import { SERVICE_NAME_LABEL, reconcileSlices } from "./endpointslice.logic.js";
import { selectedPods } from "../common/endpointutil.js";
import { storeGet } from "../common/informer.js";
import { storeSelect } from "../common/client.js";
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

/** A slice as compared: the trigger-time annotation depends on when pods changed, not on what the slice holds. */
const content = (s: EndpointSlice) => {
  const { annotations: _a, ...metadata } = s.metadata ?? {};
  return { ...s, metadata };
};

/** The writes syncService plans for the Service over the caches as they are now. */
function referencePlan(ctx: EndpointSliceControllerContext): { action: string; slice: any }[] {
  const service = storeGet(ctx.client, SERVICES, "default/web");
  const slices = storeSelect(ctx.client.informers.get(SLICES)!, "default", { [SERVICE_NAME_LABEL]: "web" }) as EndpointSlice[];
  const nodeNamed = (name: string) => ctx.client.informers.get(NODES)!.store.get(name);
  return finalizePlan(reconcileSlices(service, selectedPods(ctx.client, PODS, "default", service), slices, { nodeNamed }), undefined).map((w) => ({ action: w.action, slice: content(w.slice) }));
}

const writesOf = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.resource === "endpointslices" && ["create", "update", "delete"].includes(m.verb));

describe("endpointslice controller machine paths (model-based)", () => {
  const model = modelFor(endpointSliceControllerMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition each sync writes, one at a time, exactly the slices reconcileSlices and finalize plan over the caches", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(20);
    let fresh = 0;
    for (const path of paths) {
      let prev: EndpointSliceControllerContext | undefined;
      replay(endpointSliceControllerMachine, input, path, abstract, (_ev, ctx: EndpointSliceControllerContext, emitted) => {
        const writes = writesOf(emitted);
        // One write at a time: the next goes out only once the previous is answered.
        expect(writes.length).toBeLessThanOrEqual(1);
        for (const m of writes) {
          const sent = { action: m.verb, slice: m.verb === "delete" ? undefined : content(m.body) };
          const queued = prev?.sync?.plan[0];
          if (queued && !prev!.sync!.failed && (m.verb === "delete" ? queued.slice.metadata?.name === m.name : JSON.stringify(content(queued.slice)) === JSON.stringify(sent.slice))) continue;
          // A new sync: its first write and the rest of its plan are what the reconciler plans now.
          fresh++;
          const plan = referencePlan(ctx);
          expect(plan.length).toBeGreaterThan(0);
          if (m.verb === "delete") expect([plan[0]!.action, plan[0]!.slice.metadata.name]).toEqual(["delete", m.name]);
          else expect(sent).toEqual(plan[0]);
          expect(ctx.sync!.plan.map((w) => ({ action: w.action, slice: content(w.slice) }))).toEqual(plan.slice(1));
        }
        // A failed write stops the sync: nothing more is sent for that key until it is requeued.
        if (prev?.sync?.failed) expect(writes).toEqual([]);
        // contexts are values: the next step never changes this one
        prev = ctx;
      });
    }
    expect(fresh).toBeGreaterThan(0);
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
