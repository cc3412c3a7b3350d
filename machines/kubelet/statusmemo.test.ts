// The status manager skips generating a status whose inputs did not change since a generation found
// it written (statusmanager.ts statusInputs). Each writeStatus below is checked against the
// straightforward status manager, written out here: generate the status, encode it, and write it
// unless it is the last one written or the one the pod already has.

import { describe, expect, it, vi } from "vitest";
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import { Fx } from "../common/effects.js";
import { Rng } from "../common/prng.js";
import { activeMutants, anyMutant, setMutants } from "../common/mutation.js";
import { initialKubelet } from "./kubelet.logic.js";
import { adoptPod, newWorker } from "./podworkers.js";
import { generateStatus, statusInputs, writeStatus } from "./statusmanager.js";
import { kubeletOwnedConditions } from "./status.js";
import { stepContainer, stepWorker, workerState } from "./lifecycles.js";
import { startProbes, stepProbe } from "./prober.js";
import type { ContainerRecord, KubeletContext, PodWorker } from "./types.js";

const node = { metadata: { name: "node-1" } } as any;

function podOf(rng: Rng): Pod {
  const readiness = rng.int(2) === 0 ? { readinessProbe: { exec: { command: ["true"] }, periodSeconds: 5 } } : {};
  const inits = rng.int(3) === 0 ? [{ name: "init", image: "busybox" }] : [];
  const sidecars = rng.int(4) === 0 ? [{ name: "side", image: "busybox", restartPolicy: "Always" }] : [];
  const containers = [{ name: "app", image: "nginx", ...readiness }, ...(rng.int(2) === 0 ? [{ name: "b", image: "busybox" }] : [])];
  const gates = rng.int(4) === 0 ? [{ conditionType: "example.com/gate" }] : [];
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { namespace: "default", name: "p", uid: "u1", resourceVersion: "1", generation: 1 },
    spec: { nodeName: "node-1", restartPolicy: ["Always", "OnFailure", "Never"][rng.int(3)], initContainers: [...inits, ...sidecars], containers, readinessGates: gates },
    status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
  } as Pod;
}

/** The decision the straightforward status manager makes now, before writeStatus runs. */
function expected(ctx: KubeletContext, w: PodWorker): { kind: "dirty" } | { kind: "none"; text: string } | { kind: "write"; text: string } {
  if (w.status.inFlight) return { kind: "dirty" };
  const text = JSON.stringify(generateStatus(ctx, w));
  const pod = w.pod;
  if (text === JSON.stringify(w.status.last) || (pod.status !== undefined && JSON.stringify(pod.status) === text)) return { kind: "none", text };
  return { kind: "write", text };
}

function finished(w: PodWorker): boolean {
  return workerState(w) === "TerminatedPod" && (w.sandboxStopped || !w.sandboxId);
}

/** A copy of the worker as a step's workerOf makes it: the parts changed in place are fresh, the values shared. */
function copied(w: PodWorker): PodWorker {
  return { ...w, containers: w.containers.map((c) => ({ ...c })), status: { ...w.status } };
}

let rv = 1;
function withStatus(w: PodWorker, status: any, extra: Partial<Pod["metadata"]> = {}): Pod {
  rv++;
  return Object.freeze({ ...w.pod, metadata: { ...w.pod.metadata, resourceVersion: String(rv), ...extra }, status });
}

const foreign: PodCondition = { type: "example.com/gate", status: "True", lastTransitionTime: "2026-01-01T00:00:05Z" };

/** One random change of what a status is made of, as the kubelet's steps make them (values replaced, never changed in place). */
function change(rng: Rng, ctx: KubeletContext, w: PodWorker, fx: Fx): string {
  const c: ContainerRecord = w.containers[rng.int(w.containers.length)]!;
  // a write in flight is answered soon
  if (w.status.inFlight && rng.int(2) === 0) {
    if (w.status.last !== undefined) adoptPod(w, withStatus(w, JSON.parse(JSON.stringify(w.status.last))));
    w.status.inFlight = false;
    return "answer";
  }
  // half the syncs change nothing a status reads (a watch event of the kubelet's own write, an answer)
  if (rng.int(2) === 0) return "nothing";
  switch (rng.int(19)) {
    case 0: ctx.now += [0, 200, 1000, 30_000][rng.int(4)]!; return "time";
    case 1: stepContainer(c, { type: "Started", containerId: `id-${c.name}-${c.attempts}`, startedAt: ctx.now }); c.attempts++; c.started = rng.int(2) === 0; return "started";
    case 2: stepContainer(c, { type: "Exited", terminated: { exitCode: rng.int(2), reason: rng.int(2) ? "Completed" : "Error", startedAt: ctx.now - 1000, finishedAt: ctx.now, containerID: `containerd://x${rng.int(3)}` } }); c.started = false; return "exited";
    case 3: stepContainer(c, { type: "Wait", reason: (["CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff"] as const)[rng.int(3)]!, message: `m${rng.int(2)}` }); return "wait";
    case 4: c.started = !c.started; return "started flag";
    case 5: if (c.probes.readiness) stepProbe(w, c, "readiness", { type: rng.int(2) ? "ProbeSucceeded" : "ProbeFailed" }, fx); else startProbes(w, c, fx); return "probe";
    case 6: c.image = { ref: `docker.io/library/${c.name}:1`, imageID: `sha256:${rng.int(3)}`, id: "i", sizeBytes: 1, repoTags: [] }; return "image";
    case 7: w.ip = rng.int(3) === 0 ? undefined : `10.244.0.${rng.int(3)}`; return "ip";
    case 8: w.sandboxId = rng.int(3) === 0 ? undefined : "sb"; return "sandbox";
    case 9: w.sandboxStopped = !w.sandboxStopped; return "sandbox stopped";
    case 10: stepWorker(w, { type: (["SandboxReady", "NetworkReady", "Terminate", "ContainersStopped", "DeadlinePassed"] as const)[rng.int(5)]! }, fx); return "worker";
    case 11: if (w.startTime === undefined) w.startTime = ctx.now; return "start time";
    case 12: {
      // the write's answer: the pod as the API server stored it, its status the one written
      if (w.status.inFlight && w.status.last !== undefined) adoptPod(w, withStatus(w, JSON.parse(JSON.stringify(w.status.last))));
      w.status.inFlight = false;
      return "answer";
    }
    case 13: {
      // someone else's write: a foreign condition, a terminal phase, or the status the kubelet would write
      const now = w.pod.status ?? {};
      const r = rng.int(5);
      const status = r === 0 ? { ...now, conditions: [...(now.conditions ?? []), foreign] }
        : r === 1 ? { ...now, phase: rng.int(2) ? "Failed" : "Succeeded" }
          : r === 2 ? JSON.parse(JSON.stringify(generateStatus(ctx, w)))
            : r === 3 ? { ...now, containerStatuses: (now.containerStatuses ?? []).map((s: any) => ({ ...s, state: { terminated: { exitCode: 0, reason: "Completed" } } })) }
              // not yet initialized as the API shows it (TerminatePod reads it)
              : { ...now, initContainerStatuses: [], containerStatuses: (now.containerStatuses ?? []).map((s: any) => ({ ...s, state: { waiting: { reason: "PodInitializing" } }, lastState: {} })) };
      adoptPod(w, withStatus(w, status));
      return "foreign write";
    }
    case 14: w.status.last = undefined; return "conflict";
    case 15: adoptPod(w, withStatus(w, w.pod.status, { generation: (w.pod.metadata!.generation ?? 1) + rng.int(2) })); return "same status, new object";
    case 16: c.restartForChange = rng.int(2) === 0 ? true : undefined; if (!c.restartForChange) delete c.restartForChange; return "restart for change";
    case 17: w.failedInit = rng.int(5) === 0; return "failed init";
    default: return "nothing";
  }
}

describe("the status manager's memo of unchanged statuses", () => {
  it("writes exactly what generating and comparing every time would (random workers, changes and times)", () => {
    let hits = 0;
    let checks = 0;
    const kinds = { dirty: 0, none: 0, write: 0 };
    // while a mutant is on the memo is off and every status is generated: fewer workers keep the
    // test within its time, and it then judges writeStatus's decisions alone
    const seeds = anyMutant() ? 40 : 300;
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = new Rng(seed);
      const ctx: KubeletContext = { ...initialKubelet({ node, index: 0, podCIDR: "10.244.0.0/24", token: "t" }), now: 1_000_000 };
      let w = newWorker(podOf(rng));
      for (let i = 0; i < 60; i++) {
        const fx = new Fx();
        // most steps copy the worker first, as workerOf does
        if (rng.int(3) !== 0) w = copied(w);
        change(rng, ctx, w, fx);
        const want = expected(ctx, w);
        kinds[want.kind]++;
        const before = { last: w.status.last, owned: w.status.owned };
        const sent = new Fx();
        // a status generated is a status encoded: no encoding means the memo answered
        const encode = vi.spyOn(JSON, "stringify");
        writeStatus(ctx, w, sent);
        const encoded = encode.mock.calls.length;
        encode.mockRestore();
        checks++;
        const writes = sent.sends.filter((s) => (s.msg as any).type === "ApiRequest");
        if (want.kind === "dirty") {
          expect(w.status.dirty).toBe(true);
          expect(writes).toEqual([]);
          continue;
        }
        expect(JSON.stringify(w.status.last)).toBe(want.text);
        if (want.kind === "none") {
          expect(writes).toEqual([]);
          expect(w.status.inFlight).toBe(false);
          if (finished(w)) expect(w.status.terminalWritten).toBe(true);
          expect(w.status.owned).toBe(before.owned);
          if (encoded === 0) hits++;
          continue;
        }
        expect(writes.length).toBe(1);
        const body = (writes[0]!.msg as any).body;
        expect(JSON.stringify(body.status)).toBe(want.text);
        expect(w.status.inFlight).toBe(true);
        expect(w.status.owned).toEqual((body.status.conditions as PodCondition[]).filter((x) => kubeletOwnedConditions.includes(x.type)));
      }
    }
    // the memo answered often (an unchanged status after a write is most syncs); while a mutant is on
    // it remembers nothing by design
    expect(checks).toBe(seeds * 60);
    expect(kinds.none).toBeGreaterThan(seeds * 33);
    if (anyMutant()) expect(hits).toBe(0);
    else expect(hits).toBeGreaterThan(5_000);
    // it took 99 s of wall time with the machine loaded 20x, past the default 60 s bound
  }, 300_000);

  it("a condition stamped with the time of a status found in the pod is stamped again at a later second", () => {
    const ctx: KubeletContext = { ...initialKubelet({ node, index: 0, podCIDR: "10.244.0.0/24", token: "t" }), now: 1_000_000 };
    const rng = new Rng(7);
    const w = newWorker(podOf(rng));
    writeStatus(ctx, w, new Fx());
    adoptPod(w, withStatus(w, JSON.parse(JSON.stringify(w.status.last))));
    w.status.inFlight = false;
    // the sandbox's network is ready: PodReadyToStartContainers flips, stamped now; the API already has exactly that
    w.sandboxId = "sb";
    w.ip = "10.244.0.9";
    stepWorker(w, { type: "SandboxReady" }, new Fx());
    const found = JSON.parse(JSON.stringify(generateStatus(ctx, w)));
    adoptPod(w, withStatus(w, found));
    w.status.last = undefined;
    const quiet = new Fx();
    writeStatus(ctx, w, quiet);
    expect(quiet.sends).toEqual([]);
    // a second later the same inputs stamp the flipped condition with the new time: a write
    ctx.now += 1000;
    w.status.last = found;
    const text = JSON.stringify(generateStatus(ctx, w));
    expect(text).not.toBe(JSON.stringify(w.status.last));
    const fx = new Fx();
    writeStatus(ctx, w, fx);
    expect(fx.sends.length).toBe(1);
    expect(JSON.stringify(w.status.last)).toBe(text);
  });

  it("with a mutant on, nothing is remembered", () => {
    const ctx: KubeletContext = { ...initialKubelet({ node, index: 0, podCIDR: "10.244.0.0/24", token: "t" }), now: 0 };
    const w = newWorker(podOf(new Rng(3)));
    // the mutants the runner turned on are put back, so the rest of the file runs with them
    const outer = activeMutants();
    try {
      setMutants(["kubelet.ready-before-readiness-probe"]);
      expect(statusInputs(ctx, w)).toBeUndefined();
      setMutants([]);
      expect(statusInputs(ctx, w)).toBeDefined();
    } finally {
      setMutants(outer);
    }
  });
});
