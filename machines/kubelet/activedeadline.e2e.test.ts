// A running pod's activeDeadlineSeconds may be lowered by an update (ValidatePodUpdate refuses only a
// larger value), and the kubelet reads the pod's current value at every sync: pastActiveDeadline in
// pkg/kubelet/active_deadline.go compares clock.Since(status.startTime) with *pod.Spec.ActiveDeadlineSeconds,
// so the lowered deadline counts from the pod's start, not the deadline it was created with.

import type { Pod } from "kubernetes-types/core/v1";
import { expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const pod = (activeDeadlineSeconds: number): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "deadline", namespace: "default" },
  spec: { restartPolicy: "Never", activeDeadlineSeconds, containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }] },
});

/** Runs a pod created with a 600 s deadline for 20 s, lowers it to 30 s, and returns its phase and reason 12 s later. */
async function lowerDeadline(): Promise<{ before: string | undefined; after: [string | undefined, string | undefined] }> {
  const c: Cluster = createCluster({ nodes: 1, seed: 14 });
  try {
    await c.settle();
    await c.apply(pod(600));
    await c.settle();
    c.advance(20_000);
    await c.settle();
    const running = c.get("Pod", "deadline", "default");
    await c.apply({ ...running, spec: { ...running.spec, activeDeadlineSeconds: 30 } });
    await c.settle();
    const before = c.get("Pod", "deadline", "default")?.status?.phase;
    c.advance(12_000);
    await c.settle();
    const st = c.get("Pod", "deadline", "default")?.status;
    return { before, after: [st?.phase, st?.reason] };
  } finally {
    await c.stop();
  }
}

it("a running pod whose activeDeadlineSeconds is lowered from 600 to 30 fails 30 s after its start, with reason DeadlineExceeded", async () => {
  const r = await lowerDeadline();
  expect(r.before).toBe("Running");
  expect(r.after).toEqual(["Failed", "DeadlineExceeded"]);
});
