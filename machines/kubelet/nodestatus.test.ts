import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { nodeStatusHasChanged } from "./node.js";

// Kubernetes' timings: the kubelet renews its Lease every 10 s and syncs its node status every 10 s
// (nodeStatusUpdateFrequency), patching at once when the status changed and otherwise every 5 min
// (nodeStatusReportFrequency); the node lifecycle controller marks a node Unknown 50 s
// (--node-monitor-grace-period) after its last sign of life, at its next 5 s pass
// (--node-monitor-period), taints it unreachable, and takes the taint off at the pass after the
// kubelet posts Ready=True again.

const ready = (c: Cluster, node: string) => c.get("Node", node).status?.conditions?.find((x: any) => x.type === "Ready");
const taints = (c: Cluster, node: string) => (c.get("Node", node).spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`).sort();
const renewed = (c: Cluster, node: string) => Date.parse(c.list("Lease", { namespace: "kube-node-lease" }).find((l: any) => l.metadata.name === node).spec.renewTime);

/** Cuts the kubelet off from the API server both ways for `ms`, as the partition fault does; on healing its watches end with 410. */
function partition(c: Cluster, node: string, ms: number): void {
  const k = `kubelet/${node}`;
  c.runtime.clog(k, "apiserver", ms);
  c.runtime.clog("apiserver", k, ms);
  c.runtime.later(ms, () => c.runtime.post("runtime", "apiserver", { type: "DisconnectClientWatches", client: k }));
}

/** Advances 100 ms at a time until `done`, up to `maxMs`; returns how long it took. */
function until(c: Cluster, done: () => boolean, maxMs: number): number {
  const start = c.runtime.now;
  while (!done() && c.runtime.now - start < maxMs) c.advance(100);
  return c.runtime.now - start;
}

describe("the kubelet's node status", () => {
  it("an unchanged status is not written again before 5 min, while the Lease is renewed every 10 s", async () => {
    const c = createCluster({ nodes: 1, seed: 41 });
    await c.settle();
    c.advance(5_000);
    const first = ready(c, "node-1");
    expect(first.status).toBe("True");
    const rv = c.get("Node", "node-1").metadata.resourceVersion;
    const lease0 = renewed(c, "node-1");
    c.advance(100_000);
    expect(c.get("Node", "node-1").metadata.resourceVersion).toBe(rv);
    expect(ready(c, "node-1").lastHeartbeatTime).toBe(first.lastHeartbeatTime);
    expect(renewed(c, "node-1") - lease0).toBeGreaterThanOrEqual(90_000);
    c.advance(210_000);
    // Reported again once nodeStatusReportFrequency passed (at the first 10 s sync after it).
    const beat = Date.parse(ready(c, "node-1").lastHeartbeatTime) - Date.parse(first.lastHeartbeatTime);
    expect(beat).toBeGreaterThanOrEqual(300_000);
    expect(beat).toBeLessThanOrEqual(310_000);
    expect(ready(c, "node-1").lastTransitionTime).toBe(first.lastTransitionTime);
    await c.stop();
  });

  it("a kubelet cut off for 73 s leaves its node Unknown and tainted unreachable; once healed, its next 10 s sync posts Ready=True and the taint goes", async () => {
    const c = createCluster({ nodes: 2, seed: 42 });
    await c.settle();
    c.advance(10_000);
    expect(ready(c, "node-2").status).toBe("True");
    expect(taints(c, "node-2")).toEqual([]);

    partition(c, "node-2", 73_000);
    c.advance(65_000);
    expect(ready(c, "node-2")).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." });
    expect(taints(c, "node-2")).toEqual(["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    expect(ready(c, "node-1").status).toBe("True");

    c.advance(8_000); // healed now
    const readyAfter = until(c, () => ready(c, "node-2").status === "True", 60_000);
    // The first sync after the kubelet saw Ready=Unknown: at most nodeStatusUpdateFrequency (10 s) later.
    expect(readyAfter).toBeLessThanOrEqual(10_500);
    expect(ready(c, "node-2")).toMatchObject({ reason: "KubeletReady", message: "kubelet is posting ready status" });
    expect(Date.parse(ready(c, "node-2").lastTransitionTime)).toBe(Date.parse(ready(c, "node-2").lastHeartbeatTime));
    const untaintedAfter = until(c, () => taints(c, "node-2").length === 0, 60_000);
    // ... and the controller's next 5 s pass takes the taint off.
    expect(untaintedAfter).toBeLessThanOrEqual(5_500);
    // The Lease was renewed through it all once the partition healed.
    expect(c.runtime.now - renewed(c, "node-2")).toBeLessThanOrEqual(10_000);
    await c.stop();
  });
});

// The cases of Kubernetes' TestNodeStatusHasChanged (pkg/kubelet/kubelet_node_status_test.go).
describe("nodeStatusHasChanged", () => {
  const t0 = "2026-01-01T00:00:00Z";
  const t1 = "2026-01-01T00:00:10Z";
  const readyTrue = { type: "Ready", status: "True", lastHeartbeatTime: t0, lastTransitionTime: t0 };
  const memory = { type: "MemoryPressure", status: "False", lastHeartbeatTime: t0, lastTransitionTime: t0 };
  it.each([
    { name: "no status on either side is no change", a: undefined, b: undefined, want: false },
    { name: "two empty statuses are no change", a: {}, b: {}, want: false },
    { name: "a status where there was none is a change", a: undefined, b: {}, want: true },
    { name: "empty conditions are no change", a: { conditions: [] }, b: { conditions: [] }, want: false },
    { name: "the same conditions are no change", a: { conditions: [readyTrue, memory] }, b: { conditions: [readyTrue, memory] }, want: false },
    { name: "a newer heartbeat time alone is no change", a: { conditions: [readyTrue, memory] }, b: { conditions: [{ ...readyTrue, lastHeartbeatTime: t1 }, { ...memory, lastHeartbeatTime: t1 }] }, want: false },
    { name: "conditions in another order are no change", a: { conditions: [readyTrue, memory] }, b: { conditions: [memory, readyTrue] }, want: false },
    { name: "a condition's status differing is a change (Unknown written by the controller)", a: { conditions: [{ ...readyTrue, status: "Unknown" }, memory] }, b: { conditions: [readyTrue, memory] }, want: true },
    { name: "a condition's transition time differing is a change", a: { conditions: [readyTrue, memory] }, b: { conditions: [{ ...readyTrue, lastTransitionTime: t1 }, memory] }, want: true },
    { name: "a different number of conditions is a change", a: { conditions: [readyTrue, memory] }, b: { conditions: [readyTrue] }, want: true },
    { name: "another field differing is a change", a: { conditions: [readyTrue], phase: "Running" }, b: { conditions: [readyTrue], phase: "Pending" }, want: true },
  ])("$name", ({ a, b, want }) => expect(nodeStatusHasChanged(a as any, b as any)).toBe(want));
});
