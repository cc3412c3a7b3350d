// TestNodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go,
// v1.35), the rows with the default resources (cpu and memory, weight 1); the rows configuring
// nvidia.com/gpu or a DRA extended resource are left out, as podflow's plugin scores cpu and memory only.
import { describe, expect, it } from "vitest";
import type { Container, Node, Pod } from "kubernetes-types/core/v1";
import { newNodeInfo } from "../../framework.js";
import { NodeResourcesBalancedAllocation } from "./index.js";

// noderesources' makeNode: allocatable milli-CPU and memory bytes, 100 pods.
const node = (name: string, milliCPU: number, memory: number): Node =>
  ({ metadata: { name, labels: { "kubernetes.io/hostname": name } }, status: { allocatable: { cpu: `${milliCPU}m`, memory: String(memory), pods: "100" } } });
const c = (cpu: string, memory: string): Container => ({ name: "c", image: "i", resources: { requests: { cpu, memory } } });
const pod = (name: string, containers: Container[], nodeName?: string): Pod => ({ metadata: { name, namespace: "default", uid: name }, spec: { containers, nodeName } });
const cpuOnly = (nodeName?: string) => pod(`cpuonly-${nodeName}`, [c("1000m", "0"), c("2000m", "0")], nodeName);
const cpuAndMemory = (nodeName?: string) => pod(`cpumem-${nodeName}`, [c("1000m", "2000"), c("2000m", "3000")], nodeName);

function score(incoming: Pod, nodes: Node[], existing: Pod[], runPreScore = true): Record<string, number> | "skip" {
  const infos = nodes.map((n) => newNodeInfo(n, existing.filter((p) => p.spec?.nodeName === n.metadata!.name)));
  const state = new Map();
  if (runPreScore && NodeResourcesBalancedAllocation.preScore(state, incoming) === "Skip") return "skip";
  return Object.fromEntries(infos.map((ni) => [ni.node.metadata!.name!, NodeResourcesBalancedAllocation.score(state, incoming, ni)]));
}

describe("TestNodeResourcesBalancedAllocation", () => {
  it("nothing scheduled, nothing requested: PreScore skips", () =>
    expect(score(pod("p", [{ name: "c", image: "i" }]), [node("node1", 4000, 10000), node("node2", 4000, 10000)], [])).toBe("skip"));
  it.each([
    ["nothing scheduled, resources requested, differently sized nodes", cpuAndMemory(), [node("node1", 4000, 10000), node("node2", 6000, 10000)], [], true, { node1: 87, node2: 100 }],
    ["resources requested, pods scheduled with resources", cpuAndMemory(), [node("node1", 10000, 20000), node("node2", 10000, 20000)], [cpuOnly("node1"), cpuAndMemory("node2")], true,
      { node1: 82, node2: 95 }],
    ["resources requested, pods scheduled with resources, differently sized nodes", cpuAndMemory(), [node("node1", 10000, 20000), node("node2", 10000, 50000)],
      [cpuOnly("node1"), cpuAndMemory("node2")], true, { node1: 82, node2: 80 }],
    ["requested resources at node capacity", cpuOnly(), [node("node1", 6000, 10000), node("node2", 6000, 10000)], [cpuOnly("node1"), cpuAndMemory("node2")], true, { node1: 50, node2: 75 }],
    ["resources requested, pods scheduled with resources if PreScore not called", cpuAndMemory(), [node("node1", 10000, 20000), node("node2", 10000, 20000)],
      [cpuOnly("node1"), cpuAndMemory("node2")], false, { node1: 82, node2: 95 }],
  ] as const)("%s", (_n, p, nodes, existing, runPreScore, want) => expect(score(p, [...nodes], [...existing], runPreScore)).toEqual(want));
});
