// Three more deliberately broken variants, each built from outside (machine.provide, or a wrapped
// send), each caught by its invariant with a short counterexample.
import { describe, it, expect } from "vitest";
import { enqueueActions, type AnyStateMachine } from "xstate";
import type { Cluster } from "../../runtime/cluster.js";
import { Fx } from "../../machines/common/effects.js";
import * as K from "../../machines/kubelet/kubelet.logic.js";
import * as S from "../../machines/scheduler/scheduler.logic.js";
import { runSpec, type RunSpec } from "../run.js";
import { invariants } from "../invariants/index.js";

const only = (...names: string[]) => invariants.filter((i) => names.includes(i.name));

/** Emits what a logic step asked for, as the real machines do. */
function stepWith(fn: (ctx: any, ev: any, fx: Fx) => void): any {
  return enqueueActions(({ context, event, enqueue }: any) => {
    const fx = new Fx();
    if (event.now !== undefined) context.now = event.now;
    fn(context, event, fx);
    if (!fx.empty) enqueue.emit(fx.toEvent() as never);
  });
}

/** A kubelet whose pod informer has no spec.nodeName selector: it starts every pod it sees, bound or not. */
function kubeletStartsUnboundPods(c: Cluster): void {
  c.runtime.replace("kubelet/node-1", (m: AnyStateMachine) =>
    m.provide({
      actions: {
        startKubelet: stepWith((ctx, _e, fx) => {
          // The Node authorizer refuses a kubelet's list of every pod: this mutant holds the admin's credentials.
          ctx.client.token = c.adminToken;
          K.startKubelet(ctx, fx);
          for (const inf of ctx.client.informers.values()) ctx.client.informers = ctx.client.informers.set(inf.watchId, { ...inf, fieldSelector: undefined });
          for (const s of fx.sends) delete (s.msg as any).fieldSelector;
        }),
      },
    }),
  );
}

/** An endpoints controller that ignores readiness: every not-ready address it writes is written as ready. */
function endpointsIgnoreReadiness(c: Cluster): void {
  c.runtime.sendHook = (from, to, msg) => {
    if (from !== "endpoints-controller" || to !== "apiserver" || msg.type !== "ApiRequest" || msg.resource !== "endpoints" || !msg.body?.subsets) return false;
    const body = structuredClone(msg.body);
    for (const ss of body.subsets) {
      if (!ss.notReadyAddresses) continue;
      ss.addresses = [...(ss.addresses ?? []), ...ss.notReadyAddresses];
      delete ss.notReadyAddresses;
    }
    c.runtime.post(from, to, { ...msg, body });
    return true;
  };
}

/** A scheduler that forgets what it assumed: each cycle's assumption is undone, so only bindings the watch confirmed count. */
function schedulerIgnoresAssumedPods(c: Cluster): void {
  c.runtime.replace("scheduler", (m: AnyStateMachine) =>
    m.provide({
      actions: {
        scheduleOne: stepWith((ctx, e, fx) => {
          // the cache's collections are values: keeping them is keeping the cache as it was
          const { nodeInfos, podsByNode } = ctx;
          S.scheduleOne(ctx, e.now, fx);
          ctx.nodeInfos = nodeInfos;
          ctx.podsByNode = podsByNode;
          delete ctx.snapshot;
        }),
      },
    }),
  );
}

const pod = (name: string, extra: any = {}, cpu = "100m") => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27", ports: [{ containerPort: 80, name: "http" }], resources: { requests: { cpu, memory: "64Mi" } }, ...extra }] } });
const spec = (objs: any[], steps: number, seed = 1): RunSpec => ({ scenario: "mutant", seed, nodes: 1, steps, faults: [], commands: objs.map((obj) => ({ op: "apply" as const, at: 0, obj })) });

// A pod named with spec.nodeName unset and a scheduler that is down: only a kubelet that starts unbound pods runs it.
const unboundPod = spec([pod("lonely")], 2_000);
const readinessPods = spec([
  { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] } },
  pod("slow", { readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 20, periodSeconds: 5 } }),
], 3_000);
const fillingPods = (seed: number) => spec([pod("big-1", {}, "3"), pod("big-2", {}, "3")], 2_000, seed);

describe("three more mutants are caught", () => {
  it("a kubelet that starts pods before their binding is visible is caught by neverRunningWithoutNodeName", () => {
    const r = runSpec(unboundPod, { invariants: only("neverRunningWithoutNodeName"), prepare: (c) => (c.runtime.crash("scheduler"), kubeletStartsUnboundPods(c)) });
    expect(r.violations).toEqual([expect.objectContaining({ invariant: "neverRunningWithoutNodeName", message: expect.stringContaining("pod default/lonely is Running") })]);
    expect(r.phase).toBe("safety");
    expect(r.steps).toBeLessThan(400);
  });
  it("an endpoints controller that ignores readiness is caught by endpointsOnlyReadyMatchingPods", () => {
    const r = runSpec(readinessPods, { invariants: only("endpointsOnlyReadyMatchingPods"), prepare: endpointsIgnoreReadiness });
    expect(r.violations[0]).toEqual({ invariant: "endpointsOnlyReadyMatchingPods", message: expect.stringMatching(/^Endpoints default\/web lists 10\.244\.0\.\d+ \(pod default\/slow\) as ready, but the pod is not Ready$/) });
    expect(r.steps).toBeLessThan(600);
  });
  it("a scheduler that ignores its assumed pods overfills a node and is caught by allocatableNeverExceeded", () => {
    const r = runSpec(fillingPods(1), { invariants: only("allocatableNeverExceeded"), prepare: schedulerIgnoresAssumedPods });
    expect(r.violations[0]).toEqual({ invariant: "allocatableNeverExceeded", message: "node node-1: pods request 6000m cpu, allocatable 4" });
    expect(r.steps).toBeLessThan(300);
  });
  it("the same three workloads keep every invariant without the mutations", () => {
    expect(runSpec(readinessPods).violations).toEqual([]);
    expect(runSpec(fillingPods(1)).violations).toEqual([]);
  });
  it("with the scheduler down and a correct kubelet nothing runs the pod, and the liveness phase fails as livenessUnderFairness", () => {
    const r = runSpec({ ...unboundPod, livenessBudgetMs: 60_000 }, { prepare: (c) => c.runtime.crash("scheduler") });
    expect(r.phase).toBe("liveness");
    expect(r.violations).toEqual([{ invariant: "livenessUnderFairness", message: "not converged within 60000 ms of simulated time under fair scheduling: pod default/lonely is Pending without a FailedScheduling event" }]);
  });
});
