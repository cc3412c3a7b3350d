import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { endpointsControllerMachine } from "./endpoints.machine.js";
import { ENDPOINTS, PODS, type EndpointsControllerContext } from "./endpoints.controller.js";
import { storeGet } from "../common/informer.js";
import { replay, serializeBy, covered, modelFor } from "../../test/support/model.js";

// The API server's side: list answers to the three informers (request ids 1-3, watch ids 1-3),
// watch events once an informer has listed, and an OK or a 409 for each write the controller made.
const stamp = { from: "apiserver", now: 5_000 };
const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", resourceVersion: "5" }, spec: { clusterIP: "10.96.0.10", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] } };
const pod = (name: string, ip: string, ready: boolean, rv: string) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: rv, labels: { app: "web" } },
  spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 8080 }] }] },
  status: { phase: "Running", podIP: ip, podIPs: [{ ip }], conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp });
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });
const informerEvents = [
  list(1, "ServiceList", [svc]),
  list(2, "PodList", [pod("web-1", "10.244.1.2", true, "6")]),
  list(3, "EndpointsList", []),
  watch(2, "ADDED", pod("web-2", "10.244.1.3", false, "11")),
  watch(2, "MODIFIED", pod("web-2", "10.244.1.3", true, "12")),
  watch(2, "DELETED", pod("web-1", "10.244.1.2", true, "13")),
];

/** What the API server could send next given what the controller has asked for. */
function nextEvents(ctx: EndpointsControllerContext): any[] {
  const out: any[] = informerEvents.filter((e: any) => e.type !== "WatchEvent" || ctx.client.informers.get(e.watchId)?.synced);
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose !== "write") continue;
    const body = p.req.body ?? p.data.endpoints;
    out.push({ type: "ApiResponse", id, ok: true, code: p.req.verb === "create" ? 201 : 200, object: { ...body, metadata: { ...body.metadata, resourceVersion: "50" } }, ...stamp });
    out.push({
      type: "ApiResponse", id, ok: false, code: 409, ...stamp,
      status: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Conflict", code: 409, message: 'Operation cannot be fulfilled on endpoints "web": the object has been modified; please apply your changes to the latest version and try again' },
    });
  }
  for (const key of ctx.queue.limiter.failures.keys()) if (!ctx.queue.dirty.has(key)) out.push({ type: "Requeue", key, from: "endpoints-controller", now: 6_000 });
  return out;
}

const stores = (client: any) =>
  [...client.informers.values()].map((inf: any) => [inf.watchId, inf.synced, [...inf.store.values()].map((o: any) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()]);
const abstract = (ctx: EndpointsControllerContext) => ({
  stores: stores(ctx.client),
  waiting: ctx.queue.waiting.toArray(),
  failed: [...ctx.queue.limiter.failures.keys()],
  sync: ctx.sync ?? null,
  writes: [...ctx.client.pending.values()].filter((p) => p.purpose === "write").map((p) => p.req.verb),
});
const input = { token: "endpoint-controller-token" };

// ---- the oracle: Kubernetes' endpoints controller, written out from pkg/controller/endpoint
// (endpoints_controller.go syncService, podToEndpointAddressForService; endpointutil
// ShouldPodBeInEndpoints; the API's RepackSubsets/SortSubsets), for this Service: selector
// app=web, one port "http" 80 -> targetPort 8080. Nothing here calls the controller's logic.
function wantSubsets(ctx: EndpointsControllerContext): unknown[] {
  const pods = [...ctx.client.informers.get(PODS)!.store.values()].filter((p: any) =>
    p.metadata.namespace === "default" && p.metadata.labels?.app === "web" && p.status?.podIP && !p.metadata.deletionTimestamp && p.status.phase !== "Succeeded" && p.status.phase !== "Failed");
  const address = (p: any) => ({ ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: { kind: "Pod", namespace: "default", name: p.metadata.name, uid: p.metadata.uid } });
  const ready = (p: any) => p.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
  const byIP = (a: { ip: string }, b: { ip: string }) => a.ip.localeCompare(b.ip);
  const addresses = pods.filter(ready).map(address).sort(byIP);
  const notReadyAddresses = pods.filter((p) => !ready(p)).map(address).sort(byIP);
  // No address at all: no subset (the port alone is not kept).
  if (addresses.length === 0 && notReadyAddresses.length === 0) return [];
  return [{ ...(addresses.length > 0 ? { addresses } : {}), ...(notReadyAddresses.length > 0 ? { notReadyAddresses } : {}), ports: [{ name: "http", port: 8080, protocol: "TCP" }] }];
}

describe("endpoints controller machine paths (model-based)", () => {
  const model = modelFor(endpointsControllerMachine, input, (s: any) => nextEvents(s.context), abstract);

  it("on every shortest path each Endpoints write carries exactly the subsets Kubernetes makes of the cached pods: ready ones in addresses, unready in notReadyAddresses, at the target port", () => {
    const paths = model.getShortestPaths();
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(10);
    let writes = 0;
    for (const path of paths) {
      replay(endpointsControllerMachine, input, path, abstract, (_ev, ctx: EndpointsControllerContext, emitted) => {
        for (const { msg } of emitted.flatMap((e) => e.send)) {
          if (msg.resource !== "endpoints" || !["create", "update"].includes(msg.verb)) continue;
          writes++;
          expect(msg.body.subsets ?? []).toEqual(wantSubsets(ctx));
          expect(msg.verb).toBe(storeGet(ctx.client, ENDPOINTS, "default/web") ? "update" : "create");
        }
        // The controller never has a key in flight without having left the waiting list.
        if (ctx.sync) expect(ctx.queue.waiting.toArray()).not.toContain(ctx.sync.key);
      });
    }
    expect(writes).toBeGreaterThan(0);
  });

  it("a 409 on a write fails the sync, records a FailedToCreateEndpoint or FailedToUpdateEndpoint Warning and retries the key after 5 ms", () => {
    const paths = model.getShortestPaths();
    const conflicted = paths.filter((p) => p.steps.some((s) => s.event.type === "ApiResponse" && s.event.code === 409));
    expect(conflicted.length).toBeGreaterThan(0);
    // Replay up to the path's first conflict, so the event is created rather than its count bumped.
    const steps = conflicted[0]!.steps;
    const first = steps.findIndex((s) => s.event.type === "ApiResponse" && s.event.code === 409);
    const actor = createActor(endpointsControllerMachine, { input });
    const fx: any[] = [];
    actor.on("effects", (e: any) => void fx.push(e));
    actor.start();
    for (const s of steps.slice(1, first + 1)) { fx.length = 0; actor.send(s.event); }
    const sent = fx.flatMap((e) => e.send.map((x: any) => x.msg));
    const event = sent.find((m) => m.resource === "events");
    expect(event.body).toMatchObject({ type: "Warning", reason: expect.stringMatching(/^FailedTo(Create|Update)Endpoint$/) });
    expect(event.body.message).toMatch(/^Failed to (create endpoint for service|update endpoint) default\/web: Operation cannot be fulfilled on endpoints "web"/);
    expect(fx.flatMap((e) => e.timers)).toContainEqual({ key: "requeue/default/web", ms: 5, event: { type: "Requeue", key: "default/web" }, background: false });
  });
});
