import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../../runtime/cluster.js";
import { daemonSetRunsOnePodPerNode } from "./daemonset.js";

const fluentd = readFileSync(new URL("../../examples/daemonset.yaml", import.meta.url), "utf8");
const ref = { kind: "DaemonSet", uid: "u1", controller: true };
const pod = (name: string, node: string, extra: any = {}) => ({ metadata: { name, namespace: "kube-system", ownerReferences: [ref], ...extra }, spec: { nodeName: node }, status: { phase: "Running" } });
const ds = (maxSurge = 0) => ({ metadata: { name: "agent", namespace: "kube-system", uid: "u1" }, spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: maxSurge ? 0 : 1, maxSurge } } } });

describe("daemonSetRunsOnePodPerNode", () => {
  for (const seed of [1, 2]) {
    it(`holds at every step of the docs' DaemonSet created, rolled out and deleted (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 3, seed });
      const violations: string[] = [];
      let most = 0;
      c.runtime.observers.push(() => {
        for (const v of daemonSetRunsOnePodPerNode(c)) violations.push(v.message);
        most = Math.max(most, c.list("Pod", { namespace: "kube-system" }).filter((p: any) => !p.metadata.deletionTimestamp).length);
      });
      await c.apply(fluentd);
      await c.settle();
      await c.apply(fluentd.replace("fluentd:v5.0.1", "fluentd:v5.0.2"));
      await c.settle();
      await c.delete("DaemonSet", "fluentd-elasticsearch", "kube-system", { propagationPolicy: "Background" });
      await c.settle();
      expect(violations).toEqual([]);
      // the run did reach one pod on every node: the check had something to judge
      expect(most).toBe(3);
      await c.stop();
    });
  }

  it("reports two active pods of one DaemonSet on a node, the pending one found by its node affinity", () => {
    const pending = { metadata: { name: "b", namespace: "kube-system", ownerReferences: [ref] }, spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }] } } } }, status: { phase: "Pending" } };
    const view = { list: (k: string) => (k === "DaemonSet" ? [ds()] : [pod("a", "node-1"), pending, pod("c", "node-2")]) };
    expect(daemonSetRunsOnePodPerNode(view).map((v) => v.message)).toEqual(["DaemonSet kube-system/agent has 2 active pods on node node-1, more than 1"]);
  });

  it("does not count finished or terminating pods, nor another owner's", () => {
    const other = { ...pod("x", "node-1"), metadata: { name: "x", namespace: "kube-system", ownerReferences: [{ ...ref, uid: "u2" }] } };
    const view = { list: (k: string) => (k === "DaemonSet" ? [ds()] : [pod("a", "node-1"), { ...pod("b", "node-1"), status: { phase: "Failed" } }, pod("c", "node-1", { deletionTimestamp: "2026-01-01T00:00:00Z" }), other]) };
    expect(daemonSetRunsOnePodPerNode(view)).toEqual([]);
  });

  it("allows a second pod on a node once the DaemonSet allowed a surge, never a third", () => {
    let now = { ds: ds(1), pods: [pod("a", "node-1"), pod("b", "node-1")] };
    const view = { list: (k: string) => (k === "DaemonSet" ? [now.ds] : now.pods) };
    expect(daemonSetRunsOnePodPerNode(view)).toEqual([]);
    now = { ds: ds(0), pods: now.pods };
    expect(daemonSetRunsOnePodPerNode(view)).toEqual([]);
    now = { ds: now.ds, pods: [...now.pods, pod("c", "node-1")] };
    expect(daemonSetRunsOnePodPerNode(view).map((v) => v.message)).toEqual(["DaemonSet kube-system/agent has 3 active pods on node node-1, more than 2"]);
  });
});
