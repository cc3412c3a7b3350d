import type { Store } from "../common/client.js";
import { describe, expect, it } from "vitest";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { deploymentControllerMachine } from "./deployment.machine.js";
import type { DeploymentControllerContext } from "./deployment.controller.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The API server's side: list answers to the three informers (ids 1-3: Deployments, ReplicaSets,
// Pods), a new image for the Deployment, and for each write the watch event it causes and its answer.
// Pods are not modelled: a ReplicaSet's pods are taken to be ready as soon as it is scaled.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const input = { token: "deployment-controller-token" };
const KEY = "default/web";
const deployment = (image: string, generation: number, rv: string): Deployment => ({
  apiVersion: "apps/v1", kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "d-uid", resourceVersion: rv, generation },
  spec: {
    replicas: 2, selector: { matchLabels: { app: "web" } }, progressDeadlineSeconds: 600, revisionHistoryLimit: 10,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image }] } },
  },
  status: {},
});
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "apps/v1", metadata: { resourceVersion: "10" }, items }, ...stamp });
const lists = [list(1, "DeploymentList", [deployment("nginx:1.26", 1, "5")]), list(2, "ReplicaSetList", []), list(3, "PodList", [])];
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });

const storeOf = (ctx: DeploymentControllerContext, id: number): Store => ctx.client.informers.get(id)!.store;
/** A ReplicaSet as stored once its pods are all up: status follows spec at once. */
const settled = (rs: ReplicaSet, rv: string, uid?: string): ReplicaSet => {
  const n = rs.spec?.replicas ?? 0;
  return { ...rs, metadata: { ...rs.metadata, resourceVersion: rv, uid: uid ?? rs.metadata?.uid, creationTimestamp: "2023-11-14T22:13:20Z" }, status: { replicas: n, fullyLabeledReplicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: 1 } };
};

/** The API server's next resourceVersion: above everything the informers have seen (they drop older events). */
const nextRv = (ctx: DeploymentControllerContext) => String(Math.max(10, ...[...ctx.client.informers.values()].flatMap((i) => [...i.store.values()].map((o: any) => Number(o.metadata.resourceVersion)))) + 1);

/** What the API server and the controller's own queue could deliver next. */
function nextEvents(ctx: DeploymentControllerContext): any[] {
  const out: any[] = lists.filter((l) => ctx.client.pending.has(l.id));
  if (ctx.q.kicked) out.push({ type: "ProcessNext", from: "deployment-controller", now: NOW });
  const d = storeOf(ctx, 1).get(KEY);
  // kubectl set image: the rollout to nginx:1.27, once the first ReplicaSet is up.
  if (d && d.spec.template.spec.containers[0].image === "nginx:1.26" && storeOf(ctx, 2).size === 1) out.push(watch(1, "MODIFIED", { ...deployment("nginx:1.27", 2, nextRv(ctx)), metadata: { ...d.metadata, resourceVersion: nextRv(ctx), generation: 2 }, status: d.status }));
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose === "informer-list" || p.purpose === "event") continue;
    const body = p.req.body;
    out.push({ type: "ApiResponse", id, ok: true, code: p.req.verb === "create" ? 201 : 200, object: body ?? {}, ...stamp });
    const rss = storeOf(ctx, 2);
    if (p.purpose === "create-rs" && !rss.has(`default/${body.metadata.name}`)) out.push(watch(2, "ADDED", settled(body, nextRv(ctx), `uid-${body.metadata.name}`)));
    else if (p.purpose === "scale-rs") {
      const cur = rss.get(`default/${p.req.name}`);
      if (cur && cur.spec.replicas !== body.spec.replicas) out.push(watch(2, "MODIFIED", settled({ ...body, metadata: { ...body.metadata, uid: cur.metadata.uid } }, nextRv(ctx))));
    } else if (p.purpose === "status" && d && JSON.stringify(d.status) !== JSON.stringify(body.status)) out.push(watch(1, "MODIFIED", { ...d, metadata: { ...d.metadata, resourceVersion: nextRv(ctx) }, status: body.status }));
  }
  return out;
}

const abstract = (ctx: DeploymentControllerContext) => {
  const d = storeOf(ctx, 1).get(KEY);
  return {
    synced: [...ctx.client.informers.values()].map((i) => i.synced),
    image: d?.spec.template.spec.containers[0].image ?? null,
    status: d ? [d.status?.replicas ?? 0, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0] : null,
    rss: [...storeOf(ctx, 2).values()].map((rs: any) => `${rs.metadata.name}=${rs.spec.replicas}`).sort(),
    queue: [ctx.q.waiting.toArray(), [...ctx.q.processing.keys()], [...ctx.q.limiter.failures.keys()], ctx.q.kicked],
    pending: [...new Set([...ctx.client.pending.values()].filter((p) => p.purpose !== "event" && p.purpose !== "informer-list").map((p) => `${p.purpose}:${p.req.name ?? p.req.body?.metadata?.name ?? ""}`))].sort(),
  };
};

const writesOf = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.resource === "replicasets" && ["create", "update", "delete"].includes(m.verb));

// ---- the oracle: Kubernetes' rolling update, written out from pkg/controller/deployment ----------
// (rolling.go rolloutRolling, reconcileNewReplicaSet, reconcileOldReplicaSets,
// scaleDownOldReplicaSetsForRollingUpdate; util/deployment_util.go NewRSNewReplicas, MaxSurge,
// MaxUnavailable), for this Deployment: 2 replicas, maxSurge 25% (rounded up: 1), maxUnavailable
// 25% (rounded down: 0). Nothing here calls the controller's logic.
const REPLICAS = 2;
const MAX_SURGE = 1;
const MAX_UNAVAILABLE = 0;
const replicasOf = (rs: ReplicaSet) => rs.spec?.replicas ?? 0;
const availableOf = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;
const imageOf = (o: { spec?: any }) => o.spec?.template?.spec?.containers?.[0]?.image;
const sum = (rss: ReplicaSet[], f: (rs: ReplicaSet) => number) => rss.reduce((n, rs) => n + f(rs), 0);
const byAge = (a: ReplicaSet, b: ReplicaSet) => (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? "") || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

/** NewRSNewReplicas for RollingUpdate: scale up to replicas + maxSurge pods in all, never past replicas. */
function newRSNewReplicas(all: ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const current = sum(all, replicasOf);
  const have = newRS ? replicasOf(newRS) : 0;
  if (current >= REPLICAS + MAX_SURGE) return have;
  return have + Math.min(REPLICAS + MAX_SURGE - current, REPLICAS - have);
}

/** What one sync scales (ReplicaSet name -> replicas), in Kubernetes' order: the new one first; only when it does not move, the old ones. */
function rollingScales(newRS: ReplicaSet, old: ReplicaSet[]): Map<string, number> {
  const all = [...old, newRS];
  const out = new Map<string, number>();
  // reconcileNewReplicaSet
  if (replicasOf(newRS) > REPLICAS) return out.set(newRS.metadata!.name!, REPLICAS);
  if (replicasOf(newRS) < REPLICAS) {
    const n = newRSNewReplicas(all, newRS);
    if (n !== replicasOf(newRS)) return out.set(newRS.metadata!.name!, n);
  }
  // reconcileOldReplicaSets (every ReplicaSet here is healthy: status follows spec, so cleanupUnhealthyReplicas removes none)
  if (sum(old, replicasOf) === 0) return out;
  const minAvailable = REPLICAS - MAX_UNAVAILABLE;
  const maxScaledDown = sum(all, replicasOf) - minAvailable - (replicasOf(newRS) - availableOf(newRS));
  if (maxScaledDown <= 0) return out;
  // scaleDownOldReplicaSetsForRollingUpdate: down to minAvailable available pods, oldest first
  const total = sum(all, availableOf) - minAvailable;
  let done = 0;
  for (const rs of [...old].sort(byAge)) {
    if (done >= total) break;
    if (replicasOf(rs) === 0) continue;
    const down = Math.min(replicasOf(rs), total - done);
    out.set(rs.metadata!.name!, replicasOf(rs) - down);
    done += down;
  }
  return out;
}

describe("deployment controller machine paths (model-based)", () => {
  const model = modelFor(deploymentControllerMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition a rolling sync creates the new ReplicaSet and scales as Kubernetes' rolling update does (surge 1, unavailable 0)", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const path of paths) {
      let prev: DeploymentControllerContext | undefined;
      replay(deploymentControllerMachine, input, path, abstract, (ev, ctx: DeploymentControllerContext, emitted) => {
        const before = prev;
        // contexts are values: the next step never changes this one
        prev = ctx;
        const writes = writesOf(emitted);
        if (ev.type !== "ProcessNext" || before!.q.waiting.first() !== KEY) return expect(writes).toEqual([]);
        const d: Deployment = storeOf(before!, 1).get(KEY);
        const rsList = [...storeOf(before!, 2).values()] as ReplicaSet[];
        // The new ReplicaSet is the one whose pod template is the Deployment's (here: the same image).
        const newRS = rsList.find((rs) => imageOf(rs) === imageOf(d));
        const old = rsList.filter((rs) => rs !== newRS);
        // No revision history to prune (limit 10) and no scaling event (replicas never change): nothing is deleted.
        expect(writes.filter((m) => m.verb === "delete")).toEqual([]);
        if (newRS === undefined) {
          seen.add(rsList.length === 0 ? "first" : "rollout");
          const revision = String(rsList.length + 1);
          expect(writes.map((m) => m.verb)).toEqual(["create"]);
          const body: ReplicaSet = writes[0].body;
          const hash = body.metadata?.labels?.["pod-template-hash"];
          expect(hash).toMatch(/^[a-z0-9]+$/);
          expect(body).toMatchObject({
            metadata: {
              name: `web-${hash}`, namespace: "default", labels: { app: "web", "pod-template-hash": hash },
              annotations: { "deployment.kubernetes.io/revision": revision, "deployment.kubernetes.io/desired-replicas": "2", "deployment.kubernetes.io/max-replicas": "3" },
              ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-uid", controller: true, blockOwnerDeletion: true }],
            },
            spec: {
              replicas: newRSNewReplicas(rsList, undefined),
              selector: { matchLabels: { app: "web", "pod-template-hash": hash } },
              template: { metadata: { labels: { app: "web", "pod-template-hash": hash } }, spec: { containers: [{ name: "c", image: imageOf(d) }] } },
            },
          });
          return;
        }
        const want = rollingScales(newRS, old);
        const updates = writes.filter((m) => m.verb === "update");
        const cached = new Map(rsList.map((rs) => [rs.metadata!.name!, replicasOf(rs)]));
        // What a sync writes is each scale; an update that keeps the size only syncs the new ReplicaSet's annotations.
        const scaled = new Map<string, number>(updates.filter((m) => m.body.spec.replicas !== cached.get(m.name)).map((m) => [m.name, m.body.spec.replicas]));
        for (const m of updates) if (m.body.spec.replicas === cached.get(m.name)) expect(m.name).toBe(newRS.metadata!.name);
        expect(scaled).toEqual(want);
        if ([...want].some(([n, r]) => n !== newRS.metadata!.name && r === 0)) seen.add("old scaled to 0");
        if ([...want].some(([n, r]) => n === newRS.metadata!.name && r > cached.get(n)!)) seen.add("scaled up");
      });
    }
    expect([...seen].sort()).toEqual(["first", "old scaled to 0", "rollout", "scaled up"]);
  });
});
