import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { dnsMachine } from "./dns.machine.js";
import { SERVICES, SLICES, type DnsContext } from "./dns.logic.js";
import { dnsRecords } from "./dns.logic.js";
import { replay, serializeBy, covered, modelFor } from "../../test/support/model.js";

// Informer traffic as the API server sends it: list answers to the informers' first requests
// (ids 1 and 2, in startInformers' order), then watch events on watch ids 1 (Services) and 2 (slices).
const stamp = { from: "apiserver", now: 5_000 };
const svc = (name: string, clusterIP: string, rv: string) => ({
  apiVersion: "v1", kind: "Service",
  metadata: { name, namespace: "default", resourceVersion: rv },
  spec: { clusterIP, selector: { app: name }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] },
});
const slice = (service: string, ip: string, ready: boolean, rv: string) => ({
  apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
  metadata: { name: `${service}-x1`, namespace: "default", resourceVersion: rv, labels: { "kubernetes.io/service-name": service } },
  addressType: "IPv4",
  endpoints: [{ addresses: [ip], conditions: { ready, serving: ready, terminating: false }, nodeName: "node-1" }],
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
});
const list = (id: number, kind: string, apiVersion: string, items: object[]) =>
  ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion, metadata: { resourceVersion: "10" }, items }, ...stamp });
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });
const informerEvents = [
  list(1, "ServiceList", "v1", [svc("a", "10.96.0.10", "5")]),
  list(2, "EndpointSliceList", "discovery.k8s.io/v1", [slice("a", "10.244.1.2", true, "6")]),
  watch(1, "ADDED", svc("b", "10.96.0.11", "11")),
  watch(2, "ADDED", slice("b", "10.244.1.3", true, "12")),
  watch(2, "MODIFIED", slice("a", "10.244.1.2", false, "13")),
  watch(1, "DELETED", svc("a", "10.96.0.10", "14")),
];

/** A watch only delivers once its informer has listed (the watch opens from the list's resourceVersion). */
const realistic = (client: any) => informerEvents.filter((e: any) => e.type !== "WatchEvent" || client.informers.get(e.watchId)?.synced);

/** What each informer holds: its synced flag and its objects' keys and resourceVersions. */
const stores = (client: any) =>
  [...client.informers.values()].map((inf: any) => [inf.watchId, inf.synced, [...inf.store.values()].map((o: any) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()]);
const storeItems = (client: any, watchId: number): any[] => [...(client.informers.get(watchId)?.store.values() ?? [])];

const input = { token: "coredns-token" };
const abstract = (ctx: DnsContext) => stores(ctx.client);

describe("dns machine paths (model-based)", () => {
  const model = modelFor(dnsMachine, input, (s: any) => realistic(s.context.client), abstract);

  it("on every shortest path the zone is empty until both informers have listed, then always equals dnsRecords over the caches", () => {
    const paths = model.getShortestPaths();
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(8);
    let servingSeen = 0;
    for (const path of paths) {
      replay(dnsMachine, input, path, abstract, (ev, ctx: DnsContext, emitted) => {
        const synced = [...ctx.client.informers.values()].every((i) => i.synced);
        if (!synced) return expect(ctx.zone.records.size).toBe(0);
        servingSeen++;
        // the context keeps the records in a persistent map: the same names and records, in any order
        expect({ domain: ctx.zone.domain, records: Object.fromEntries(ctx.zone.records) }).toEqual(dnsRecords(storeItems(ctx.client, SERVICES), storeItems(ctx.client, SLICES), "cluster.local"));
        // A list answer opens the informer's watch from the list's resourceVersion.
        if (ev.type === "ApiResponse") {
          const sent = emitted.flatMap((e) => e.send.map((s: any) => s.msg));
          expect(sent).toEqual([expect.objectContaining({ type: "ApiRequest", verb: "watch", watchId: ev.id, resourceVersion: "10", token: input.token })]);
        }
      });
      const last = path.steps[path.steps.length - 1]!.state;
      expect(last.value).toBe([...last.context.client.informers.values()].every((i: any) => i.synced) ? "serving" : "waitingForCacheSync");
    }
    expect(servingSeen).toBeGreaterThan(0);
  });

  it("the informers' first requests are the Service and EndpointSlice lists, both under CoreDNS's token", () => {
    const actor = createActor(dnsMachine, { input });
    const sent: any[] = [];
    actor.on("effects", (e: any) => void sent.push(...e.send.map((s: any) => s.msg)));
    actor.start();
    expect(sent).toEqual([
      { type: "ApiRequest", id: 1, token: input.token, verb: "list", group: "", resource: "services" },
      { type: "ApiRequest", id: 2, token: input.token, verb: "list", group: "discovery.k8s.io", resource: "endpointslices" },
    ]);
  });
});
