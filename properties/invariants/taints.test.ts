// podEvictedOnlyPastTolerationSeconds: holds while the taint eviction controller evicts what it
// must and keeps what tolerates the taint, and reports an eviction of a pod that tolerates the
// taint forever, or before its tolerationSeconds have passed.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker } from "./index.js";
import { podEvictedOnlyPastTolerationSeconds } from "./taints.js";

const taint = { key: "example.com/drain", value: "now", effect: "NoExecute" };
const sleeper = (name: string, tolerations: any[] = []) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
  spec: { nodeName: "node-1", tolerations, terminationGracePeriodSeconds: 1, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] },
});
const forever = [{ key: taint.key, operator: "Exists", effect: "NoExecute" }];
const tenSeconds = [{ key: taint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }];

async function tainted(seed: number): Promise<{ c: Cluster; seen: string[]; checker: InvariantChecker }> {
  const c = createCluster({ nodes: 1, seed });
  const checker = new InvariantChecker(c.runtime, [podEvictedOnlyPastTolerationSeconds]);
  const seen: string[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step().map((v) => v.message)));
  await c.apply([sleeper("plain"), sleeper("stays", forever), sleeper("later", tenSeconds)]);
  await c.settle();
  const node = c.get("Node", "node-1");
  expect(c.requestSync({ verb: "update", group: "", resource: "nodes", name: "node-1", body: { ...node, spec: { ...node.spec, taints: [taint] } } }).ok).toBe(true);
  return { c, seen, checker };
}

const forgeEviction = (c: Cluster, p: any) => {
  for (const h of c.runtime.deliveryHooks) h("node-lifecycle-controller", "apiserver", { type: "ApiRequest", id: 4242, verb: "delete", group: "", resource: "pods", namespace: "default", name: p.metadata.name, body: { preconditions: { uid: p.metadata.uid } } });
};

describe("podEvictedOnlyPastTolerationSeconds", () => {
  it.each([1, 2])("holds while a NoExecute taint evicts an intolerant pod at once, a tolerating one after 10 s, and keeps one that tolerates it forever (seed %i)", async (seed) => {
    const { c, seen } = await tainted(seed);
    c.advance(5_000);
    await c.settle();
    expect(c.get("Pod", "plain", "default")?.metadata.deletionTimestamp ?? "gone").toBeTruthy();
    expect(c.get("Pod", "later", "default").metadata.deletionTimestamp).toBeUndefined();
    c.advance(30_000);
    await c.settle();
    expect(c.get("Pod", "later", "default")?.metadata.deletionTimestamp ?? "gone").toBeTruthy();
    expect(c.get("Pod", "stays", "default").metadata.deletionTimestamp).toBeUndefined();
    expect(seen).toEqual([]);
    await c.stop();
  });

  it("reports the eviction of a pod that tolerates the taint forever, and of one whose tolerationSeconds have not passed", async () => {
    const { c, checker } = await tainted(3);
    c.advance(2_000);
    forgeEviction(c, c.get("Pod", "stays", "default"));
    forgeEviction(c, c.get("Pod", "later", "default"));
    expect(checker.step().map((v) => v.message)).toEqual([
      "node-lifecycle-controller deleted pod default/stays on node node-1, but example.com/drain=now:NoExecute (stored 2 s ago, tolerated forever)",
      "node-lifecycle-controller deleted pod default/later on node node-1, but example.com/drain=now:NoExecute (stored 2 s ago, tolerated 10 s)",
    ]);
    await c.stop();
  });
});
