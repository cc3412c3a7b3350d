import { describe, expect, it } from "vitest";
import { Fx } from "../common/effects.js";
import { finishPull, handleCri, imageKey, initialCri, sigkill, sigterm, wakeProcess, type CriContext } from "./cri.logic.js";
import { criMachine } from "./cri.machine.js";
import { replay, serializeBy, covered, modelFor } from "../../test/support/model.js";

const input = { node: "node-1" };
const from = "kubelet/node-1";
// nginx exits 0 on SIGTERM; sleep as PID 1 ignores it and dies only at SIGKILL (137).
const specs = [
  { name: "web", image: "nginx:1.27" },
  { name: "sleeper", image: "busybox:1.36", command: ["sleep", "3600"] },
];
const stamped = (e: object) => ({ ...e, from, now: 1000 });

/** The requests the kubelet could make next, and the runtime's timers that could fire, given the CRI's state. */
function nextEvents(ctx: CriContext): any[] {
  const out: any[] = [stamped({ type: "ListContainers", id: 90 })];
  const sandbox = [...ctx.sandboxes.values()][0];
  if (!sandbox) out.push(stamped({ type: "RunPodSandbox", id: 1, podUid: "u1", podName: "p", podNamespace: "default", volumes: [] }));
  for (const spec of specs) {
    const present = ctx.images.has(imageKey(spec.image)!);
    if (ctx.pulls.has(spec.image)) out.push(stamped({ type: "PullDone", image: spec.image }));
    else if (!present) out.push(stamped({ type: "PullImage", id: 2, image: spec.image }));
    const c = [...ctx.containers.values()].find((x) => x.name === spec.name);
    if (sandbox?.state === "SANDBOX_READY" && present && !c) {
      out.push(stamped({ type: "CreateContainer", id: 3, sandboxId: sandbox.id, container: spec, attempt: 0, env: {}, podIP: "10.244.1.2" }));
    }
    if (c?.state === "CONTAINER_CREATED") out.push(stamped({ type: "StartContainer", id: 4, containerId: c.id }));
    if (c?.state === "CONTAINER_RUNNING") {
      if (!c.stopping) out.push(stamped({ type: "StopContainer", id: 5, containerId: c.id, timeoutSeconds: 30, podIP: "10.244.1.2" }));
      out.push(stamped({ type: "SigKill", containerId: c.id }));
    }
  }
  if (sandbox) {
    if (sandbox.state === "SANDBOX_READY") out.push(stamped({ type: "StopPodSandbox", id: 6, sandboxId: sandbox.id }));
    out.push(stamped({ type: "RemovePodSandbox", id: 7, sandboxId: sandbox.id }));
  }
  return out;
}

const abstract = (ctx: CriContext) => ({
  sandboxes: [...ctx.sandboxes.values()].map((s) => s.state),
  containers: [...ctx.containers.values()].map((c) => [c.name, c.state, c.exitCode ?? null, c.reason ?? null, !!c.stopping]).sort(),
  images: [...ctx.images.keys()].sort(),
  pulls: [...ctx.pulls.keys()].sort(),
});

/** What the machine's action for an event does, called directly. */
function reference(ctx: CriContext, ev: any, fx: Fx): void {
  ctx.now = ev.now;
  if (ev.type === "PullDone") finishPull(ctx, ev.image, fx);
  else if (ev.type === "ProcessWake") wakeProcess(ctx, ev.containerId, fx);
  else if (ev.type === "SigTerm") sigterm(ctx, ev.containerId, fx);
  else if (ev.type === "SigKill") sigkill(ctx, ev.containerId, fx);
  else handleCri(ctx, ev, ev.from, fx);
}

const order = ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED"];

describe("cri machine paths (model-based)", () => {
  const serialize = serializeBy(abstract);
  const model = modelFor(criMachine, input, (s: any) => nextEvents(s.context), abstract);

  it("every shortest path through sandbox, pull, create, start, stop and remove emits what the CRI logic emits for the same requests", () => {
    const paths = model.getShortestPaths();
    expect(covered(paths, serialize).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const ref = initialCri(input);
      const seen = new Map<string, number>();
      replay(criMachine, input, path, abstract, (ev, ctx: CriContext, emitted) => {
        if (ev.type === "xstate.init") return expect(emitted).toEqual([]);
        const fx = new Fx();
        reference(ref, ev, fx);
        expect(emitted).toEqual(fx.empty ? [] : [fx.toEvent()]);
        expect(abstract(ctx)).toEqual(abstract(ref));
        // A container only ever moves forward: created, running, exited.
        for (const c of ctx.containers.values()) {
          const rank = order.indexOf(c.state);
          expect(rank).toBeGreaterThanOrEqual(seen.get(c.id) ?? 0);
          seen.set(c.id, rank);
        }
      });
    }
  });

  it("a stopped nginx exits 0 Completed at SIGTERM, while sleep as PID 1 exits 137 Error only at SIGKILL", () => {
    const paths = model.getShortestPaths();
    const all = paths.flatMap((p) => [...(p.state.context as CriContext).containers.values()]);
    const codes = new Set(all.filter((c) => c.state === "CONTAINER_EXITED").map((c) => `${c.name}:${c.exitCode}:${c.reason}`));
    expect(codes.has("web:0:Completed")).toBe(true);
    expect(codes.has("sleeper:137:Error")).toBe(true);
    expect(all.some((c) => c.name === "sleeper" && c.state === "CONTAINER_RUNNING" && c.stopping)).toBe(true);
    expect(all.some((c) => c.name === "web" && c.state === "CONTAINER_RUNNING" && c.stopping)).toBe(false);
    expect(codes.has("sleeper:0:Completed")).toBe(false);
  });
});
