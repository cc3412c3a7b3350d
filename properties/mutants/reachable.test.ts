// kubelet.restart-reruns-finished-pod is reachable: a node reboot (its runtime comes back without
// containers) makes a kubelet that skips the API's terminal phase run a finished pod again, and
// finishedPodNeverRunsAgain says so; the correct kubelet leaves the pod finished (SyncTerminatedPod).
import { describe, it, expect } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { FaultInjector, defaultFaultSettings } from "../../runtime/faults.js";
import { InvariantChecker, invariants } from "../invariants/index.js";

async function rebootAfterCompletion(): Promise<string[]> {
  const c = createCluster({ nodes: 1, seed: 5 });
  const checker = new InvariantChecker(c.runtime, invariants.filter((i) => i.name === "finishedPodNeverRunsAgain"));
  const seen: string[] = [];
  c.runtime.observers.push(() => seen.push(...checker.step().map((v) => `${v.invariant}: ${v.message}`)));
  await c.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "done", namespace: "default" }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 1; exit 0"] }] } }]);
  await c.settle();
  c.advance(10_000);
  await c.settle();
  expect(c.get("Pod", "done", "default").status.phase).toBe("Succeeded");
  // one reboot of node-1, every other fault off
  const off = Object.fromEntries(Object.entries(defaultFaultSettings).map(([k, v]) => [k, k.endsWith("Probability") ? 0 : v])) as typeof defaultFaultSettings;
  const f = new FaultInjector(c.runtime, 5, ["node-reboot"], { ...off, rebootProbability: 1, rebootDowntimeMaxMs: 5_000 });
  f.install();
  c.runtime.observers.push(() => {
    if (f.total > 0) f.uninstall();
  });
  c.advance(60_000);
  await c.settle();
  await c.stop();
  return seen;
}

describe("kubelet.restart-reruns-finished-pod", () => {
  it("the correct kubelet leaves a Succeeded pod finished across a node reboot", async () => {
    expect(await rebootAfterCompletion()).toEqual([]);
  });

  it("with the mutant on, the rebooted node's kubelet creates a sandbox for the Succeeded pod", async () => {
    setMutants(["kubelet.restart-reruns-finished-pod"]);
    try {
      const seen = await rebootAfterCompletion();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]).toMatch(/^finishedPodNeverRunsAgain: kubelet\/node-1 created a sandbox for pod default\/done .* after it had received the pod Succeeded$/);
    } finally {
      setMutants([]);
    }
  });
});
