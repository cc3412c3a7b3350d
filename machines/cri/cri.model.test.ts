import { describe, expect, it } from "vitest";
import { containerState, imageKey, sandboxState, type CriContext } from "./cri.logic.js";
import { criMachine } from "./cri.machine.js";
import { replay, serializeBy, covered, modelFor } from "../../test/support/model.js";

// The oracle is the CRI's contract (runtime.v1): containers move created -> running -> exited and
// never back; each exit is reported once (PLEG); StopContainer is answered only once the process is
// gone; nginx exits 0 on SIGTERM while sleep as PID 1 ignores it and dies by SIGKILL (137); a
// stopped sandbox kills what runs in it (137) and takes no new container.

const input = { node: "node-1" };
const from = "kubelet/node-1";
// nginx exits 0 on SIGTERM; sleep as PID 1 ignores it and dies only at SIGKILL (137).
const specs = [
  { name: "web", image: "nginx:1.27" },
  { name: "sleeper", image: "busybox:1.36", command: ["sleep", "3600"] },
];
const stamped = (e: object) => ({ ...e, from, now: 1000 });
const stopTimeout = "xstate.after.stopTimeout.cri-container.CONTAINER_RUNNING.stopping.gracePeriod";

/** The requests the kubelet could make next, and the runtime's timers that could fire, given the CRI's state. */
function nextEvents(ctx: CriContext): any[] {
  const out: any[] = [stamped({ type: "ListContainers", id: 90 })];
  const sandbox = [...ctx.sandboxes.values()][0];
  if (!sandbox) out.push(stamped({ type: "RunPodSandbox", id: 1, podUid: "u1", podName: "p", podNamespace: "default", volumes: [] }));
  for (const spec of specs) {
    const present = ctx.images.has(imageKey(spec.image)!);
    if (ctx.pulls.has(spec.image)) out.push(stamped({ type: "PullTimer", image: spec.image, event: { type: "xstate.after.pullDuration.cri-image-pull.pulling" } }));
    else if (!present) out.push(stamped({ type: "PullImage", id: 2, image: spec.image }));
    const c = [...ctx.containers.values()].find((x) => x.name === spec.name);
    if (sandbox && sandboxState(sandbox) === "SANDBOX_READY" && present && !c) {
      out.push(stamped({ type: "CreateContainer", id: 3, sandboxId: sandbox.id, container: spec, attempt: 0, env: {}, podIP: "10.244.1.2" }));
    }
    if (c && containerState(c) === "CONTAINER_CREATED") out.push(stamped({ type: "StartContainer", id: 4, containerId: c.id }));
    if (c && containerState(c) === "CONTAINER_RUNNING") {
      if (!c.lifecycle.context.stop) out.push(stamped({ type: "StopContainer", id: 5, containerId: c.id, timeoutSeconds: 30, podIP: "10.244.1.2" }));
      // the stop's timeout timer exists only while the grace period runs
      else if (JSON.stringify(c.lifecycle.value).includes("gracePeriod")) out.push(stamped({ type: "ContainerTimer", containerId: c.id, event: { type: stopTimeout } }));
    }
  }
  if (sandbox) {
    if (sandboxState(sandbox) === "SANDBOX_READY") out.push(stamped({ type: "StopPodSandbox", id: 6, sandboxId: sandbox.id }));
    out.push(stamped({ type: "RemovePodSandbox", id: 7, sandboxId: sandbox.id }));
  }
  return out;
}

const abstract = (ctx: CriContext) => ({
  sandboxes: [...ctx.sandboxes.values()].map((s) => sandboxState(s)),
  containers: [...ctx.containers.values()].map((c) => [c.name, containerState(c), c.lifecycle.context.exitCode ?? null, c.lifecycle.context.reason ?? null, !!c.lifecycle.context.stop]).sort(),
  images: [...ctx.images.keys()].sort(),
  pulls: [...ctx.pulls.keys()].sort(),
});

const order = ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED"];
const sends = (emitted: any[]) => emitted.flatMap((e) => e.send.map((s: any) => s.msg));

describe("cri machine paths (model-based)", () => {
  const serialize = serializeBy(abstract);
  const model = modelFor(criMachine, input, (s: any) => nextEvents(s.context), abstract);

  it("on every shortest path through sandbox, pull, create, start, stop and remove, the CRI keeps its contract", () => {
    const paths = model.getShortestPaths();
    expect(covered(paths, serialize).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const rank = new Map<string, number>();
      const reported = new Set<string>();
      replay(criMachine, input, path, abstract, (ev, ctx: CriContext, emitted) => {
        if (ev.type === "xstate.init") return expect(emitted).toEqual([]);
        const msgs = sends(emitted);
        for (const c of ctx.containers.values()) {
          const r = order.indexOf(containerState(c));
          // a container only ever moves forward: created, running, exited
          expect(r).toBeGreaterThanOrEqual(rank.get(c.id) ?? 0);
          const exits = msgs.filter((m) => m.type === "ContainerExited" && m.containerId === c.id);
          // reported exited exactly when it becomes exited, with its code and reason
          if (r === 2 && (rank.get(c.id) ?? 0) < 2) expect(exits).toEqual([expect.objectContaining({ exitCode: c.lifecycle.context.exitCode, reason: c.lifecycle.context.reason })]);
          else expect(exits).toEqual([]);
          rank.set(c.id, r);
        }
        for (const m of msgs.filter((m) => m.type === "ContainerExited")) {
          expect(reported.has(m.containerId)).toBe(false);
          reported.add(m.containerId);
          const c = [...ctx.containers.values()].find((x) => x.id === m.containerId);
          // nginx exits 0 at SIGTERM; sleep as PID 1 only dies by SIGKILL or the sandbox's stop
          if (c?.name === "sleeper") expect([m.exitCode, m.reason]).toEqual([137, "Error"]);
          if (c?.name === "web" && ev.type === "StopContainer") expect([m.exitCode, m.reason]).toEqual([0, "Completed"]);
        }
        // StopContainer is answered only once its container no longer runs
        for (const m of msgs.filter((m) => m.type === "StopContainerResult")) {
          const c = ctx.containers.get(m.containerId);
          if (c) expect(containerState(c)).not.toBe("CONTAINER_RUNNING");
        }
        if (ev.type === "StopPodSandbox") for (const c of ctx.containers.values()) expect(containerState(c)).not.toBe("CONTAINER_RUNNING");
        if (ev.type === "CreateContainer" && ctx.sandboxes.size > 0 && sandboxState([...ctx.sandboxes.values()][0]!) !== "SANDBOX_READY") {
          expect(msgs).toEqual([expect.objectContaining({ type: "CreateContainerResult", ok: false })]);
        }
      });
    }
  });

  it("a stopped nginx exits 0 Completed at SIGTERM, while sleep as PID 1 exits 137 Error only at SIGKILL", () => {
    const paths = model.getShortestPaths();
    const all = paths.flatMap((p) => [...(p.state.context as CriContext).containers.values()]);
    const codes = new Set(all.filter((c) => containerState(c) === "CONTAINER_EXITED").map((c) => `${c.name}:${c.lifecycle.context.exitCode}:${c.lifecycle.context.reason}`));
    expect(codes.has("web:0:Completed")).toBe(true);
    expect(codes.has("sleeper:137:Error")).toBe(true);
    expect(all.some((c) => c.name === "sleeper" && containerState(c) === "CONTAINER_RUNNING" && c.lifecycle.context.stop)).toBe(true);
    expect(all.some((c) => c.name === "web" && containerState(c) === "CONTAINER_RUNNING" && c.lifecycle.context.stop)).toBe(false);
    expect(codes.has("sleeper:0:Completed")).toBe(false);
  });
});
