// podBoundOnlyToMatchingNode and podSucceededOnlyWhenContainersSucceeded, judged on forged
// versions of pods and nodes (what the API server would store), and on an ordinary run.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import type { Runtime } from "../../runtime/runtime.js";
import { InvariantChecker } from "./index.js";
import { podBoundOnlyToMatchingNode, podSucceededOnlyWhenContainersSucceeded } from "./pods.js";

/** A world whose objects the test replaces between steps, as the API server replaces stored versions. */
function world() {
  const objs: Record<string, any[]> = { Node: [], Pod: [] };
  return { objs, w: { list: (k: string) => objs[k] ?? [], etcdRevision: () => 0, runtimeStarts: () => 0, liveSandboxPods: () => new Set<string>() } };
}
const rt = { now: 0 } as unknown as Runtime;

const node = (name: string, labels: Record<string, string>) => ({ kind: "Node", metadata: { name, uid: `n-${name}`, labels: { "kubernetes.io/hostname": name, ...labels } } });
const pod = (spec: any, nodeName?: string) => ({ kind: "Pod", metadata: { name: "p", namespace: "default", uid: "p1" }, spec: { ...spec, ...(nodeName ? { nodeName } : {}) } });

describe("podBoundOnlyToMatchingNode", () => {
  it("reports a pod bound to a node whose labels miss its nodeSelector", () => {
    const { objs, w } = world();
    const check = podBoundOnlyToMatchingNode.create(rt);
    objs.Node = [node("a", { disk: "ssd" }), node("b", {})];
    objs.Pod = [pod({ nodeSelector: { disk: "ssd" } })];
    expect(check.step!(w)).toEqual([]);
    objs.Pod = [pod({ nodeSelector: { disk: "ssd" } }, "b")];
    expect(check.step!(w).map((v) => v.message)).toEqual(['pod default/p was bound to node b, whose labels (in every version stored) do not satisfy its nodeSelector {"disk":"ssd"}']);
  });

  it("accepts a binding to a matching node, by nodeSelector and by required node affinity (In, NotIn, matchFields)", () => {
    const { objs, w } = world();
    const check = podBoundOnlyToMatchingNode.create(rt);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: "zone", operator: "In", values: ["x"] }, { key: "gpu", operator: "DoesNotExist" }] },
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["c"] }] },
    ] } } };
    objs.Node = [node("a", { disk: "ssd", zone: "x" }), node("b", { zone: "y" }), node("c", {})];
    for (const [spec, target] of [[{ nodeSelector: { disk: "ssd" } }, "a"], [{ affinity }, "a"], [{ affinity }, "c"]] as const) {
      objs.Pod = [pod(spec)];
      check.step!(w);
      objs.Pod = [pod(spec, target)];
      expect(check.step!(w)).toEqual([]);
      objs.Pod = [];
      check.step!(w);
    }
    objs.Pod = [{ ...pod({ affinity }), metadata: { name: "q", namespace: "default", uid: "q1" } }];
    check.step!(w);
    objs.Pod = [{ ...pod({ affinity }, "b"), metadata: { name: "q", namespace: "default", uid: "q1" } }];
    expect(check.step!(w).map((v) => v.message)).toEqual(["pod default/q was bound to node b, whose labels (in every version stored) do not satisfy its nodeSelector {} and required node affinity"]);
  });

  it("accepts a binding an older version of the node's labels justified (the scheduler's cache lags), and a pod created bound", () => {
    const { objs, w } = world();
    const check = podBoundOnlyToMatchingNode.create(rt);
    objs.Node = [node("a", { disk: "ssd" })];
    objs.Pod = [pod({ nodeSelector: { disk: "ssd" } })];
    check.step!(w);
    objs.Node = [node("a", { disk: "hdd" })];
    objs.Pod = [pod({ nodeSelector: { disk: "ssd" } }, "a")];
    expect(check.step!(w)).toEqual([]);
    objs.Pod = [{ ...pod({ nodeSelector: { disk: "nvme" } }, "a"), metadata: { name: "direct", namespace: "default", uid: "d1" } }];
    expect(check.step!(w)).toEqual([]);
  });
});

describe("podSucceededOnlyWhenContainersSucceeded", () => {
  const status = (phase: string, codes: number[]) => ({ phase, containerStatuses: codes.map((c, i) => ({ name: `c${i}`, state: { terminated: { exitCode: c } } })) });
  it("reports a Succeeded pod with a container that exited non-zero, and accepts the same pod Failed", () => {
    const { objs, w } = world();
    const check = podSucceededOnlyWhenContainersSucceeded.create(rt);
    objs.Pod = [{ ...pod({ restartPolicy: "Never" }, "a"), status: status("Succeeded", [0, 1]) }];
    expect(check.step!(w).map((v) => v.message)).toEqual(["pod default/p is Succeeded, but its container c1 terminated with exit code 1"]);
    objs.Pod = [{ ...pod({ restartPolicy: "Never" }, "a"), status: status("Failed", [0, 1]) }];
    expect(check.step!(w)).toEqual([]);
    objs.Pod = [{ ...pod({ restartPolicy: "Never" }, "a"), status: status("Succeeded", [0, 0]) }];
    expect(check.step!(w)).toEqual([]);
  });

  it("holds at every step of pods that exit 0 and 1 under restartPolicy Never and OnFailure", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    const checker = new InvariantChecker(c.runtime, [podSucceededOnlyWhenContainersSucceeded]);
    const seen: string[] = [];
    c.runtime.observers.push(() => void seen.push(...checker.step().map((v) => v.message)));
    const run = (name: string, restartPolicy: string, code: number) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { restartPolicy, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", `sleep 1; exit ${code}`] }] } });
    await c.apply([run("ok", "Never", 0), run("bad", "Never", 1), run("retry", "OnFailure", 0)]);
    await c.settle();
    c.advance(20_000);
    await c.settle();
    expect(c.get("Pod", "bad", "default").status.phase).toBe("Failed");
    expect(c.get("Pod", "ok", "default").status.phase).toBe("Succeeded");
    expect(seen).toEqual([]);
    await c.stop();
  });
});
