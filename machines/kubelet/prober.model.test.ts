import { describe, expect, it } from "vitest";
import { createTestModel } from "@xstate/graph";
import type { AnyStateMachine } from "xstate";
import type { Probe } from "kubernetes-types/core/v1";
import { probeWorkerMachine, type ProbeEvent, type ProbeKind } from "./prober.machine.js";
import { lifecycleOf } from "../common/lifecycle.js";
import { isolated, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations are prober/worker.go's and the probe documentation's: the first probe after
// initialDelaySeconds, then one every periodSeconds; the result flips to Success after
// successThreshold successes in a row and to Failure after failureThreshold failures in a row;
// readiness starts Failure, liveness Success, startup Unknown.

/** createTestModel refuses charts with `after`; the delayed events are sent here as ordinary events (the kubelet does so when the runtime's timer fires). */
function timedModel(machine: AnyStateMachine, input: unknown, events: (s: any) => any[], abstract: (ctx: any) => unknown) {
  const m = Object.create(isolated(machine));
  Object.defineProperty(m, "root", { value: { invoke: [], after: [], entry: [], exit: [], transitions: new Map(), states: {} } });
  const model = createTestModel(m, { input, serializeState: serializeBy(abstract) } as any);
  (model as any).options.events = events;
  (model as any).options.limit = 10_000;
  return model;
}

const firstTick = { type: "xstate.after.initialDelay.probeWorker.worker.ticker.initialDelay" } as never;
const nextTick = { type: "xstate.after.period.probeWorker.worker.ticker.probing" } as never;
const lc = lifecycleOf(probeWorkerMachine);
const result = (s: { value: unknown }) => (s.value as { worker: { result: string } }).worker.result;

/** Runs a probe worker through a script of probe answers; returns the times it probed and the results after each answer. */
function run(kind: ProbeKind, spec: Probe, answers: Array<"ok" | "fail">): { probedAt: number[]; results: string[] } {
  let step = lc.start({ kind, spec });
  let now = 0;
  const probedAt: number[] = [];
  const results: string[] = [];
  for (const answer of answers) {
    const timer = step.timers[0]!;
    now += timer.delayMs;
    step = lc.step(step.snapshot, timer.event as never);
    expect(step.outputs).toEqual([{ type: "Probe" }]);
    probedAt.push(now);
    const timers = step.timers;
    step = { ...lc.step(step.snapshot, { type: answer === "ok" ? "ProbeSucceeded" : "ProbeFailed" }), timers };
    results.push(result(step.snapshot));
  }
  return { probedAt, results };
}

describe("the probe worker (prober/worker.go)", () => {
  it("starts with the result prober/results gives each kind: readiness Failure, liveness Success, startup Unknown", () => {
    expect((["readiness", "liveness", "startup"] as const).map((kind) => result(lc.start({ kind, spec: {} }).snapshot))).toEqual(["Failure", "Success", "Unknown"]);
  });

  it("a liveness probe with periodSeconds 10 and failureThreshold 3 fails on its third failure in a row, 30 s after the first probe", () => {
    const r = run("liveness", { periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 5 }, ["ok", "fail", "fail", "fail"]);
    expect(r.probedAt).toEqual([5_000, 15_000, 25_000, 35_000]);
    expect(r.results).toEqual(["Success", "Success", "Success", "Failure"]);
  });

  it("a success between failures starts the failure count again", () => {
    const r = run("liveness", { periodSeconds: 1, failureThreshold: 2 }, ["fail", "ok", "fail", "fail"]);
    expect(r.results).toEqual(["Success", "Success", "Success", "Failure"]);
  });

  it("readiness with successThreshold 2 turns Success on the second success in a row, and the defaults are period 10 s, no delay", () => {
    const r = run("readiness", { successThreshold: 2 }, ["ok", "fail", "ok", "ok"]);
    expect(r.probedAt).toEqual([0, 10_000, 20_000, 30_000]);
    expect(r.results).toEqual(["Failure", "Failure", "Failure", "Success"]);
  });

  it("a stopped worker cancels its pending tick and never probes again", () => {
    const started = lc.start({ kind: "readiness", spec: { initialDelaySeconds: 3 } });
    const stopped = lc.step(started.snapshot, { type: "Stop" });
    expect(stopped.cancels).toEqual([started.timers[0]!.id]);
    expect(lc.step(stopped.snapshot, firstTick).outputs).toEqual([]);
  });

  it("on paths through every transition, ticks never change the result and answers never change the ticking", () => {
    const events: ProbeEvent[] = [{ type: "ProbeSucceeded" }, { type: "ProbeFailed" }, { type: "AlreadySucceeded" }, { type: "Stop" }, firstTick, nextTick];
    // Counts past the thresholds (2) behave alike.
    const abstract = (c: any) => [Math.min(c.successes, 2), Math.min(c.failures, 2)];
    for (const kind of ["readiness", "liveness", "startup"] as const) {
      const input = { kind, spec: { successThreshold: 2, failureThreshold: 2 } };
      const paths = transitionPaths(timedModel(probeWorkerMachine, input, (s: any) => events.filter((e) => s.can(e)), abstract), serializeBy(abstract));
      expect(paths.length).toBeGreaterThan(10);
      for (const p of paths) {
        let snap = lc.start(input).snapshot;
        for (const step of p.steps.slice(1)) {
          const next = lc.step(snap, step.event).snapshot;
          const [b, a] = [(snap.value as any).worker, (next.value as any).worker];
          if (step.event.type.startsWith("xstate.after") || step.event.type === "Stop") expect(a.result).toBe(b.result);
          else expect(a.ticker).toBe(b.ticker);
          snap = next;
        }
      }
    }
  });
});
