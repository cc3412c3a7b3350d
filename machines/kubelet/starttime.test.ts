// status.startTime is set once: the status manager keeps the API's StartTime (updateStatusInternal
// takes oldStatus.StartTime when it is set), so a kubelet that comes back after a node reboot, its
// runtime empty, writes the startTime the pod already had, for a pod it runs again and for one that
// had finished (fuzzer seed 1100083552: a Succeeded Job pod's startTime dropped after a reboot).
import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { FaultInjector, defaultFaultSettings } from "../../runtime/faults.js";

describe("kubelet status.startTime across a node reboot", () => {
  it("keeps the startTime of a running pod and of a finished one", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    const pod = (name: string, script: string, restartPolicy: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { restartPolicy, terminationGracePeriodSeconds: 2, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", script] }] } });
    await c.apply([pod("done", "sleep 1; exit 0", "Never"), pod("long", "sleep 3600", "Always")]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(c.get("Pod", "done", "default").status.phase).toBe("Succeeded");
    const before = Object.fromEntries(["done", "long"].map((n) => [n, c.get("Pod", n, "default").status.startTime]));
    expect(before.done).toBeDefined();
    expect(before.long).toBeDefined();
    // every version stored from now on keeps it
    const seen: string[] = [];
    c.runtime.observers.push(() => {
      for (const n of ["done", "long"]) {
        const t = c.get("Pod", n, "default")?.status?.startTime;
        if (t !== before[n]) seen.push(`${n}: ${before[n]} -> ${t}`);
      }
    });
    // one reboot of node-1, every other fault off
    const off = Object.fromEntries(Object.entries(defaultFaultSettings).map(([k, v]) => [k, k.endsWith("Probability") ? 0 : v])) as typeof defaultFaultSettings;
    const f = new FaultInjector(c.runtime, 5, ["node-reboot"], { ...off, rebootProbability: 1, rebootDowntimeMaxMs: 5_000 });
    f.install();
    c.runtime.observers.push(() => {
      if (f.total > 0) f.uninstall();
    });
    c.advance(60_000);
    await c.settle();
    expect(f.total).toBe(1);
    // the rebooted node runs the long pod again, in a new sandbox
    expect(c.get("Pod", "long", "default").status.phase).toBe("Running");
    await c.stop();
    expect([...new Set(seen)]).toEqual([]);
  }, 120_000);
});
