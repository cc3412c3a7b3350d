import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { kubeProxyMachine } from "./kube-proxy.machine.js";
import { MIN_SYNC_PERIOD_MS, PROXY_LABEL_SELECTOR, SERVICES, SLICES, rulesFor, type KubeProxyContext } from "./kube-proxy.logic.js";
import { proxyRules } from "./kube-proxy.logic.js";
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

const input = { token: "kube-proxy-token", seed: 1 };
const nodeName = "node-1";
const abstract = (ctx: KubeProxyContext) => ({ stores: stores(ctx.client), pending: ctx.syncPending, rules: rulesFor(ctx, nodeName) });
/** Informer traffic, and the sync timer once one is pending (its time a little later each run). */
const nextEvents = (ctx: KubeProxyContext) => [
  ...realistic(ctx.client),
  ...(ctx.syncPending ? [{ type: "SyncProxyRules", from: "kube-proxy", now: 5_500 }] : []),
];

describe("kube-proxy machine paths (model-based)", () => {
  const model = modelFor(kubeProxyMachine, input, (s: any) => nextEvents(s.context), abstract);

  it("on every shortest path a sync programs exactly proxyRules over the caches, and a change asks for one sync no sooner than minSyncPeriod", () => {
    const paths = model.getShortestPaths();
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(8);
    let syncs = 0;
    for (const path of paths) {
      let pendingBefore = false;
      let lastSyncAt: number | undefined;
      const tracked = { value: "waitingForCacheSync" as unknown };
      replay(kubeProxyMachine, input, path, abstract, (ev, ctx: KubeProxyContext, emitted) => {
        const timers = emitted.flatMap((e) => e.timers);
        if (ev.type === "SyncProxyRules") {
          syncs++;
          lastSyncAt = ev.now;
          expect(rulesFor(ctx, nodeName)).toEqual(proxyRules(storeItems(ctx.client, SERVICES), storeItems(ctx.client, SLICES), nodeName));
          expect(ctx.syncPending).toBe(false);
        } else if (ev.type !== "xstate.init") {
          const wasProgramming = tracked.value === "programming";
          const nowProgramming = [...ctx.client.informers.values()].every((i) => i.synced);
          if ((wasProgramming || nowProgramming) && !pendingBefore) {
            const wait = lastSyncAt === undefined ? 0 : Math.max(0, lastSyncAt + MIN_SYNC_PERIOD_MS - ev.now);
            expect(timers).toEqual([{ key: "syncProxyRules", ms: wait, event: { type: "SyncProxyRules" }, background: false }]);
          } else expect(timers).toEqual([]);
          tracked.value = nowProgramming ? "programming" : "waitingForCacheSync";
        }
        if (tracked.value === "waitingForCacheSync") expect(rulesFor(ctx, nodeName)).toEqual([]);
        pendingBefore = ctx.syncPending;
      });
    }
    expect(syncs).toBeGreaterThan(0);
  });

  it("both informers list with kube-proxy's label selector, skipping headless and foreign-proxy Services", () => {
    const actor = createActor(kubeProxyMachine, { input });
    const sent: any[] = [];
    actor.on("effects", (e: any) => void sent.push(...e.send.map((s: any) => s.msg)));
    actor.start();
    expect(sent.map((m) => [m.verb, m.resource, m.labelSelector])).toEqual([
      ["list", "services", PROXY_LABEL_SELECTOR],
      ["list", "endpointslices", PROXY_LABEL_SELECTOR],
    ]);
    expect(PROXY_LABEL_SELECTOR).toBe("!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name");
  });
});
