import { beforeEach, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import { replicaSetControllerMachine, replicationControllerMachine } from "./replicaset.machine.js";
import type { ReplicaSetControllerContext } from "./replicaset.controller.js";
import type { Store } from "../common/client.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The API server's side: list answers to the two informers (ids 1: ReplicaSets, 2: Pods), the pods
// and ReplicaSet changes its watches deliver, and answers to the controller's creates, deletes and status writes.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const input = { token: "controller-manager-token" };
const KEY = "default/web";
// The same controller runs ReplicaSets (apps/v1) and ReplicationControllers (v1, a selector map):
// pkg/controller/replication is the ReplicaSet controller through a conversion adapter, so both
// kinds take the same paths and must give the same answers.
const kinds = {
  ReplicaSet: { machine: replicaSetControllerMachine, apiVersion: "apps/v1", selector: { matchLabels: { app: "web" } } },
  ReplicationController: { machine: replicationControllerMachine, apiVersion: "v1", selector: { app: "web" } },
} as const;
type Kind = keyof typeof kinds;
let KIND: Kind = "ReplicaSet";
const rs = (replicas: number, rv: string): ReplicaSet => ({
  apiVersion: kinds[KIND].apiVersion, kind: KIND,
  metadata: { name: "web", namespace: "default", uid: "rs-uid", resourceVersion: rv, generation: replicas === 2 ? 1 : 2 },
  spec: { replicas, selector: kinds[KIND].selector as never, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } } },
}) as ReplicaSet;
/** The controller reference every pod the ReplicaSet makes carries (metav1.NewControllerRef). */
const controllerRefOf = () => ({ apiVersion: kinds[KIND].apiVersion, kind: KIND, name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true });
const podNamed = (name: string, rv: string): Pod => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, generateName: "web-", namespace: "default", labels: { app: "web" }, ownerReferences: [controllerRefOf()], uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: "2023-11-14T22:13:20Z" },
  spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
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
  const out: any[] = [list(1, `${KIND}List`, [rs(2, "5")]), list(2, "PodList", [])].filter((l) => ctx.client.pending.has(l.id));
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

// ---- the oracle: Kubernetes' ReplicaSet controller, written out from pkg/controller/replicaset
// (replica_set.go syncReplicaSet, manageReplicas, slowStartBatch; replica_set_utils.go
// calculateStatus; controller_utils.go SatisfiedExpectations). Nothing here calls the controller's logic.
const BURST_REPLICAS = 500;
const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;
/** slowStartBatch(count, SlowStartInitialBatchSize = 1): 1, 2, 4, ... until count. */
const slowStart = (count: number): number[] => {
  const out: number[] = [];
  for (let size = Math.min(count, 1), left = count; size > 0; left -= size, size = Math.min(2 * size, left)) out.push(size);
  return out;
};
/** The pods the ReplicaSet owns that are still active (controller.FilterActivePods: not terminal, not being deleted). */
const ownedActive = (pods: Pod[]) => pods.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === "rs-uid" && r.controller) && !p.metadata?.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
/** SatisfiedExpectations: none recorded, all observed, or older than five minutes. */
const satisfied = (e: { add: number; del: number; timestampMs: number } | undefined, now: number) => e === undefined || (e.add <= 0 && e.del <= 0) || now - e.timestampMs > EXPECTATIONS_TIMEOUT_MS;
const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

describe.each(Object.keys(kinds) as Kind[])("%s controller machine paths (model-based)", (kind) => {
  KIND = kind;
  const machine = kinds[kind].machine;
  const controllerRef = controllerRefOf();
  const model = modelFor(machine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));
  // the module-level builders read KIND while the tests run, after every describe was collected
  beforeEach(() => void (KIND = kind));

  it("on a path through every transition a sync creates (slow start), deletes and writes status as Kubernetes' ReplicaSet controller does", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(30);
    const seen = { create: 0, delete: 0, status: 0, failure: 0, nextBatch: 0 };
    for (const path of paths) {
      let prev: ReplicaSetControllerContext | undefined;
      // the slow start under way: planned batch sizes, the batch sent, and its create requests not yet answered
      let run: { batches: number[]; index: number; open: Set<number>; failed: boolean } | undefined;
      replay(machine, input, path, abstract, (ev, ctx: ReplicaSetControllerContext, emitted) => {
        const sent = requests(emitted);
        const creates = sent.filter((m) => m.verb === "create" && m.resource === "pods");
        const deletes = sent.filter((m) => m.verb === "delete" && m.resource === "pods");
        if (ev.type === "ProcessNext" && prev!.q.waiting.first() === KEY) {
          const set: ReplicaSet = storeOf(prev!, 1).get(KEY)!;
          const active = ownedActive([...storeOf(prev!, 2).values()]);
          const diff = active.length - (set.spec?.replicas ?? 1);
          const manage = satisfied(prev!.expectations.get(KEY), ev.now);
          const want = !manage || diff === 0 ? [0, 0] : diff < 0 ? [slowStart(Math.min(-diff, BURST_REPLICAS))[0]!, 0] : [0, Math.min(diff, BURST_REPLICAS)];
          // Slow start: only the first batch (one pod) goes out; the next waits for it to succeed.
          expect([creates.length, deletes.length]).toEqual(want);
          if (creates.length > 0) run = { batches: slowStart(Math.min(-diff, BURST_REPLICAS)), index: 0, open: new Set(creates.map((m) => m.id)), failed: false };
          // Deletions pick distinct pods the ReplicaSet owns (ties in rank are Kubernetes' unstable sort: any of them).
          const owned = new Set(active.map((p) => p.metadata!.name));
          expect(new Set(deletes.map((m) => m.name)).size).toBe(deletes.length);
          for (const m of deletes) expect(owned.has(m.name)).toBe(true);
          const write = sent.find((m) => m.subresource === "status");
          if (write) expect([write.group, write.resource]).toEqual(kind === "ReplicaSet" ? ["apps", "replicasets"] : ["", "replicationcontrollers"]);
          const err = prev!.manageErr.get(KEY);
          const status = {
            replicas: active.length,
            fullyLabeledReplicas: active.filter((p) => p.metadata?.labels?.app === "web").length,
            readyReplicas: active.filter(isReady).length,
            availableReplicas: active.filter(isReady).length,
            observedGeneration: set.metadata?.generation,
          };
          const shown = write ? write.body.status : set.status ?? {};
          // ReplicaSetStatus writes replicas always, its other counts only when not zero (omitempty)
          const written = Object.fromEntries(Object.entries(status).filter(([k, v]) => k === "replicas" || (v !== 0 && v !== undefined)));
          const counts = Object.fromEntries(Object.keys(status).filter((k) => k in shown).map((k) => [k, shown[k]]));
          expect(counts).toEqual(written);
          // calculateStatus: a failed manageReplicas adds ReplicaFailure, its reason from the pod count at status time
          // (short: FailedCreate, over: FailedDelete), its message the error's; one already there is kept; a clean one removes it.
          const failure = (shown.conditions ?? []).filter((c: any) => c.type === "ReplicaFailure");
          const had = (set.status?.conditions ?? []).filter((c) => c.type === "ReplicaFailure");
          if (err === undefined) expect(failure).toEqual([]);
          else if (had.length > 0) expect(failure).toEqual(had);
          else expect(failure).toEqual([expect.objectContaining({ status: "True", reason: diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "", message: err })]);
          seen.create += creates.length;
          seen.delete += deletes.length;
          seen.status += write ? 1 : 0;
          if (failure.length > 0) seen.failure++;
        } else if (ev.type === "ApiResponse" && run?.open.has(ev.id)) {
          run.open.delete(ev.id);
          if (!ev.ok) run.failed = true;
          // A batch whose creations all succeeded starts the next one at once; an error stops the run.
          const startsNext = run.open.size === 0 && !run.failed && run.index + 1 < run.batches.length;
          expect(creates.length).toBe(startsNext ? run.batches[run.index + 1]! : 0);
          if (startsNext) {
            seen.nextBatch++;
            run = { ...run, index: run.index + 1, open: new Set(creates.map((m) => m.id)) };
          } else if (run.open.size === 0) run = undefined;
          expect(deletes).toEqual([]);
        } else expect([...creates, ...deletes]).toEqual([]);
        // Every pod is made from the template, named by the API server from generateName, and controlled by the ReplicaSet.
        for (const m of creates) {
          expect(m.body.metadata).toMatchObject({ generateName: "web-", namespace: "default", labels: { app: "web" }, ownerReferences: [controllerRef] });
          expect(m.body.spec.containers).toEqual([{ name: "c", image: "nginx:1.27" }]);
        }
        // contexts are values: the next step never changes this one
        prev = ctx;
      });
    }
    expect(seen.create).toBeGreaterThan(0);
    expect(seen.delete).toBeGreaterThan(0);
    expect(seen.status).toBeGreaterThan(0);
    expect(seen.failure).toBeGreaterThan(0);
    expect(seen.nextBatch).toBeGreaterThan(0);
  });

  it("a creation refused by quota records FailedCreate with the API server's words and sets ReplicaFailure on the next status", () => {
    const refused = paths.find((p) => p.steps.some((s) => s.event.type === "ApiResponse" && s.event.code === 403));
    expect(refused).toBeDefined();
    const events: any[] = [];
    replay(machine, input, refused!, abstract, (_ev, _ctx, emitted) => {
      events.push(...emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.resource === "events"));
    });
    expect(events.map((m) => m.body)).toContainEqual(expect.objectContaining({ type: "Warning", reason: "FailedCreate", message: `Error creating: ${quota}` }));
    const failing = paths.flatMap((p) => p.steps).map((s) => storeOf(s.state.context, 1).get(KEY)?.status?.conditions?.[0]).find((c) => c?.type === "ReplicaFailure");
    expect(failing).toMatchObject({ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: quota });
  });
});
