// A Lease renewal that reaches the node lifecycle controller late still restarts the grace period,
// from when the controller sees it: tryUpdateNodeHealth sets probeTimestamp = nc.now() when the
// observed Lease's renewTime is newer than the saved one, never the renewTime itself
// (pkg/controller/nodelifecycle/node_lifecycle_controller.go). Found by ci-fuzz seed 20261205 run 17:
// a renewal dated 50 s, stored at 84 s behind faults, and the node marked Unknown at 88 s.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const readyOf = (c: Cluster) => (c.get("Node", "node-1")?.status?.conditions ?? []).find((x: any) => x.type === "Ready")?.status;

describe("a Lease renewal delivered late", () => {
  it("restarts the grace period (50 s) from when the controller sees it, not from its renewTime", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    clusters.push(c);
    await c.settle();
    const rt = (c as any).runtime;
    const held: Array<() => void> = [];
    let holding = true;
    // The kubelet's Lease renewals and node status posts are held; once the held ones are let go,
    // the kubelet is silent (its later posts are dropped).
    rt.sendHook = (from: string, to: string, msg: any) => {
      if (!from.startsWith("kubelet/") || msg.type !== "ApiRequest") return false;
      if (msg.resource !== "leases" && !(msg.resource === "nodes" && msg.subresource === "status")) return false;
      if (holding && msg.resource === "leases") held.push(() => rt.post(from, to, msg));
      return true;
    };
    c.advance(45_000);
    await c.settle();
    expect(readyOf(c)).toBe("True");
    expect(held.length).toBeGreaterThan(0);
    holding = false;
    for (const f of held.splice(0)) f();
    await c.settle();
    // The renewals are dated about 10 s into the hold: their renewTime + 50 s has passed, but the
    // controller saw them only now.
    c.advance(20_000);
    await c.settle();
    expect(readyOf(c)).toBe("True");
    // 50 s after the controller saw them, with nothing since, the node is Unknown.
    c.advance(40_000);
    await c.settle();
    expect(readyOf(c)).toBe("Unknown");
    rt.sendHook = undefined;
  });
});
