import { describe, expect, it } from "vitest";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { containerMachine, type ContainerLifecycleEvent } from "./container.machine.js";
import { sandboxMachine } from "./sandbox.machine.js";
import { imagePullMachine } from "./imagepull.machine.js";
import { lifecycleModelFor, serializeBy, transitionPaths } from "../../test/support/model.js";

// The oracle is the CRI's documented behaviour (runtime.v1 ContainerState; containerd's
// StopContainer: SIGTERM, then SIGKILL when the timeout ends), written out here as rules over
// state names, never taken from the machine under test.

const kubelet = "kubelet/node-1";
const afterHook = { type: "xstate.after.preStopHook.cri-container.CONTAINER_RUNNING.stopping.gracePeriod.preStop" };
const afterGrace = { type: "xstate.after.stopTimeout.cri-container.CONTAINER_RUNNING.stopping.gracePeriod" };
const events: Array<ContainerLifecycleEvent | { type: string }> = [
  { type: "Started", now: 1_000 },
  { type: "StartFailed", now: 1_000, message: 'exec: "nosuch": executable file not found in $PATH' },
  { type: "Stop", stop: { id: 5, from: kubelet, graceMs: 30_000, hookMs: 5_000 } },
  { type: "Stop", stop: { id: 6, from: kubelet, graceMs: 30_000, hookMs: 0 } },
  { type: "ProcessExited", now: 4_000, exitCode: 0, reason: "Completed" },
  { type: "ProcessExited", now: 31_000, exitCode: 137, reason: "Error" },
  afterHook,
  afterGrace,
];

type Expect = { state: string; outputs: unknown[]; delays: number[] };

/** What the runtime does with `event` in state `state` (with a StopContainer `stopId` pending or not). */
function oracle(state: string, stopId: number | undefined, ev: any): Expect {
  const same: Expect = { state, outputs: [], delays: [] };
  const running = state.startsWith("CONTAINER_RUNNING");
  if (state === "CONTAINER_CREATED") {
    if (ev.type === "Started") return { state: "CONTAINER_RUNNING.running", outputs: [], delays: [] };
    // runc failed to exec: the container is exited with 128 and StartError, never having run
    if (ev.type === "StartFailed") return { state: "CONTAINER_EXITED", outputs: [{ type: "Exited", exitCode: 128, reason: "StartError", message: ev.message, startedAt: 1_000, finishedAt: 1_000 }], delays: [] };
    return same;
  }
  if (!running) return same; // an exited container stays exited: no signal, no second report
  if (ev.type === "Stop") {
    // the timeout counts from the request; the hook runs first, SIGTERM follows it (or comes at once)
    if (ev.stop.hookMs > 0) return { state: "CONTAINER_RUNNING.stopping.gracePeriod.preStop", outputs: [], delays: [30_000, 5_000] };
    return { state: "CONTAINER_RUNNING.stopping.gracePeriod.sigtermSent", outputs: [{ type: "Signal", signal: "SIGTERM" }], delays: [30_000] };
  }
  if (ev.type === "ProcessExited") {
    const exited = { type: "Exited", exitCode: ev.exitCode, reason: ev.reason, startedAt: 1_000, finishedAt: ev.now };
    // a pending StopContainer is answered only once the process is gone
    return { state: "CONTAINER_EXITED", outputs: stopId === undefined ? [exited] : [exited, { type: "StopAnswered", id: stopId, from: kubelet }], delays: [] };
  }
  if (ev.type === afterHook.type && state === "CONTAINER_RUNNING.stopping.gracePeriod.preStop") return { state: "CONTAINER_RUNNING.stopping.gracePeriod.sigtermSent", outputs: [{ type: "Signal", signal: "SIGTERM" }], delays: [] };
  // SIGKILL once, when the timeout ends during the grace period
  if (ev.type === afterGrace.type && state.startsWith("CONTAINER_RUNNING.stopping.gracePeriod")) return { state: "CONTAINER_RUNNING.stopping.sigkillSent", outputs: [{ type: "Signal", signal: "SIGKILL" }], delays: [] };
  return same;
}

const abstract = (ctx: { stop?: { id: number }; exitCode?: number }) => [ctx.stop?.id ?? null, ctx.exitCode ?? null];

describe("a CRI container's lifecycle (model-based, every transition)", () => {
  const lc = lifecycleOf(containerMachine);
  const model = lifecycleModelFor(containerMachine, events, abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("reaches created, running, each step of stopping, and exited", () => {
    const seen = new Set(paths.flatMap((p) => p.steps.map((s) => stateName(s.state.value))));
    expect([...seen].sort()).toEqual([
      "CONTAINER_CREATED", "CONTAINER_EXITED", "CONTAINER_RUNNING.running",
      "CONTAINER_RUNNING.stopping.gracePeriod.preStop", "CONTAINER_RUNNING.stopping.gracePeriod.sigtermSent", "CONTAINER_RUNNING.stopping.sigkillSent",
    ]);
  });

  it("on every path, each step gives the state, the signals and reports, and the delays the CRI specifies", () => {
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      let snap = lc.start(undefined).snapshot;
      let stopId: number | undefined;
      for (const { event } of path.steps.slice(1)) {
        const want = oracle(stateName(snap.value), stopId, event);
        const got = lc.step(Object.freeze(snap), event as ContainerLifecycleEvent);
        expect({ state: stateName(got.snapshot.value), outputs: got.outputs, delays: got.timers.map((t) => t.delayMs) }).toEqual(want);
        if (want.state.startsWith("CONTAINER_RUNNING.stopping") && (event as { type: string }).type === "Stop") stopId = (event as { stop: { id: number } }).stop.id;
        if (want.state === "CONTAINER_EXITED") stopId = undefined;
        snap = got.snapshot;
      }
    }
  });

  it("StopContainer with timeout 30 on a process that ignores SIGTERM: SIGTERM at once, SIGKILL at 30 s, then exited 137 and the stop answered", () => {
    let s = lc.step(lc.start(undefined).snapshot, { type: "Started", now: 0 });
    s = lc.step(s.snapshot, { type: "Stop", stop: { id: 9, from: kubelet, graceMs: 30_000, hookMs: 0 } });
    expect(s.outputs).toEqual([{ type: "Signal", signal: "SIGTERM" }]);
    expect(s.timers.map((t) => t.delayMs)).toEqual([30_000]);
    // the process ignores SIGTERM: nothing happens until the timer fires
    s = lc.step(s.snapshot, s.timers[0]!.event as never);
    expect(s.outputs).toEqual([{ type: "Signal", signal: "SIGKILL" }]);
    s = lc.step(s.snapshot, { type: "ProcessExited", now: 30_000, exitCode: 137, reason: "Error" });
    expect(stateName(s.snapshot.value)).toBe("CONTAINER_EXITED");
    expect(s.outputs).toEqual([
      { type: "Exited", exitCode: 137, reason: "Error", startedAt: 0, finishedAt: 30_000 },
      { type: "StopAnswered", id: 9, from: kubelet },
    ]);
  });

  it("a process that exits on SIGTERM during the grace period cancels the SIGKILL", () => {
    let s = lc.step(lc.start(undefined).snapshot, { type: "Started", now: 0 });
    const stop = lc.step(s.snapshot, { type: "Stop", stop: { id: 9, from: kubelet, graceMs: 30_000, hookMs: 5_000 } });
    expect(stop.outputs).toEqual([]);
    s = lc.step(stop.snapshot, stop.timers[1]!.event as never);
    expect(s.outputs).toEqual([{ type: "Signal", signal: "SIGTERM" }]);
    s = lc.step(s.snapshot, { type: "ProcessExited", now: 5_000, exitCode: 0, reason: "Completed" });
    expect(s.cancels).toEqual([stop.timers[0]!.id]);
  });

  it("a second StopContainer restarts the timeout from its own request and is the one answered", () => {
    let s = lc.step(lc.start(undefined).snapshot, { type: "Started", now: 0 });
    const first = lc.step(s.snapshot, { type: "Stop", stop: { id: 1, from: kubelet, graceMs: 30_000, hookMs: 0 } });
    const second = lc.step(first.snapshot, { type: "Stop", stop: { id: 2, from: kubelet, graceMs: 2_000, hookMs: 0 } });
    expect(second.cancels).toEqual([first.timers[0]!.id]);
    expect(second.timers.map((t) => t.delayMs)).toEqual([2_000]);
    s = lc.step(second.snapshot, { type: "ProcessExited", now: 2_000, exitCode: 137, reason: "Error" });
    expect(s.outputs.at(-1)).toEqual({ type: "StopAnswered", id: 2, from: kubelet });
  });
});

describe("a CRI pod sandbox's lifecycle (model-based, every transition)", () => {
  const lc = lifecycleOf(sandboxMachine);
  const events = [{ type: "StopPodSandbox" }, { type: "RemovePodSandbox" }] as const;
  const model = lifecycleModelFor(sandboxMachine, [...events], () => null);
  const paths = transitionPaths(model, serializeBy(() => null));

  it("is ready until stopped, not ready until removed, and a removed sandbox takes no more requests", () => {
    // runtime.v1 PodSandboxState: SANDBOX_READY after RunPodSandbox, SANDBOX_NOTREADY after StopPodSandbox
    const oracle = (state: string, ev: string) =>
      state === "SANDBOX_READY" ? (ev === "StopPodSandbox" ? "SANDBOX_NOTREADY" : "removed")
      : state === "SANDBOX_NOTREADY" ? (ev === "RemovePodSandbox" ? "removed" : "SANDBOX_NOTREADY")
      : state;
    const transitions = new Set<string>();
    for (const path of paths) {
      let snap = lc.start(undefined).snapshot;
      for (const { event } of path.steps.slice(1)) {
        const want = oracle(stateName(snap.value), event.type);
        const next = lc.step(Object.freeze(snap), event).snapshot;
        expect(stateName(next.value)).toBe(want);
        if (want !== "removed" || stateName(snap.value) !== "removed") transitions.add(`${stateName(snap.value)} ${event.type} ${want}`);
        snap = next;
      }
    }
    expect([...transitions].sort()).toEqual([
      "SANDBOX_NOTREADY RemovePodSandbox removed",
      "SANDBOX_NOTREADY StopPodSandbox SANDBOX_NOTREADY",
      "SANDBOX_READY RemovePodSandbox removed",
      "SANDBOX_READY StopPodSandbox SANDBOX_NOTREADY",
    ]);
  });
});

describe("an image pull's lifecycle (model-based, every transition)", () => {
  const lc = lifecycleOf(imagePullMachine);
  const done = { type: "xstate.after.pullDuration.cri-image-pull.pulling" };
  const join = { type: "Join", waiter: { id: 2, from: kubelet } };
  const image = { ref: "docker.io/library/nginx:1.27" } as never;
  const failure = { ok: false as const, reason: "ErrImagePull" as const, message: "pull access denied" };

  it.each([
    { name: "a resolvable image is pulled after its pull time, answering every waiter", outcome: { ok: true as const, image }, end: "pulled" },
    { name: "a refused image fails after its round trip, answering every waiter", outcome: failure, end: "failed" },
  ])("$name", ({ outcome, end }) => {
    const start = lc.start({ waiters: [{ id: 1, from: kubelet }], outcome, startedAt: 0, durationMs: 1_500 });
    expect(start.timers.map((t) => t.delayMs)).toEqual([1_500]);
    const model = lifecycleModelFor(imagePullMachine, [join, done], (ctx: { waiters: unknown[] }) => Math.min(ctx.waiters.length, 3));
    (model as unknown as { options: { fromState: unknown } }).options.fromState = start.snapshot;
    const seen = new Set<string>();
    for (const path of transitionPaths(model, serializeBy((ctx: { waiters: unknown[] }) => Math.min(ctx.waiters.length, 3)))) {
      let snap = start.snapshot;
      let waiters = 1;
      for (const { event } of path.steps.slice(1)) {
        const from = stateName(snap.value);
        const got = lc.step(Object.freeze(snap), event as never);
        const to = stateName(got.snapshot.value);
        seen.add(`${from} ${event.type === "Join" ? "Join" : "after"} ${to}`);
        // a request joins a pull under way; the pull ends once, and only then are the waiters answered
        if (from === "pulling" && event.type === "Join") expect([to, got.outputs, got.snapshot.context.waiters.length]).toEqual(["pulling", [], ++waiters]);
        else if (from === "pulling") expect([to, got.outputs]).toEqual([end, [{ type: "PullEnded" }]]);
        else expect([to, got.outputs]).toEqual([from, []]);
        snap = got.snapshot;
      }
    }
    expect([...seen].filter((s) => s.startsWith("pulling")).sort()).toEqual([`pulling Join pulling`, `pulling after ${end}`]);
  });
});
