// Field selectors on pods' spec.nodeName, as `kubectl get pods --field-selector` sends them: `=`
// selects the pods bound to that node, `!=` every other pod, the unscheduled ones included
// (fields.Selector: a NotEquals requirement matches when the field's value differs; a pod not yet
// bound has spec.nodeName "").

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const pod = (name: string, extra: object) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { ...extra, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] } });

async function names(c: Cluster, fieldSelector: string): Promise<string[]> {
  const res = await c.request({ verb: "list", group: "", resource: "pods", namespace: "default", fieldSelector });
  return res.ok ? res.object.items.map((o: any) => o.metadata.name).sort() : [`error: ${res.status?.message}`];
}

describe("pod lists by spec.nodeName", () => {
  it("= takes the node's pods, != every other pod, unscheduled ones too", async () => {
    const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
    clusters.push(c);
    // bound by name, and one no node can take (a nodeSelector nothing matches): it stays unscheduled
    await c.apply([pod("one", { nodeName: "node-1" }), pod("two", { nodeName: "node-2" }), pod("nowhere", { nodeSelector: { "example.com/none": "x" } })]);
    await c.settle();
    expect(await names(c, "spec.nodeName=node-1")).toEqual(["one"]);
    expect(await names(c, "spec.nodeName!=node-1")).toEqual(["nowhere", "two"]);
    // `spec.nodeName=` is the unscheduled pods (the selector kube-scheduler's and kubectl's users send)
    expect(await names(c, "spec.nodeName=")).toEqual(["nowhere"]);
    expect(await names(c, "spec.nodeName==,status.phase=Pending")).toEqual(["nowhere"]);
  });
});
