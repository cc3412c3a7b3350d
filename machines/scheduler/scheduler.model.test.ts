import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { schedulerMachine } from "./scheduler.machine.js";
import type { SchedulerContext } from "./scheduler.logic.js";
import { failedSchedulingMessage, schedulePod } from "./semantics.js";
import { preempt } from "./preemption.js";
import * as Q from "./queue.js";
import { Rng } from "../common/prng.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The API server's side: list answers to the eleven informers (ids 1-11: pods, nodes, PDBs,
// VolumeBinding's claims, volumes and StorageClasses, InterPodAffinity's namespaces, and
// PodTopologySpread's Services, ReplicationControllers, ReplicaSets and StatefulSets), watch
// events once an informer has listed, and answers to the bindings, events and status patches.
const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const input = { token: "scheduler-token", seed: 3 };
const node = {
  apiVersion: "v1", kind: "Node", metadata: { name: "node-1", uid: "node-uid", resourceVersion: "2", labels: { "kubernetes.io/hostname": "node-1" } },
  spec: {},
  status: { allocatable: { cpu: "1", memory: "2Gi", pods: "110" }, capacity: { cpu: "1", memory: "2Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
};
const pod = (name: string, cpu: string, rv: string, nodeName?: string): Pod => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: rv },
  spec: {
    ...(nodeName ? { nodeName } : {}),
    schedulerName: "default-scheduler", priority: 0, restartPolicy: "Always",
    containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu } } }],
  },
  status: { phase: "Pending" },
});
// small fits node-1's one CPU; big (2 CPUs) never fits, so it is unschedulable every cycle.
const pods = { small: pod("small", "500m", "11"), big: pod("big", "2", "12") };
const list = (id: number, kind: string, items: object[]) => ({ type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp });
const lists = [
  list(1, "PodList", []), list(2, "NodeList", [node]), list(3, "PodDisruptionBudgetList", []),
  list(4, "PersistentVolumeClaimList", []), list(5, "PersistentVolumeList", []), list(6, "StorageClassList", []),
  list(7, "NamespaceList", [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "default", labels: { "kubernetes.io/metadata.name": "default" } } }]),
  list(8, "ServiceList", []), list(9, "ReplicationControllerList", []), list(10, "ReplicaSetList", []), list(11, "StatefulSetList", []),
];
const watch = (watchId: number, eventType: string, object: object) => ({ type: "WatchEvent", watchId, eventType, object, ...stamp });
const conflict = (name: string) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Conflict", code: 409, details: { name, kind: "pods/binding" },
  message: `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "node-2"`,
});

/** The pods assumed on a node (their queue lifecycle in `assumed`), by key. */
const assumed = (ctx: SchedulerContext) => new Map([...ctx.queue.known.keys()].flatMap((k) => {
  const n = Q.assumedNode(ctx.queue, k);
  return n === undefined ? [] : [[k, n] as const];
}));

/** What the API server and the scheduler's own timers could deliver next. */
function nextEvents(ctx: SchedulerContext): any[] {
  // PodTopologySpread's four listers (ids 8-11) answer after the others, one at a time: their order
  // is no transition of the scheduler's, and every order of eleven lists would be 2^11 states to cover
  const spreadListers = lists.filter((l) => l.id >= 8 && ctx.client.pending.has(l.id));
  const out: any[] = lists.filter((l) => l.id < 8 && ctx.client.pending.has(l.id));
  if (out.length === 0 && spreadListers.length > 0) out.push(spreadListers[0]);
  const store = ctx.client.informers.get(1);
  if (store?.synced) {
    for (const p of Object.values(pods)) if (!store.store.has(`default/${p.metadata!.name}`)) out.push(watch(1, "ADDED", p));
    // The informer confirms a binding once the API server has written it.
    for (const [key, n] of assumed(ctx)) out.push(watch(1, "MODIFIED", pod(key.split("/")[1]!, "500m", "20", n)));
  }
  if (ctx.cycleQueued) out.push({ type: "ScheduleNext", from: "scheduler", now: NOW });
  if (ctx.queue.backoff.size > 0) out.push({ type: "FlushBackoffQ", from: "scheduler", now: NOW + 60_000 });
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose === "bind") {
      out.push({ type: "ApiResponse", id, ok: true, code: 201, object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }, ...stamp });
      out.push({ type: "ApiResponse", id, ok: false, code: 409, status: conflict(p.data.pod.metadata.name), ...stamp });
    } else if (p.purpose !== "informer-list") out.push({ type: "ApiResponse", id, ok: true, code: p.req.verb === "create" ? 201 : 200, object: p.req.body, ...stamp });
  }
  return out;
}

const abstract = (ctx: SchedulerContext) => ({
  stores: [...ctx.client.informers.values()].map((i) => [i.watchId, i.synced, [...i.store.keys()].sort()]),
  queue: [[...ctx.queue.known.keys()].filter((k) => !assumed(ctx).has(k)).sort(), [...ctx.queue.backoff.keys()].sort(), Q.hasActive(ctx.queue)],
  assumed: [...assumed(ctx)],
  cycleQueued: ctx.cycleQueued,
  pending: [...ctx.client.pending.values()].map((p) => `${p.purpose}:${p.req.name ?? ""}`).sort(),
});

const sentRequests = (emitted: any[]) => emitted.flatMap((e) => e.send).filter((s: any) => s.msg.type === "ApiRequest").map((s: any) => s.msg);

/** The scheduling cycle the scheduler runs, done by hand with the framework's pure functions from the state it ran from (a value: popping from a copy of its queue leaves it as it was). */
function referenceCycle(prev: SchedulerContext) {
  const qp = Q.popNext({ ...prev.queue });
  if (!qp) return undefined;
  const infos = prev.nodeOrder.toArray().map((n) => prev.nodeInfos.get(n)!);
  const rng = new Rng(prev.rng.state);
  const result = schedulePod(qp.pod, infos, prev.nextStartIndex, () => rng.next(), { pdbs: [] } as never);
  if (result.kind === "scheduled") return { pod: qp.pod, node: result.nodeName };
  const pre = preempt(qp.pod, infos, result.diagnosis, { pdbs: [] } as never);
  const base = failedSchedulingMessage(result.numAllNodes, result.diagnosis);
  return { pod: qp.pod, message: "message" in pre && pre.message ? `${base} ${pre.message}` : base };
}

/** The pods activeQ would hand out: popped from a copy of the queue. */
function activeKeys(q: Q.SchedulingQueue): string[] {
  const copy = { ...q };
  const out: string[] = [];
  for (let qp = Q.popNext(copy); qp !== undefined; qp = Q.popNext(copy)) out.push(qp.key);
  return out;
}

describe("scheduler machine paths (model-based)", () => {
  const model = modelFor(schedulerMachine, input, (s: any) => nextEvents(s.context), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition a cycle binds where schedulePod chooses, or reports failedSchedulingMessage's words as FailedScheduling and PodScheduled=False", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(20);
    let binds = 0;
    let failures = 0;
    for (const path of paths) {
      let prev: SchedulerContext | undefined;
      replay(schedulerMachine, input, path, abstract, (ev, ctx: SchedulerContext, emitted) => {
        const reqs = sentRequests(emitted);
        if (ev.type === "ScheduleNext") {
          const want = referenceCycle(prev!)!;
          expect(want).toBeDefined();
          const key = `default/${want.pod.metadata!.name}`;
          if ("node" in want) {
            binds++;
            expect(reqs).toEqual([expect.objectContaining({ verb: "create", resource: "pods", subresource: "binding", name: want.pod.metadata!.name, token: input.token })]);
            expect(reqs[0].body.target).toEqual({ apiVersion: "v1", kind: "Node", name: want.node });
            expect(assumed(ctx).get(key)).toBe(want.node);
          } else {
            failures++;
            expect(assumed(ctx).has(key)).toBe(false);
            const event = reqs.find((r) => r.resource === "events");
            // The same failure again is counted on the first event, as client-go's correlator does.
            if (event.verb === "create") expect(event.body).toMatchObject({ type: "Warning", reason: "FailedScheduling", message: want.message, involvedObject: { kind: "Pod", name: "big" } });
            else expect(event.body.count).toBeGreaterThan(1);
            const status = reqs.find((r) => r.subresource === "status");
            if (status) expect(status.body.status.conditions).toEqual([expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable", message: want.message })]);
          }
        } else if (ev.type === "ApiResponse" && prev!.client.pending.get(ev.id)?.purpose === "bind") {
          const p = prev!.client.pending.get(ev.id)!;
          if (ev.ok) expect(reqs).toEqual([expect.objectContaining({ verb: "create", resource: "events", body: expect.objectContaining({ type: "Normal", reason: "Scheduled", message: `Successfully assigned default/${p.data.pod.metadata.name} to node-1` }) })]);
          else {
            // A refused binding forgets the assumption and backs the pod off (unless the informer already confirmed it).
            expect(assumed(ctx).has(p.data.key)).toBe(false);
            expect(ctx.queue.backoff.has(p.data.key)).toBe(assumed(prev!).get(p.data.key) === p.data.node);
          }
        } else if (ev.type !== "xstate.init") expect(reqs.filter((r) => r.subresource === "binding")).toEqual([]);
        // A pod is assumed on a node exactly while its binding is outstanding or unconfirmed, and never also queued.
        for (const key of assumed(ctx).keys()) {
          expect(ctx.queue.backoff.has(key) || ctx.queue.unschedulable.has(key)).toBe(false);
          expect(activeKeys(ctx.queue)).not.toContain(key);
        }
        // the actor's next step returns a new context and leaves this one as it is
        prev = ctx;
      });
    }
    expect(binds).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0);
  });

  it("a pod asking more CPU than the node has is refused with the FitError text, and preemption is not tried", () => {
    const failed = paths.flatMap((p) => p.steps).find((s) => s.event.type === "ScheduleNext" && s.state.context.queue.known.has("default/big") && !assumed(s.state.context).has("default/big"));
    expect(failed).toBeDefined();
    const event = [...failed!.state.context.client.pending.values()].find((p: any) => p.req.resource === "events" && p.req.body?.reason === "FailedScheduling");
    expect(event?.req.body.message).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\.$/);
  });
});
