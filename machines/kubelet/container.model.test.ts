import { describe, expect, it } from "vitest";
import { containerMachine, type ContainerLifeEvent, type Terminated } from "./container.machine.js";
import { imagePullerMachine } from "./imagepuller.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { modelFor, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations below are Kubernetes' v1.ContainerState and image_manager behaviour, written
// out by hand: which state and reason a container shows after each thing that happens to it.

const exit = (reason: string, exitCode: number, finishedAt = 5_000): Terminated => ({ exitCode, reason, startedAt: 0, finishedAt, containerID: "containerd://c1" });
const containerEvents: ContainerLifeEvent[] = [
  { type: "Started", containerId: "c1", startedAt: 1_000 },
  { type: "StartFailed", containerId: "c1" },
  { type: "Stop" },
  { type: "Exited", terminated: exit("Completed", 0) },
  { type: "Exited", terminated: exit("Error", 1) },
  { type: "Exited", terminated: exit("OOMKilled", 137) },
  { type: "Exited", terminated: exit("StartError", 128) },
  { type: "Wait", reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container=c pod=p_default(u)" },
  { type: "Wait", reason: "ErrImagePull", message: "rpc error" },
  { type: "Wait", reason: "ImagePullBackOff", message: "Back-off pulling image \"ngnix\"" },
  { type: "Wait", reason: "ErrImageNeverPull", message: "not present" },
  { type: "Wait", reason: "InvalidImageName", message: "invalid" },
  { type: "Wait", reason: "CreateContainerError", message: "failed" },
  { type: "Wait", reason: "CreateContainerConfigError", message: "configmap not found" },
  { type: "BackOffCounted", backOff: { ms: 10_000, lastUpdate: 0 } },
];

// What v1.ContainerState a container is in, by Kubernetes' name, from its chart state.
const k8sState: Record<string, string> = {
  "waiting.containerCreating": "Waiting/ContainerCreating", "waiting.podInitializing": "Waiting/PodInitializing",
  "waiting.crashLoopBackOff": "Waiting/CrashLoopBackOff",
  "waiting.errImagePull": "Waiting/ErrImagePull", "waiting.imagePullBackOff": "Waiting/ImagePullBackOff", "waiting.errImageNeverPull": "Waiting/ErrImageNeverPull",
  "waiting.invalidImageName": "Waiting/InvalidImageName", "waiting.createContainerError": "Waiting/CreateContainerError", "waiting.createContainerConfigError": "Waiting/CreateContainerConfigError",
  "running.up": "Running", "running.stopping": "Running",
  "terminated.completed": "Terminated/Completed", "terminated.error": "Terminated/Error", "terminated.oomKilled": "Terminated/OOMKilled", "terminated.startError": "Terminated/StartError",
};

/** What Kubernetes shows after `ev`, given what it showed before (undefined: the event changes nothing). */
function expectedAfter(ev: ContainerLifeEvent, before: string): string | undefined {
  switch (ev.type) {
    case "Started": return "Running";
    case "Exited": return `Terminated/${ev.terminated.reason}`;
    case "Stop": return before === "Running" ? "Running" : undefined;
    case "Wait": return before === "Running" ? undefined : `Waiting/${ev.reason}`;
    default: return undefined;
  }
}

const abstract = (c: any) => [c.terminated?.reason ?? null, c.exitPending];

describe("the container lifecycle (v1.ContainerState)", () => {
  const lc = lifecycleOf(containerMachine);

  it("starts Waiting as ContainerCreating, or PodInitializing when the pod has init containers", () => {
    expect(stateName(lc.start({ podHasInitContainers: false }).snapshot.value)).toBe("waiting.containerCreating");
    expect(stateName(lc.start({ podHasInitContainers: true }).snapshot.value)).toBe("waiting.podInitializing");
  });

  it("on paths through every transition, each event leaves the container in the state and reason Kubernetes shows", () => {
    const serialize = serializeBy(abstract);
    const model = modelFor(containerMachine, { podHasInitContainers: false }, (s: any) => containerEvents.filter((e) => s.can(e)), abstract);
    const paths = transitionPaths(model, serialize);
    const seen = new Set<string>();
    for (const p of paths) {
      let snap = lc.start({ podHasInitContainers: false }).snapshot;
      for (const step of p.steps.slice(1)) {
        const before = k8sState[stateName(snap.value)]!;
        const next = lc.step(snap, step.event).snapshot;
        const after = k8sState[stateName(next.value)];
        expect(after, `${stateName(next.value)} has a Kubernetes name`).toBeDefined();
        const want = expectedAfter(step.event, before);
        if (want !== undefined) expect(after, `${before} --${step.event.type}--> `).toBe(want);
        else expect(after).toBe(before);
        seen.add(stateName(next.value));
        snap = next;
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(k8sState).filter((s) => s !== "waiting.podInitializing").sort());
  });

  it("a restart keeps the exit before it as lastState, and a new exit replaces the shown one", () => {
    let s = lc.start({ podHasInitContainers: false }).snapshot;
    s = lc.step(s, { type: "Started", containerId: "a", startedAt: 0 }).snapshot;
    s = lc.step(s, { type: "Exited", terminated: exit("Error", 1, 1_000) }).snapshot;
    s = lc.step(s, { type: "Started", containerId: "b", startedAt: 2_000 }).snapshot;
    expect(s.context.last?.finishedAt).toBe(1_000);
    expect(s.context.terminated).toBeUndefined();
    s = lc.step(s, { type: "Exited", terminated: exit("OOMKilled", 137, 3_000) }).snapshot;
    expect([stateName(s.value), s.context.terminated?.exitCode, s.context.last?.exitCode]).toEqual(["terminated.oomKilled", 137, 1]);
  });

  it("a CrashLoopBackOff seen again on a resync is the same back-off: its message stays", () => {
    let s = lc.start({ podHasInitContainers: false }).snapshot;
    s = lc.step(s, { type: "Started", containerId: "a", startedAt: 0 }).snapshot;
    s = lc.step(s, { type: "Exited", terminated: exit("Error", 1) }).snapshot;
    s = lc.step(s, { type: "Wait", reason: "CrashLoopBackOff", message: "back-off 40s" }).snapshot;
    s = lc.step(s, { type: "Wait", reason: "CrashLoopBackOff", message: "back-off 80s" }).snapshot;
    expect([stateName(s.value), s.context.message, s.context.terminated?.exitCode]).toEqual(["waiting.crashLoopBackOff", "back-off 40s", 1]);
  });
});

describe("the image puller (EnsureImageExists with its back-off)", () => {
  const lc = lifecycleOf(imagePullerMachine);
  const fail = (now: number) => ({ type: "PullFailed" as const, now, error: "rpc error: code = NotFound" });

  it("after each failed pull the next is refused for 10 s, then 20 s, 40 s ... and never more than 5 min", () => {
    let s = lc.step(lc.start({ image: "ngnix" }).snapshot, { type: "Pull", now: 0 }).snapshot;
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 8; i++) {
      // Each failure: the next pull is refused until it is allowed; count how long that is, in seconds.
      s = lc.step(s, fail(now)).snapshot;
      expect(stateName(s.value)).toBe("imagePullBackOff");
      let waited = 0;
      while (stateName(lc.step(s, { type: "Pull", now: now + waited }).snapshot.value) !== "pulling") waited += 1_000;
      waits.push(waited);
      now += waited;
      s = lc.step(s, { type: "Pull", now }).snapshot;
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it("refuses to pull during the back-off, and shows the last error", () => {
    const s = lc.step(lc.step(lc.start({ image: "ngnix" }).snapshot, { type: "Pull", now: 0 }).snapshot, fail(0)).snapshot;
    expect(s.can({ type: "Pull", now: 9_999 })).toBe(false);
    expect(s.can({ type: "Pull", now: 10_000 })).toBe(true);
    expect(s.context.lastError).toBe("ErrImagePull: rpc error: code = NotFound");
  });

  it("the back-off starts again at 10 s after 10 min without a failure", () => {
    let s = lc.step(lc.step(lc.start({ image: "ngnix" }).snapshot, { type: "Pull", now: 0 }).snapshot, fail(0)).snapshot;
    s = lc.step(lc.step(s, { type: "Pull", now: 10_000 }).snapshot, fail(10_000)).snapshot;
    expect(s.context.backOff?.ms).toBe(20_000);
    s = lc.step(lc.step(s, { type: "Pull", now: 700_000 }).snapshot, fail(700_000)).snapshot;
    expect(s.context.backOff?.ms).toBe(10_000);
  });

  it("a successful pull and an invalid name leave no back-off running", () => {
    const pulling = lc.step(lc.start({ image: "nginx" }).snapshot, { type: "Pull", now: 0 }).snapshot;
    expect(stateName(lc.step(pulling, { type: "Pulled" }).snapshot.value)).toBe("idle");
    expect(stateName(lc.step(pulling, { type: "PullRefused" }).snapshot.value)).toBe("idle");
  });

  it("every transition of the chart is on some path", () => {
    const events = [{ type: "Pull", now: 5_000 }, { type: "Pull", now: 20_000 }, { type: "Pulled" }, fail(0), { type: "PullRefused" }];
    const abstract = (c: any) => [c.backOff?.ms ?? null];
    const paths = transitionPaths(modelFor(imagePullerMachine, { image: "ngnix" }, (s: any) => events.filter((e) => s.can(e)), abstract), serializeBy(abstract));
    const taken = new Set(paths.flatMap((p) => p.steps.slice(1).map((st, i) => `${stateName(p.steps[i]!.state.value)} ${st.event.type}`)));
    expect([...taken].sort()).toEqual(["idle Pull", "imagePullBackOff Pull", "pulling PullFailed", "pulling PullRefused", "pulling Pulled"]);
  });
});
