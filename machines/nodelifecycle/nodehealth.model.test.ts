import { describe, expect, it } from "vitest";
import { nodeHealthMachine, type NodeHealthEvent, type ReadyStatus } from "./nodehealth.machine.js";
import { lifecycleOf, stateName, type LifecycleStep } from "../common/lifecycle.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations are Kubernetes' (node_lifecycle_controller.go, v1.35 defaults): the controller
// looks at every node each --node-monitor-period (5 s); a node whose last sign of life (a Ready
// heartbeat or a Lease renewal) is more than --node-monitor-grace-period (50 s) old is marked
// Ready=Unknown with reason NodeStatusUnknown; one that never posted status gets
// --node-startup-grace-period (60 s) and reason NodeStatusNeverUpdated; only the kubelet posting
// Ready again brings it back.

const lc = lifecycleOf(nodeHealthMachine);
const input = { gracePeriodMs: 50_000, startupGracePeriodMs: 60_000 };
const top = (value: unknown) => stateName(value).split(".")[0];

type Beat = { at: number; ready: ReadyStatus; probe?: number };

/**
 * Runs one node's chart on a clock: the kubelet's observations at their times, the monitor pass
 * every 5 s, the chart's own timers. Returns when each output came (s) and the state at the end.
 */
function run(beats: Beat[], untilMs: number, opts = input): { outputs: Array<[number, string]>; state: string; states: Array<[number, string]> } {
  const outputs: Array<[number, string]> = [];
  const states: Array<[number, string]> = [];
  const timers = new Map<string, { at: number; event: { type: string } }>();
  let s: LifecycleStep<typeof nodeHealthMachine> = lc.start(opts);
  const take = (next: LifecycleStep<typeof nodeHealthMachine>, now: number) => {
    for (const id of next.cancels) timers.delete(id);
    for (const t of next.timers) timers.set(t.id, { at: now + t.delayMs, event: t.event });
    for (const o of next.outputs) outputs.push([now / 1000, o.type]);
    if (stateName(next.snapshot.value) !== stateName(s.snapshot.value)) states.push([now / 1000, stateName(next.snapshot.value)]);
    s = next;
  };
  const pending = [...beats].sort((a, b) => a.at - b.at);
  for (let pass = 5_000; pass <= untilMs; pass += 5_000) {
    // Everything due before this pass, in time order: observations and the chart's timers.
    for (;;) {
      const timer = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      const beat = pending[0];
      const tAt = timer && timer[1].at <= pass ? timer[1].at : Infinity;
      const bAt = beat && beat.at <= pass ? beat.at : Infinity;
      if (tAt === Infinity && bAt === Infinity) break;
      if (bAt <= tAt) {
        pending.shift();
        take(lc.step(s.snapshot, { type: "NodeStatusObserved", ready: beat!.ready, probeMs: beat!.probe ?? beat!.at, now: beat!.at }), beat!.at);
      } else {
        timers.delete(timer![0]);
        take(lc.step(s.snapshot, timer![1].event as NodeHealthEvent), tAt);
      }
    }
    take(lc.step(s.snapshot, { type: "MonitorNodeHealth", now: pass }), pass);
  }
  return { outputs, state: stateName(s.snapshot.value), states };
}

describe("a node's health (tryUpdateNodeHealth)", () => {
  it("a node whose kubelet last posted at 0 s is marked Unknown (NodeStatusUnknown) at the first 5 s pass past the 50 s grace period: 55 s", () => {
    const r = run([{ at: 0, ready: "True" }], 120_000);
    expect(r.outputs).toEqual([[55, "NodeStatusUnknown"]]);
    expect(top(r.state)).toBe("Unknown");
  });

  it("with --node-monitor-grace-period=40s (before v1.32) the same node is Unknown at 45 s", () => {
    expect(run([{ at: 0, ready: "True" }], 120_000, { ...input, gracePeriodMs: 40_000 }).outputs).toEqual([[45, "NodeStatusUnknown"]]);
  });

  it("a node silent since 3 s is not Unknown at 53 s (exactly the grace period) but at the pass after, 55 s", () => {
    expect(run([{ at: 3_000, ready: "True" }], 120_000).outputs).toEqual([[55, "NodeStatusUnknown"]]);
    expect(run([{ at: 5_000, ready: "True", probe: 5_000 }], 120_000).outputs).toEqual([[60, "NodeStatusUnknown"]]);
  });

  it("Lease renewals every 10 s keep a node Ready for 10 minutes though it posts status only at 0 s", () => {
    const leases = Array.from({ length: 60 }, (_, i) => ({ at: i * 10_000, ready: "True" as const }));
    const r = run(leases, 600_000);
    expect(r.outputs).toEqual([]);
    expect(top(r.state)).toBe("Ready");
  });

  it("a node that never posted status is marked NodeStatusNeverUpdated at the first pass past the 60 s startup grace period: 65 s", () => {
    expect(run([{ at: 0, ready: undefined }], 120_000).outputs).toEqual([[65, "NodeStatusNeverUpdated"]]);
  });

  it("a node posting Ready=False stays NotReady (not Unknown) while it posts, and goes Unknown when it stops", () => {
    const posts = Array.from({ length: 10 }, (_, i) => ({ at: i * 10_000, ready: "False" as const }));
    const r = run(posts, 200_000);
    expect(r.states[0]).toEqual([0, "NotReady.posting"]);
    expect(r.outputs).toEqual([[145, "NodeStatusUnknown"]]);
  });

  it("an Unknown node is Ready again as soon as the kubelet posts Ready=True, and stays Unknown while the cache says Unknown", () => {
    const r = run([{ at: 0, ready: "True" }, { at: 60_000, ready: "Unknown", probe: 0 }, { at: 90_000, ready: "True" }], 120_000);
    expect(r.states.map(([t, st]) => [t, top(st)])).toEqual([[0, "Ready"], [50.001, "Ready"], [55, "Unknown"], [90, "Ready"]]);
    expect(r.outputs).toEqual([[55, "NodeStatusUnknown"]]);
  });

  it("on paths through every transition, a pass marks a node Unknown only when its grace period ran out since the last sign of life", () => {
    const graceOver = ["xstate.after.nodeMonitorGracePeriod.nodeHealth.Ready.posting", "xstate.after.nodeMonitorGracePeriod.nodeHealth.NotReady.posting", "xstate.after.nodeStartupGracePeriod.nodeHealth.NeverPosted.starting"];
    const events: NodeHealthEvent[] = [
      ...(["True", "False", "Unknown", undefined] as const).map((ready) => ({ type: "NodeStatusObserved" as const, ready, probeMs: 10_000, now: 20_000 })),
      { type: "MonitorNodeHealth", now: 80_000 },
      ...graceOver.map((type) => ({ type }) as never),
    ];
    const model = afterAsEventsModel(nodeHealthMachine, events, input);
    const paths = transitionPaths(model, serializeBy(() => null));
    const taken = new Set<string>();
    for (const p of paths) {
      let s = lc.start(input);
      let silent = false;
      for (const step of p.steps.slice(1)) {
        const e = step.event as NodeHealthEvent;
        const before = stateName(s.snapshot.value);
        const next = lc.step(s.snapshot, e);
        taken.add(`${before} ${e.type}${e.type === "NodeStatusObserved" ? `(${e.ready})` : ""}`);
        const after = top(next.snapshot.value);
        if (e.type === "NodeStatusObserved") {
          // The state names the Ready status the kubelet posted; the grace period counts from the last sign of life (10 s), seen at 20 s.
          expect(after).toBe(({ True: "Ready", False: "NotReady", Unknown: "Unknown" } as const)[e.ready as "True"] ?? "NeverPosted");
          const grace = e.ready === undefined ? 60_000 : 50_000;
          expect(next.timers.map((t) => t.delayMs)).toEqual(e.ready === "Unknown" ? [] : [10_000 + grace - 20_000 + 1]);
          silent = false;
        } else if (graceOver.includes(e.type)) silent = true;
        else if (e.type === "MonitorNodeHealth") {
          const expected = !silent || top(before) === "Unknown" ? [] : [top(before) === "NeverPosted" ? "NodeStatusNeverUpdated" : "NodeStatusUnknown"];
          expect(next.outputs.map((o) => o.type), `${before} pass`).toEqual(expected);
          expect(after).toBe(expected.length ? "Unknown" : top(before));
        }
        s = next;
      }
    }
    // Eight states each observe four Ready statuses; three grace timers; three passes that mark a silent node.
    expect(taken.size).toBe(8 * 4 + 3 + 3);
  });
});
