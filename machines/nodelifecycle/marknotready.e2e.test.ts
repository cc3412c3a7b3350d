// MarkPodsNotReady (pkg/controller/util/node/controller_utils.go) turns the Ready condition of every pod
// on a node that stopped reporting to False through podutil.UpdatePodCondition, which stamps a changed
// condition with lastTransitionTime = now: the pod stopped being ready when the controller said so, not
// when it last became ready.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const ready = (c: Cluster) => (c.get("Pod", "web", "default")?.status?.conditions ?? []).find((x: any) => x.type === "Ready");

describe("pods on a node that went silent", () => {
  it("turn not Ready with a lastTransitionTime of when the controller marked them", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    clusters.push(c);
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.settle();
    const before = ready(c);
    expect(before?.status).toBe("True");
    const rt = (c as any).runtime;
    c.advance(30_000);
    await c.settle();
    const silentAt = rt.now as number;
    // the kubelet's Lease renewals and node status posts are lost from now on
    rt.sendHook = (from: string, _to: string, msg: any) => from.startsWith("kubelet/") && msg.type === "ApiRequest" && (msg.resource === "leases" || (msg.resource === "nodes" && msg.subresource === "status"));
    c.advance(120_000);
    await c.settle();
    const after = ready(c);
    expect(after?.status).toBe("False");
    // marked past the node's grace period after it went silent, long after the pod became ready
    expect(Date.parse(after.lastTransitionTime)).toBeGreaterThan(silentAt);
    expect(Date.parse(after.lastTransitionTime)).toBeGreaterThan(Date.parse(before.lastTransitionTime));
    rt.sendHook = undefined;
  });
});
