import type { Store } from "../common/client.js";
import { describe, expect, it } from "vitest";
import { garbageCollectorMachine } from "./gc.machine.js";
import type { GarbageCollectorContext } from "./gc.controller.js";
import { attemptToDeleteItem, orphanDependents, type GcAction, type KObject } from "./gc.logic.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The API server's side: list answers to the informers (one per deletable resource; ids 1 and 2 are
// pods and replicasets, the only ones with items here), the owner's deletion in one of the three
// propagation policies, answers to the collector's lookups and writes, and the watch events they cause.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const input = { token: "gc-token" };
const rsRef = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true };
const rs = (rv: string, finalizers?: string[]) => ({
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default", uid: "rs-uid", resourceVersion: rv, ...(finalizers ? { finalizers, deletionTimestamp: "2023-11-14T22:13:20Z", deletionGracePeriodSeconds: 0 } : {}) },
  spec: { replicas: 1, selector: { matchLabels: { app: "web" } } },
});
const pod = (rv: string, owned = true) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name: "web-1", namespace: "default", uid: "pod-uid", resourceVersion: rv, labels: { app: "web" }, ...(owned ? { ownerReferences: [rsRef] } : {}) },
  spec: { containers: [{ name: "c", image: "nginx" }] },
});
/** The answer to an informer's list: the pod and its ReplicaSet on watches 1 and 2, nothing elsewhere. */
const listAnswer = (id: number, watchId: number) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "10" }, items: watchId === 1 ? [pod("6")] : watchId === 2 ? [rs("5")] : [] }, ...stamp });
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });
const notFound = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "NotFound", code: 404, message: 'replicasets.apps "web" not found', details: { name: "web", group: "apps", kind: "replicasets" } };

const storeOf = (ctx: GarbageCollectorContext, id: number): Store => ctx.client.informers.get(id)!.store;
const synced = (ctx: GarbageCollectorContext) => [...ctx.client.informers.values()].every((i) => i.synced);

/** What the API server and the collector's own queue could deliver next. */
function nextEvents(ctx: GarbageCollectorContext): any[] {
  // The lists are answered in informer order: the order of the list answers is not what this model explores.
  const firstList = [...ctx.client.pending].filter(([, p]) => p.purpose === "informer-list").sort(([a], [b]) => a - b)[0];
  const out: any[] = firstList ? [listAnswer(firstList[0], firstList[1].data)] : [];
  if (ctx.q.kicked) out.push({ type: "ProcessNext", from: "garbage-collector", now: NOW });
  const owner = storeOf(ctx, 2).get("default/web");
  const dependent = storeOf(ctx, 1).get("default/web-1");
  // kubectl delete rs web, with --cascade=background, foreground or orphan.
  if (synced(ctx) && owner && !owner.metadata.deletionTimestamp && dependent?.metadata.ownerReferences) {
    out.push(watch(2, "DELETED", owner), watch(2, "MODIFIED", rs("20", ["foregroundDeletion"])), watch(2, "MODIFIED", rs("20", ["orphan"])));
  }
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose === "verify-owner") {
      out.push({ type: "ApiResponse", id, ok: false, code: 404, status: notFound, ...stamp });
      // The collector's cache was behind: the owner is still there.
      out.push({ type: "ApiResponse", id, ok: true, code: 200, object: rs("5"), ...stamp });
    } else if (p.purpose !== "informer-list" && p.purpose !== "event") {
      out.push({ type: "ApiResponse", id, ok: true, code: 200, object: {}, ...stamp });
      if (p.req.verb === "delete" && p.req.resource === "pods" && dependent) out.push(watch(1, "DELETED", dependent));
      if (p.req.verb === "patch" && p.req.resource === "pods" && dependent?.metadata.ownerReferences) out.push(watch(1, "MODIFIED", pod("30", false)));
      if (p.req.verb === "patch" && p.req.resource === "replicasets" && owner) out.push(watch(2, "DELETED", owner));
    }
  }
  return out;
}

const abstract = (ctx: GarbageCollectorContext) => ({
  stores: [...ctx.client.informers.values()].map((i) => [i.watchId, i.synced, [...i.store.values()].map((o: any) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()]),
  queue: [ctx.q.waiting.toArray(), [...ctx.q.processing.keys()], [...ctx.q.limiter.failures.keys()], ctx.q.kicked],
  verifying: [...ctx.verifying],
  orphaning: [...ctx.orphaning].map(([k, o]) => [k, o.left, o.failed]),
  pending: [...new Set([...ctx.client.pending.values()].filter((p) => p.purpose !== "event").map((p) => `${p.purpose}:${p.req.verb}:${p.req.resource}`))].sort(),
});

/** The request perform sends for one decided action, judged against the graph the collector held. */
function requestFor(a: GcAction, graph: GarbageCollectorContext): object {
  const live: KObject | undefined = graph.byUid.get(a.target.uid);
  const where = a.target.kind === "Pod" ? { group: "", resource: "pods" } : { group: "apps", resource: "replicasets" };
  const base = { ...where, namespace: "default", name: a.target.name };
  if (a.type === "delete") return expect.objectContaining({ verb: "delete", ...base, propagationPolicy: a.propagationPolicy, body: { preconditions: { uid: a.target.uid } } });
  // deleteOwnerRefStrategicMergePatch: {"metadata":{"ownerReferences":[{"$patch":"delete","uid":OWNER}],"uid":DEPENDENT}}
  if (a.type === "removeOwnerReferences") return expect.objectContaining({ verb: "patch", ...base, patchType: "strategic", body: { metadata: { ownerReferences: a.ownerUids.map((uid) => ({ $patch: "delete", uid })), uid: a.target.uid } } });
  return expect.objectContaining({ verb: "patch", ...base, patchType: "merge", body: { metadata: { finalizers: (live?.metadata?.finalizers ?? []).filter((f) => f !== a.finalizer), resourceVersion: live?.metadata?.resourceVersion } } });
}

const writesOf = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && !["list", "watch"].includes(m.verb) && m.resource !== "events");

describe("garbage collector machine paths (model-based)", () => {
  const model = modelFor(garbageCollectorMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition the collector confirms an absent owner live, then deletes, un-owns or releases exactly as attemptToDeleteItem and orphanDependents decide", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const path of paths) {
      let prev: GarbageCollectorContext | undefined;
      replay(garbageCollectorMachine, input, path, abstract, (ev, ctx: GarbageCollectorContext, emitted) => {
        const writes = writesOf(emitted);
        const all = prev ? [...prev.byUid.values()] : [];
        if (ev.type === "ProcessNext" && prev!.q.waiting.size > 0) {
          const key: string = prev!.q.waiting.first()!;
          const uid = key.slice(key.indexOf(":") + 1);
          const item = prev!.byUid.get(uid);
          let expected: object[] = [];
          if (item && key.startsWith("orphan:")) {
            const actions = orphanDependents(item, all);
            const patches = actions.filter((a) => a.type === "removeOwnerReferences");
            expected = (patches.length ? patches : actions).map((a) => requestFor(a, prev!));
            if (item.metadata?.finalizers?.includes("orphan") && item.metadata.deletionTimestamp) seen.add("orphan");
            else expected = [];
          } else if (item) {
            const absent = (item.metadata?.ownerReferences ?? []).filter((r) => !prev!.byUid.has(r.uid));
            const foreground = item.metadata?.finalizers?.includes("foregroundDeletion") && item.metadata.deletionTimestamp;
            if (absent.length > 0 && !foreground) expected = [expect.objectContaining({ verb: "get", group: "apps", resource: "replicasets", namespace: "default", name: "web" })];
            else expected = attemptToDeleteItem(item, all).map((a) => requestFor(a, prev!));
            if (foreground) seen.add("foreground");
          }
          expect(writes).toEqual(expected);
        } else if (ev.type === "ApiResponse" && prev!.client.pending.get(ev.id)?.purpose === "verify-owner") {
          // Only a confirmed 404 lets the dependent go; a live owner means the cache was behind.
          const p = prev!.client.pending.get(ev.id)!;
          const current = prev!.byUid.get(p.data.item.metadata.uid);
          if (ev.code === 404 && current) {
            seen.add("confirmed");
            expect(writes).toEqual(attemptToDeleteItem(current, all).map((a) => requestFor(a, prev!)));
          } else expect(writes).toEqual([]);
        } else if (ev.type === "ApiResponse" && prev!.client.pending.get(ev.id)?.purpose === "orphan-patch" && prev!.orphaning.get("rs-uid")?.left === 1) {
          // The last dependent released: the orphan finalizer goes.
          seen.add("released");
          expect(writes).toEqual([expect.objectContaining({ verb: "patch", resource: "replicasets", name: "web", body: { metadata: { finalizers: [], resourceVersion: "20" } } })]);
        } else expect(writes).toEqual([]);
        // Nothing is deleted while the collector still believes its owner lives.
        if (writes.some((m) => m.verb === "delete")) expect(prev!.byUid.get("rs-uid")?.metadata?.deletionTimestamp !== undefined || !prev!.byUid.has("rs-uid")).toBe(true);
        // contexts are values: the next step never changes this one
        prev = ctx;
      });
    }
    expect([...seen].sort()).toEqual(["confirmed", "foreground", "orphan", "released"]);
  });
});
