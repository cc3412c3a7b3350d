// The status manager reuses a pod's last generated status while nothing it is generated from
// changed: at every step of a pod's life, and across the second a flipping condition is stamped
// with, what it writes must be what generateStatus computes afresh.

import { describe, expect, it } from "vitest";
import { Fx } from "../common/effects.js";
import { initialKubelet } from "./kubelet.logic.js";
import { newWorker } from "./podworkers.js";
import { generatedStatus, generateStatus } from "./statusmanager.js";
import { stepContainer, stepWorker } from "./lifecycles.js";
import { startProbes, stepProbe } from "./prober.js";
import type { KubeletContext, PodWorker } from "./types.js";

const node = { metadata: { name: "node-1" } } as any;
const pod = Object.freeze({
  metadata: { namespace: "default", name: "web", uid: "u-1", resourceVersion: "5" },
  spec: { nodeName: "node-1", containers: [{ name: "app", image: "nginx:1.27", readinessProbe: { exec: { command: ["true"] } } }, { name: "side", image: "busybox" }] },
  status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
}) as any;

/** The memo's answer equals a fresh generation; returns whether it was reused. */
function check(ctx: KubeletContext, w: PodWorker, before?: object): boolean {
  const got = generatedStatus(ctx, w);
  expect(got.text).toBe(JSON.stringify(generateStatus(ctx, w)));
  expect(JSON.parse(got.text)).toEqual(got.status);
  return got === before;
}

describe("the status manager's reuse of a generated status", () => {
  it("follows every change of a pod's worker and the clock's second", () => {
    const ctx = initialKubelet({ node, index: 0, podCIDR: "10.244.0.0/24", token: "t", now: 1_000 });
    const fx = new Fx();
    const w = newWorker(pod);
    const steps: Array<[string, () => void]> = [
      ["start time", () => (w.startTime = ctx.now)],
      ["sandbox", () => ((w.sandboxId = "sb-1"), stepWorker(w, { type: "SandboxReady" }, fx))],
      ["network", () => ((w.ip = "10.244.0.2"), stepWorker(w, { type: "NetworkReady" }, fx))],
      ["image", () => (w.containers[0]!.image = { ref: "docker.io/library/nginx:1.27", imageID: "sha256:1", sizeBytes: 1 } as any)],
      ["attempt", () => (w.containers[0]!.attempts = 1)],
      ["started", () => stepContainer(w.containers[0]!, { type: "Started", containerId: "c-1", startedAt: ctx.now })],
      ["probes", () => startProbes(w, w.containers[0]!, fx)],
      ["ready", () => stepProbe(w, w.containers[0]!, "readiness", { type: "ProbeSucceeded" }, fx)],
      ["second container", () => ((w.containers[1]!.started = true), stepContainer(w.containers[1]!, { type: "Started", containerId: "c-2", startedAt: ctx.now }))],
      ["owned conditions", () => (w.status.owned = generateStatus(ctx, w).conditions!.filter((c) => c.type !== "PodScheduled"))],
      ["exit", () => stepContainer(w.containers[1]!, { type: "Exited", terminated: { exitCode: 1, reason: "Error", startedAt: ctx.now, finishedAt: ctx.now, containerID: "containerd://c-2" } })],
      ["stopped sandbox", () => (w.sandboxStopped = true)],
      ["terminating", () => stepWorker(w, { type: "Terminate" }, fx)],
      ["failed init", () => (w.failedInit = true)],
      ["new pod version", () => (w.pod = Object.freeze({ ...pod, metadata: { ...pod.metadata, resourceVersion: "6" } }))],
    ];
    let last = generatedStatus(ctx, w);
    for (const [name, change] of steps) {
      // unchanged: reused (and still equal to a fresh generation)
      expect(check(ctx, w, last), `${name}: before`).toBe(true);
      change();
      check(ctx, w);
      last = generatedStatus(ctx, w);
      // a later second: conditions that flip are stamped anew, so the status is generated again
      ctx.now += 1_000;
      expect(check(ctx, w, last), `${name}: next second`).toBe(false);
      last = generatedStatus(ctx, w);
      // within the same second nothing forces it
      ctx.now += 10;
      expect(check(ctx, w, last), `${name}: same second`).toBe(true);
    }
  });
});
