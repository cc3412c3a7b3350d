import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { replicaSetControllerMachine } from "./replicaset.machine.js";
import type { ReplicaSetControllerContext } from "./replicaset.controller.js";
import type { Store } from "../common/client.js";
import { calculateStatus, claimPods, filterActivePods, manageReplicas, newPodFromTemplate, replicaSetControllerRef } from "./replicaset.logic.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The API server's side: list answers to the two informers (ids 1: ReplicaSets, 2: Pods), the pods
// and ReplicaSet changes its watches deliver, and answers to the controller's creates, deletes and status writes.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const input = { token: "controller-manager-token" };
const KEY = "default/web";
const rs = (replicas: number, rv: string): ReplicaSet => ({
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default", uid: "rs-uid", resourceVersion: rv, generation: replicas === 2 ? 1 : 2 },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } } },
});
const podNamed = (name: string, rv: string): Pod => ({
  ...newPodFromTemplate(rs(2, "5")),
  metadata: { ...newPodFromTemplate(rs(2, "5")).metadata, name, uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: "2023-11-14T22:13:20Z" },
  status: { phase: "Pending" },
});
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp });
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });
const quota = "pods \"web-\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2";

const storeOf = (ctx: ReplicaSetControllerContext, id: number): Store => ctx.client.informers.get(id)!.store;

/** Whether quota already refused a creation (its error is held, or its pods are being made up). */
const refusedOnce = (ctx: ReplicaSetControllerContext) => ctx.manageErr.has(KEY) || ctx.q.limiter.failures.has(KEY) || storeOf(ctx, 1).get(KEY)?.status?.conditions !== undefined || [...ctx.creating.values()].some((c) => c.failed > 0);

/** What the API server and the controller's own queue could deliver next. */
function nextEvents(ctx: ReplicaSetControllerContext): any[] {
  const out: any[] = [list(1, "ReplicaSetList", [rs(2, "5")]), list(2, "PodList", [])].filter((l) => ctx.client.pending.has(l.id));
  if (ctx.q.kicked) out.push({ type: "ProcessNext", from: "replicaset-controller", now: NOW });
  for (const key of ctx.q.limiter.failures.keys()) if (!ctx.q.waiting.includes(key)) out.push({ type: "Requeue", key, from: "replicaset-controller", now: NOW + 1000 });
  const pods = storeOf(ctx, 2);
  const current = storeOf(ctx, 1).get(KEY);
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose === "create-pod") {
      const name = `web-${pods.size + 1}`;
      // The informer sees the pod (the API server fans out before it answers), then the create is answered.
      if (!pods.has(`default/${name}`) && (ctx.expectations.get(KEY)?.add ?? 0) > 0) out.push(watch(2, "ADDED", podNamed(name, String(20 + pods.size))));
      out.push({ type: "ApiResponse", id, ok: true, code: 201, object: podNamed(name, "20"), ...stamp });
      // Quota refuses one creation; after that the quota has room.
      if (!refusedOnce(ctx)) out.push({ type: "ApiResponse", id, ok: false, code: 403, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, message: quota }, ...stamp });
    } else if (p.purpose === "delete-pod") {
      const victim = p.data.pod;
      if (pods.has(`default/${victim.metadata.name}`)) out.push(watch(2, "DELETED", victim));
      out.push({ type: "ApiResponse", id, ok: true, code: 200, object: victim, ...stamp });
    } else if (p.purpose === "status") {
      // The ReplicaSet informer sees the written status, then the write is answered.
      if (JSON.stringify(current?.status) !== JSON.stringify(p.req.body.status)) out.push(watch(1, "MODIFIED", { ...p.req.body, metadata: { ...p.req.body.metadata, resourceVersion: "30" } }));
      out.push({ type: "ApiResponse", id, ok: true, code: 200, object: p.req.body, ...stamp });
    }
  }
  // kubectl scale --replicas=1, once both pods exist.
  if (current?.spec?.replicas === 2 && pods.size === 2) out.push(watch(1, "MODIFIED", { ...rs(1, "40"), status: current.status }));
  return out;
}

const abstract = (ctx: ReplicaSetControllerContext) => ({
  stores: [...ctx.client.informers.values()].map((i) => [i.watchId, i.synced, [...i.store.keys()].sort()]),
  spec: storeOf(ctx, 1).get(KEY)?.spec?.replicas ?? null,
  status: storeOf(ctx, 1).get(KEY)?.status ?? null,
  queue: [ctx.q.waiting.toArray(), [...ctx.q.processing.keys()], [...ctx.q.limiter.failures.keys()], ctx.q.kicked],
  expectations: [...ctx.expectations].map(([k, e]) => [k, e.add, e.del]),
  creating: [...ctx.creating].map(([k, c]) => [k, c.index, c.inflight, c.failed]),
  manageErr: [...ctx.manageErr.keys()],
  pending: [...ctx.client.pending.values()].filter((p) => p.purpose !== "event").map((p) => p.purpose).sort(),
});

const requests = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.resource !== "events");

describe("replicaset controller machine paths (model-based)", () => {
  const model = modelFor(replicaSetControllerMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition a sync creates, deletes and writes status exactly as manageReplicas and calculateStatus decide over the caches", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(30);
    const seen = { create: 0, delete: 0, status: 0, failure: 0 };
    for (const path of paths) {
      let prev: ReplicaSetControllerContext | undefined;
      replay(replicaSetControllerMachine, input, path, abstract, (ev, ctx: ReplicaSetControllerContext, emitted) => {
        const sent = requests(emitted);
        if (ev.type === "ProcessNext" && prev!.q.waiting.first() === KEY) {
          const set = storeOf(prev!, 1).get(KEY)!;
          const claimed = claimPods(set, filterActivePods([...storeOf(prev!, 2).values()])).claimed;
          const plan = manageReplicas(set, claimed, prev!.expectations, ev.now);
          const creates = sent.filter((m) => m.verb === "create");
          const deletes = sent.filter((m) => m.verb === "delete");
          // Slow start: only the first batch goes out; the next waits for it to succeed.
          expect(creates).toEqual(plan.create > 0 ? Array(plan.batches[0]).fill(expect.objectContaining({ resource: "pods", namespace: "default", body: newPodFromTemplate(set) })) : []);
          expect(deletes.map((m) => m.name)).toEqual(plan.delete.map((p) => p.metadata!.name));
          const status = calculateStatus(set, claimed, prev!.manageErr.get(KEY), ev.now);
          const write = sent.find((m) => m.subresource === "status");
          if (write) expect(write.body.status).toEqual(status);
          else expect(set.status ?? {}).toMatchObject(status);
          seen.create += creates.length;
          seen.delete += deletes.length;
          seen.status += write ? 1 : 0;
          if (status.conditions?.some((c) => c.type === "ReplicaFailure")) seen.failure++;
        } else if (ev.type === "ApiResponse" && prev!.creating.get(KEY)) {
          // A full batch that succeeded starts the next one: 1, then 2, 4, ... pods at once.
          const c = prev!.creating.get(KEY)!;
          const next = sent.filter((m) => m.verb === "create");
          const batchDone = prev!.client.pending.get(ev.id)?.purpose === "create-pod" && c.inflight === 1;
          const startsNext = batchDone && ev.ok && c.failed === 0 && c.index + 1 < c.batches.length;
          expect(next.length).toBe(startsNext ? c.batches[c.index + 1]! : 0);
        } else expect(sent.filter((m) => m.resource === "pods" && ["create", "delete"].includes(m.verb))).toEqual([]);
        // Every pod the controller creates is owned by its ReplicaSet.
        for (const m of sent.filter((x) => x.verb === "create")) expect(m.body.metadata.ownerReferences).toEqual([replicaSetControllerRef(storeOf(ctx, 1).get(KEY)!)]);
        // contexts are values: the next step never changes this one
        prev = ctx;
      });
    }
    expect(seen.create).toBeGreaterThan(0);
    expect(seen.delete).toBeGreaterThan(0);
    expect(seen.status).toBeGreaterThan(0);
    expect(seen.failure).toBeGreaterThan(0);
  });

  it("a creation refused by quota records FailedCreate with the API server's words and sets ReplicaFailure on the next status", () => {
    const refused = paths.find((p) => p.steps.some((s) => s.event.type === "ApiResponse" && s.event.code === 403));
    expect(refused).toBeDefined();
    const events: any[] = [];
    replay(replicaSetControllerMachine, input, refused!, abstract, (_ev, _ctx, emitted) => {
      events.push(...emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.resource === "events"));
    });
    expect(events.map((m) => m.body)).toContainEqual(expect.objectContaining({ type: "Warning", reason: "FailedCreate", message: `Error creating: ${quota}` }));
    const failing = paths.flatMap((p) => p.steps).map((s) => storeOf(s.state.context, 1).get(KEY)?.status?.conditions?.[0]).find((c) => c?.type === "ReplicaFailure");
    expect(failing).toMatchObject({ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: quota });
  });
});
