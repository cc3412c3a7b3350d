import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { deploymentSyncMachine } from "./sync.machine.js";
import { deploymentControllerMachine } from "./deployment.machine.js";
import { lifecycleOf } from "../common/lifecycle.js";
import { lifecycleModelFor, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations are client-go's and the Deployment controller's: syncDeployment's calls block
// (each Create/Update/Delete returns before the next is made), rolloutRolling, rolloutRecreate and
// scale() return at the first error ("Return as soon as we fail, the deployment is requeued"), and
// processNextWorkItem's handleErr forgets a key whose sync returned nil and adds it rate-limited
// otherwise.

const lc = lifecycleOf(deploymentSyncMachine);
const sync = (writes: string[]) => ({ type: "Sync" as const, writes });

describe("a Deployment's sync, one request at a time (sync.machine.ts)", () => {
  it("on paths through every transition, a write goes out only after the one before it is answered, and the first error drops the rest", () => {
    const events = [sync([]), sync(["create", "scale", "status"]), { type: "Answered" }, { type: "Failed" }];
    const model = lifecycleModelFor(deploymentSyncMachine, events, (c) => c.pending);
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy((c) => c.pending))) {
      let s = lc.start(undefined);
      // the oracle: the writes the blocking sync has left, and whether one is out
      let left: string[] = [];
      let out = false;
      for (const step of p.steps.slice(1)) {
        const e = step.event as { type: string; writes?: string[] };
        const next = lc.step(s.snapshot, e as never);
        taken.add(`${JSON.stringify(s.snapshot.value)} ${e.type}${e.writes ? e.writes.length : ""}`);
        let want: unknown[] = [];
        if (e.type === "Sync" && !out) {
          // a sync with nothing to write returns nil at once
          if (e.writes!.length === 0) want = [{ type: "SyncSucceeded" }];
          else [want, left, out] = [[{ type: "SendRequest", write: e.writes![0] }], e.writes!.slice(1), true];
        } else if (e.type === "Answered" && out) {
          if (left.length > 0) [want, left] = [[{ type: "SendRequest", write: left[0] }], left.slice(1)];
          else [want, out] = [[{ type: "SyncSucceeded" }], false];
        } else if (e.type === "Failed" && out) [want, left, out] = [[{ type: "SyncFailed" }], [], false];
        expect(next.outputs, `${JSON.stringify(s.snapshot.value)} ${e.type}`).toEqual(want);
        expect(next.snapshot.value).toBe(out ? "AwaitingAnswer" : "Idle");
        expect(next.snapshot.context.pending).toEqual(left);
        s = next;
      }
    }
    expect([...taken].filter((t) => !t.includes("Idle\" Answered") && !t.includes("Idle\" Failed") && !t.includes("AwaitingAnswer\" Sync")).sort()).toEqual([
      "\"AwaitingAnswer\" Answered", "\"AwaitingAnswer\" Failed", "\"Idle\" Sync0", "\"Idle\" Sync3",
    ]);
  });
});

// The controller around the chart: a Recreate Deployment with two old ReplicaSets still up.
// rolloutRecreate's scaleDownOldReplicaSetsForRecreate scales each to 0 in turn and returns at the
// first error; syncRolloutStatus comes only after both.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const deployment: Deployment = {
  apiVersion: "apps/v1", kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "d-uid", resourceVersion: "5", generation: 3 },
  spec: {
    replicas: 2, selector: { matchLabels: { app: "web" } }, strategy: { type: "Recreate" },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.28" }] } },
  },
  status: {},
};
const oldRS = (name: string, image: string, created: string, revision: string): ReplicaSet => ({
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: {
    name, namespace: "default", uid: `uid-${name}`, resourceVersion: "7", creationTimestamp: created,
    labels: { app: "web", "pod-template-hash": name.slice(4) },
    annotations: { "deployment.kubernetes.io/revision": revision, "deployment.kubernetes.io/desired-replicas": "2", "deployment.kubernetes.io/max-replicas": "2" },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-uid", controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    replicas: 1, selector: { matchLabels: { app: "web", "pod-template-hash": name.slice(4) } },
    template: { metadata: { labels: { app: "web", "pod-template-hash": name.slice(4) } }, spec: { containers: [{ name: "c", image }] } },
  },
  status: { replicas: 1, availableReplicas: 1, readyReplicas: 1 },
});
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp });

function started() {
  const actor = createActor(deploymentControllerMachine, { input: { token: "t" } });
  let emitted: any[] = [];
  actor.on("effects" as never, (e: any) => void emitted.push(e));
  actor.start();
  actor.send(list(1, "DeploymentList", [deployment]) as never);
  actor.send(list(2, "ReplicaSetList", [oldRS("web-aaaa", "nginx:1.26", "2023-11-14T22:00:00Z", "1"), oldRS("web-bbbb", "nginx:1.27", "2023-11-14T22:10:00Z", "2")]) as never);
  actor.send(list(3, "PodList", []) as never);
  const take = () => {
    const all = emitted;
    emitted = [];
    const reqs = all.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.resource !== "events");
    return { reqs, timers: all.flatMap((e) => e.timers), events: all.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.resource === "events") };
  };
  take();
  return { actor, take };
}

describe("the Deployment controller sends a sync's writes one by one", () => {
  it("scales the older ReplicaSet to 0, and only once that is answered the other, then writes status", () => {
    const { actor, take } = started();
    actor.send({ type: "ProcessNext", ...stamp, from: "deployment-controller" } as never);
    let { reqs } = take();
    expect(reqs.map((r: any) => `${r.verb} ${r.resource} ${r.name}`)).toEqual(["update replicasets web-aaaa"]);
    expect(reqs[0].body.spec.replicas).toBe(0);
    actor.send({ type: "ApiResponse", id: reqs[0].id, ok: true, code: 200, object: reqs[0].body, ...stamp } as never);
    const second = take();
    reqs = second.reqs;
    // the first scale's event, then the second scale
    expect(second.events.map((e: any) => e.body.message)).toEqual(["Scaled down replica set web-aaaa from 1 to 0"]);
    expect(reqs.map((r: any) => `${r.verb} ${r.resource} ${r.name}`)).toEqual(["update replicasets web-bbbb"]);
    actor.send({ type: "ApiResponse", id: reqs[0].id, ok: true, code: 200, object: reqs[0].body, ...stamp } as never);
    reqs = take().reqs;
    expect(reqs.map((r: any) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ""} ${r.name}`)).toEqual(["update deployments/status web"]);
    actor.send({ type: "ApiResponse", id: reqs[0].id, ok: true, code: 200, object: reqs[0].body, ...stamp } as never);
    const end = take();
    expect(end.reqs).toEqual([]);
    // a clean sync is Forgotten and leaves nothing to retry
    expect(end.timers.filter((t: any) => t.key === "requeue/default/web")).toEqual([]);
    expect(actor.getSnapshot().context.q.processing.size).toBe(0);
    actor.stop();
  });

  it("stops at the first error: the other ReplicaSet and the status are not written, and the key comes back rate-limited", () => {
    const { actor, take } = started();
    actor.send({ type: "ProcessNext", ...stamp, from: "deployment-controller" } as never);
    const { reqs } = take();
    expect(reqs.map((r: any) => r.name)).toEqual(["web-aaaa"]);
    actor.send({ type: "ApiResponse", id: reqs[0].id, ok: false, code: 409, status: { reason: "Conflict", message: "the object has been modified" }, ...stamp } as never);
    const after = take();
    expect(after.reqs).toEqual([]);
    expect(after.events).toEqual([]);
    // handleErr: AddRateLimited, the first retry after the base delay of 5 ms
    expect(after.timers.filter((t: any) => t.key === "requeue/default/web").map((t: any) => [t.ms, t.event])).toEqual([[5, { type: "Requeue", key: "default/web" }]]);
    expect(actor.getSnapshot().context.q.processing.size).toBe(0);
    actor.stop();
  });
});
