// pkg/scheduler/framework/plugins/noderesources/fit_test.go (the stored v1.35-line copy, with
// DRAExtendedResource and pod-level hugepages), row by row: TestEnoughRequests (Filter's status and
// fitsRequest's InsufficientResources), TestNotEnoughRequests, TestStorageRequests and
// TestRestartableInitContainers (SidecarContainers, GA, on). Rows left out: those setting plugin args
// (IgnoredResources, IgnoredResourceGroups) and those with DRAExtendedResource on (alpha, off in v1.35).

import { describe, expect, it } from "vitest";
import type { Container, Node, Pod } from "kubernetes-types/core/v1";
import { type FilterStatus, newNodeInfo, podRequests, toResources } from "../../framework.js";
import { fitsRequest, type InsufficientResource, NodeResourcesFit } from "./index.js";

// framework.Resource as the Go table writes it; scalars by name.
interface R { cpu?: number; mem?: number; eph?: number; scalar?: Record<string, number> }
// newResourcePod: one container per usage, each requesting cpu (milli), memory, pods 0, ephemeral-storage and its scalars.
const requests = (u: R): Record<string, string> => {
  const rl: Record<string, string> = { cpu: `${u.cpu ?? 0}m`, memory: `${u.mem ?? 0}`, pods: "0", "ephemeral-storage": `${u.eph ?? 0}` };
  for (const [k, v] of Object.entries(u.scalar ?? {})) rl[k] = `${v}`;
  return rl;
};
const containers = (usage: R[]): Container[] => usage.map((u, i) => ({ name: `c${i}`, image: "i", resources: { requests: requests(u) } }));
const newResourcePod = (...usage: R[]): Pod => ({ metadata: { name: "p", namespace: "default" }, spec: { containers: containers(usage) }, status: { phase: "Running" } });
const withInit = (pod: Pod, ...usage: R[]): Pod => ({ ...pod, spec: { ...pod.spec!, initContainers: containers(usage) } });
const withOverhead = (pod: Pod, overhead: Record<string, string>): Pod => ({ ...pod, spec: { ...pod.spec!, overhead } });
// newPodLevelResourcesPod: spec.resources.requests (PodLevelResources, beta and on in v1.35).
const withPodLevel = (pod: Pod, req: Record<string, string>): Pod => ({ ...pod, spec: { ...pod.spec!, resources: { requests: req } } as Pod["spec"] });
const A = "example.com/aaa";
const B = "example.com/bbb";
const kA = "kubernetes.io/something";
const kB = "subdomain.kubernetes.io/something";
const H = "hugepages-2Mi";
const DRA = "extended.resource.dra.io/something";
// makeAllocatableResources(10, 20, 32, 5, 20, 5)
const node = (alloc: Record<string, string>): Node => ({ metadata: { name: "n" }, status: { allocatable: alloc } });
const enoughNode = node({ cpu: "10m", memory: "20", pods: "32", [A]: "5", "ephemeral-storage": "20", [H]: "5" });

const ok: FilterStatus = { code: "Success" };
const unsched = (...reasons: string[]): FilterStatus => ({ code: "Unschedulable", plugin: "NodeResourcesFit", reasons });
const unresolvable = (...reasons: string[]): FilterStatus => ({ code: "UnschedulableAndUnresolvable", plugin: "NodeResourcesFit", reasons });
const ins = (resourceName: string, requested: number, used: number, capacity: number, unresolvable = false): InsufficientResource =>
  ({ resourceName, reason: `Insufficient ${resourceName}`, requested, used, capacity, unresolvable });

function filter(pod: Pod, existing: Pod, n: Node): FilterStatus {
  const state = new Map();
  NodeResourcesFit.preFilter(state, pod);
  return NodeResourcesFit.filter(state, pod, newNodeInfo(n, [existing]));
}

describe("TestEnoughRequests", () => {
  const rows: [string, Pod, Pod, FilterStatus, InsufficientResource[]][] = [
    ["no resources requested always fits", { metadata: { name: "p" }, spec: { containers: [] } }, newResourcePod({ cpu: 10, mem: 20 }), ok, []],
    ["too many resources fails", newResourcePod({ cpu: 1, mem: 1 }), newResourcePod({ cpu: 10, mem: 20 }), unsched("Insufficient cpu", "Insufficient memory"), [ins("cpu", 1, 10, 10), ins("memory", 1, 20, 20)]],
    ["too many resources fails due to init container cpu", withInit(newResourcePod({ cpu: 1, mem: 1 }), { cpu: 3, mem: 1 }), newResourcePod({ cpu: 8, mem: 19 }), unsched("Insufficient cpu"), [ins("cpu", 3, 8, 10)]],
    ["too many resources fails due to highest init container cpu", withInit(newResourcePod({ cpu: 1, mem: 1 }), { cpu: 3, mem: 1 }, { cpu: 2, mem: 1 }), newResourcePod({ cpu: 8, mem: 19 }), unsched("Insufficient cpu"), [ins("cpu", 3, 8, 10)]],
    ["too many resources fails due to init container memory", withInit(newResourcePod({ cpu: 1, mem: 1 }), { cpu: 1, mem: 3 }), newResourcePod({ cpu: 9, mem: 19 }), unsched("Insufficient memory"), [ins("memory", 3, 19, 20)]],
    ["too many resources fails due to highest init container memory", withInit(newResourcePod({ cpu: 1, mem: 1 }), { cpu: 1, mem: 3 }, { cpu: 1, mem: 2 }), newResourcePod({ cpu: 9, mem: 19 }), unsched("Insufficient memory"), [ins("memory", 3, 19, 20)]],
    ["init container fits because it's the max, not sum, of containers and init containers", withInit(newResourcePod({ cpu: 1, mem: 1 }), { cpu: 1, mem: 1 }), newResourcePod({ cpu: 9, mem: 19 }), ok, []],
    ["multiple init containers fit because it's the max, not sum, of containers and init containers", withInit(newResourcePod({ cpu: 1, mem: 1 }), { cpu: 1, mem: 1 }, { cpu: 1, mem: 1 }), newResourcePod({ cpu: 9, mem: 19 }), ok, []],
    ["both resources fit", newResourcePod({ cpu: 1, mem: 1 }), newResourcePod({ cpu: 5, mem: 5 }), ok, []],
    ["one resource memory fits", newResourcePod({ cpu: 2, mem: 1 }), newResourcePod({ cpu: 9, mem: 5 }), unsched("Insufficient cpu"), [ins("cpu", 2, 9, 10)]],
    ["one resource cpu fits", newResourcePod({ cpu: 1, mem: 2 }), newResourcePod({ cpu: 5, mem: 19 }), unsched("Insufficient memory"), [ins("memory", 2, 19, 20)]],
    ["equal edge case", newResourcePod({ cpu: 5, mem: 1 }), newResourcePod({ cpu: 5, mem: 19 }), ok, []],
    ["equal edge case for init container", withInit(newResourcePod({ cpu: 4, mem: 1 }), { cpu: 5, mem: 1 }), newResourcePod({ cpu: 5, mem: 19 }), ok, []],
    ["extended resource fits", newResourcePod({ scalar: { [A]: 1 } }), newResourcePod({}), ok, []],
    ["extended resource fits for init container", withInit(newResourcePod({}), { scalar: { [A]: 1 } }), newResourcePod({}), ok, []],
    ["extended resource capacity enforced", newResourcePod({ cpu: 1, mem: 1, scalar: { [A]: 10 } }), newResourcePod({ scalar: { [A]: 0 } }), unresolvable(`Insufficient ${A}`), [ins(A, 10, 0, 5, true)]],
    ["extended resource capacity enforced for init container", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [A]: 10 } }), newResourcePod({ scalar: { [A]: 0 } }), unresolvable(`Insufficient ${A}`), [ins(A, 10, 0, 5, true)]],
    ["extended resource allocatable enforced", newResourcePod({ cpu: 1, mem: 1, scalar: { [A]: 1 } }), newResourcePod({ scalar: { [A]: 5 } }), unsched(`Insufficient ${A}`), [ins(A, 1, 5, 5)]],
    ["extended resource allocatable enforced for init container", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [A]: 1 } }), newResourcePod({ scalar: { [A]: 5 } }), unsched(`Insufficient ${A}`), [ins(A, 1, 5, 5)]],
    ["extended resource allocatable enforced for multiple containers", newResourcePod({ cpu: 1, mem: 1, scalar: { [A]: 3 } }, { cpu: 1, mem: 1, scalar: { [A]: 3 } }), newResourcePod({ scalar: { [A]: 2 } }), unresolvable(`Insufficient ${A}`), [ins(A, 6, 2, 5, true)]],
    ["extended resource allocatable admits multiple init containers", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [A]: 3 } }, { cpu: 1, mem: 1, scalar: { [A]: 3 } }), newResourcePod({ scalar: { [A]: 2 } }), ok, []],
    ["extended resource allocatable enforced for multiple init containers", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [A]: 6 } }, { cpu: 1, mem: 1, scalar: { [A]: 3 } }), newResourcePod({ scalar: { [A]: 2 } }), unresolvable(`Insufficient ${A}`), [ins(A, 6, 2, 5, true)]],
    ["extended resource allocatable enforced for unknown resource", newResourcePod({ cpu: 1, mem: 1, scalar: { [B]: 1 } }), newResourcePod({}), unresolvable(`Insufficient ${B}`), [ins(B, 1, 0, 0, true)]],
    ["extended resource allocatable enforced for unknown resource for init container", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [B]: 1 } }), newResourcePod({}), unresolvable(`Insufficient ${B}`), [ins(B, 1, 0, 0, true)]],
    ["kubernetes.io resource capacity enforced", newResourcePod({ cpu: 1, mem: 1, scalar: { [kA]: 10 } }), newResourcePod({}), unresolvable(`Insufficient ${kA}`), [ins(kA, 10, 0, 0, true)]],
    ["kubernetes.io resource capacity enforced for init container", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [kB]: 10 } }), newResourcePod({}), unresolvable(`Insufficient ${kB}`), [ins(kB, 10, 0, 0, true)]],
    ["hugepages resource capacity enforced", newResourcePod({ cpu: 1, mem: 1, scalar: { [H]: 10 } }), newResourcePod({ scalar: { [H]: 0 } }), unresolvable(`Insufficient ${H}`), [ins(H, 10, 0, 5, true)]],
    ["hugepages resource capacity enforced for init container", withInit(newResourcePod({}), { cpu: 1, mem: 1, scalar: { [H]: 10 } }), newResourcePod({ scalar: { [H]: 0 } }), unresolvable(`Insufficient ${H}`), [ins(H, 10, 0, 5, true)]],
    ["hugepages resource allocatable enforced for multiple containers", newResourcePod({ cpu: 1, mem: 1, scalar: { [H]: 3 } }, { cpu: 1, mem: 1, scalar: { [H]: 3 } }), newResourcePod({ scalar: { [H]: 2 } }), unresolvable(`Insufficient ${H}`), [ins(H, 6, 2, 5, true)]],
    ["resources + pod overhead fits", withOverhead(newResourcePod({ cpu: 1, mem: 1 }), { cpu: "3m", memory: "13" }), newResourcePod({ cpu: 5, mem: 5 }), ok, []],
    ["requests + overhead does not fit for memory", withOverhead(newResourcePod({ cpu: 1, mem: 1 }), { cpu: "1m", memory: "15" }), newResourcePod({ cpu: 5, mem: 5 }), unsched("Insufficient memory"), [ins("memory", 16, 5, 20)]],
    ["skip checking extended resource request with quantity zero via resource groups", newResourcePod({ cpu: 1, mem: 1, scalar: { [A]: 0 } }), newResourcePod({ scalar: { [A]: 6 } }), ok, []],
    ["skip checking resource request with quantity zero", newResourcePod({ scalar: { [A]: 1 } }), newResourcePod({ cpu: 20, mem: 30, scalar: { [A]: 1 } }), ok, []],
    ["both pod-level and container-level resources fit", withPodLevel(newResourcePod({ cpu: 1, mem: 1 }), { cpu: "1m", memory: "2" }), newResourcePod({ cpu: 5, mem: 5 }), ok, []],
    ["pod-level cpu resource not fit", withPodLevel(newResourcePod({ cpu: 1, mem: 1 }), { cpu: "7m", memory: "2" }), newResourcePod({ cpu: 5, mem: 5 }), unsched("Insufficient cpu"), [ins("cpu", 7, 5, 10)]],
    ["pod-level memory resource not fit", withPodLevel(newResourcePod({ cpu: 1, mem: 1 }), { cpu: "3m", memory: "2" }), newResourcePod({ cpu: 5, mem: 19 }), unsched("Insufficient memory"), [ins("memory", 2, 19, 20)]],
    ["pod-level hugepages resource fit", withPodLevel(newResourcePod(), { cpu: "3m", memory: "2", [H]: "5" }), undefined as unknown as Pod, ok, []],
    ["both pod-level and container-level hugepages resource fit", withPodLevel(newResourcePod({ cpu: 1, mem: 1, scalar: { [H]: 3 } }), { cpu: "3m", memory: "2", [H]: "5" }), undefined as unknown as Pod, ok, []],
    ["pod-level hugepages resource not fit", withPodLevel(newResourcePod(), { cpu: "3m", memory: "2", [H]: "10" }), undefined as unknown as Pod, unresolvable(`Insufficient ${H}`), [ins(H, 10, 0, 5, true)]],
    ["one pod-level cpu resource fits and all init and non-init containers resources fit", withInit(withPodLevel(newResourcePod({ cpu: 1, mem: 1 }), { cpu: "3m", memory: "2" }), { cpu: 1, mem: 1 }), newResourcePod({ cpu: 5, mem: 19 }),
      unsched("Insufficient memory"), [ins("memory", 2, 19, 20)]],
    ["extended resource backed by DRA not enabled", newResourcePod({ cpu: 1, mem: 1, scalar: { [DRA]: 1 } }), newResourcePod({}), unresolvable(`Insufficient ${DRA}`), [ins(DRA, 1, 0, 0, true)]],
  ];
  for (const [name, pod, existing, want, wantIns] of rows) {
    it(name, () => {
      // framework.NewNodeInfo() with no pod for the pod-level hugepages rows
      const ni = newNodeInfo(enoughNode, existing === undefined ? [] : [existing]);
      const state = new Map();
      NodeResourcesFit.preFilter(state, pod);
      expect(NodeResourcesFit.filter(state, pod, ni)).toEqual(want);
      expect(fitsRequest(toResources(podRequests(pod)), ni)).toEqual(wantIns);
    });
  }
});

describe("TestNotEnoughRequests (a node for one pod, already holding one)", () => {
  const onePod = node({ cpu: "10m", memory: "20", pods: "1", [A]: "0", "ephemeral-storage": "0", [H]: "0" });
  const rows: [string, Pod, Pod][] = [
    ["even without specified resources, predicate fails when there's no space for additional pod", { metadata: { name: "p" }, spec: { containers: [] } }, newResourcePod({ cpu: 10, mem: 20 })],
    ["even if both resources fit, predicate fails when there's no space for additional pod", newResourcePod({ cpu: 1, mem: 1 }), newResourcePod({ cpu: 5, mem: 5 })],
    ["even for equal edge case, predicate fails when there's no space for additional pod", newResourcePod({ cpu: 5, mem: 1 }), newResourcePod({ cpu: 5, mem: 19 })],
    ["even for equal edge case, predicate fails when there's no space for additional pod due to init container", withInit(newResourcePod({ cpu: 5, mem: 1 }), { cpu: 5, mem: 1 }), newResourcePod({ cpu: 5, mem: 19 })],
  ];
  for (const [name, pod, existing] of rows) it(name, () => expect(filter(pod, existing, onePod)).toEqual(unsched("Too many pods")));
});

describe("TestStorageRequests", () => {
  const rows: [string, Pod, Pod, FilterStatus][] = [
    ["empty storage requested, and pod fits", newResourcePod({ cpu: 1, mem: 1 }), newResourcePod({ cpu: 2, mem: 10 }), ok],
    ["storage ephemeral local storage request exceeds allocatable", newResourcePod({ eph: 25 }), newResourcePod({ cpu: 2, mem: 2 }), unresolvable("Insufficient ephemeral-storage")],
    ["ephemeral local storage is sufficient", withInit(newResourcePod({ eph: 5 })), newResourcePod({ cpu: 2, mem: 2, eph: 10 }), ok],
    ["pod fits", newResourcePod({ eph: 10 }), newResourcePod({ cpu: 2, mem: 2 }), ok],
  ];
  for (const [name, pod, existing, want] of rows) it(name, () => expect(filter(pod, existing, enoughNode)).toEqual(want));
});

describe("TestRestartableInitContainers (SidecarContainers on)", () => {
  const small = node({ cpu: "2m", memory: "0", pods: "1", [A]: "0", "ephemeral-storage": "0", [H]: "0" });
  const plain = (): Pod => ({ metadata: { name: "p" }, spec: { containers: [{ name: "regular" }] } });
  const withSidecar = (request?: string, sidecar?: string): Pod => ({
    metadata: { name: "p" },
    spec: {
      containers: [{ name: "regular", ...(request ? { resources: { requests: { cpu: request } } } : {}) }],
      initContainers: [{ name: "restartable-init", restartPolicy: "Always", ...(sidecar ? { resources: { requests: { cpu: sidecar } } } : {}) } as Container],
    },
  });
  const rows: [string, Pod, FilterStatus][] = [
    ["allow pod without restartable init containers if sidecar containers is enabled", plain(), ok],
    ["allow pod with restartable init containers if sidecar containers is enabled", withSidecar(), ok],
    ["allow pod if the total requested resources do not exceed the node's allocatable resources", withSidecar("1m", "1m"), ok],
    ["not allow pod if the total requested resources do exceed the node's allocatable resources", withSidecar("1m", "2m"), unresolvable("Insufficient cpu")],
  ];
  for (const [name, pod, want] of rows) {
    it(name, () => {
      const state = new Map();
      expect(NodeResourcesFit.preFilter(state, pod)).toBeUndefined();
      expect(NodeResourcesFit.filter(state, pod, newNodeInfo(small, []))).toEqual(want);
    });
  }
});

// least_allocated_test.go TestLeastAllocatedScoringStrategy (the rows on the default resources, cpu and
// memory weight 1; the args rows are left out) and fit_test.go TestFitScore's LeastAllocated rows.
// st.MakePod().Req(r) adds one container requesting r; st.MakeNode().Capacity(c) sets capacity and allocatable.
describe("TestLeastAllocatedScoringStrategy and TestFitScore (LeastAllocated)", () => {
  const stPod = (node: string | undefined, ...reqs: Record<string, string>[]): Pod =>
    ({ metadata: { name: "p", namespace: "default" }, spec: { ...(node ? { nodeName: node } : {}), containers: reqs.map((r, i) => ({ name: `c${i}`, image: "i", resources: { requests: r } })) }, status: { phase: "Running" } });
  const withSidecarReq = (pod: Pod, r: Record<string, string>): Pod => ({ ...pod, spec: { ...pod.spec!, initContainers: [{ name: "sidecar", image: "i", restartPolicy: "Always", resources: { requests: r } } as Container] } });
  const stNode = (name: string, capacity?: Record<string, string>): Node => ({ metadata: { name }, status: { ...(capacity ? { capacity, allocatable: capacity } : {}) } });
  const cm = (cpu: string, memory: string) => ({ cpu, memory });
  const rows: [string, Pod, Node[], Pod[], [string, number][], boolean][] = [
    ["nothing scheduled, nothing requested", stPod(undefined), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("4000", "10000"))], [], [["node1", 100], ["node2", 100]], true],
    ["nothing scheduled, resources requested, differently sized nodes", stPod(undefined, cm("1000", "2000"), cm("2000", "3000")), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("6000", "10000"))], [], [["node1", 37], ["node2", 50]], true],
    ["no resources requested, pods scheduled", stPod(undefined), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("4000", "10000"))],
      [stPod("node1"), stPod("node1"), stPod("node2"), stPod("node2")], [["node1", 100], ["node2", 100]], true],
    ["no resources requested, pods scheduled with resources", stPod(undefined), [stNode("node1", cm("10000", "20000")), stNode("node2", cm("10000", "20000"))],
      [stPod("node1", cm("3000", "0")), stPod("node1", cm("3000", "0")), stPod("node2", cm("3000", "0")), stPod("node2", cm("3000", "5000"))], [["node1", 70], ["node2", 57]], true],
    ["resources requested, pods scheduled with resources", stPod(undefined, cm("1000", "2000"), cm("2000", "3000")), [stNode("node1", cm("10000", "20000")), stNode("node2", cm("10000", "20000"))],
      [stPod("node1", cm("3000", "0")), stPod("node2", cm("3000", "5000"))], [["node1", 57], ["node2", 45]], true],
    ["resources requested, pods scheduled with resources, differently sized nodes", stPod(undefined, cm("1000", "2000"), cm("2000", "3000")), [stNode("node1", cm("10000", "20000")), stNode("node2", cm("10000", "50000"))],
      [stPod("node1", cm("3000", "0")), stPod("node2", cm("3000", "5000"))], [["node1", 57], ["node2", 60]], true],
    ["requested resources exceed node capacity", stPod(undefined, cm("3000", "0")), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("4000", "10000"))],
      [stPod("node1", cm("3000", "0")), stPod("node2", cm("3000", "5000"))], [["node1", 50], ["node2", 25]], true],
    ["zero node resources, pods scheduled with resources", stPod(undefined), [stNode("node1"), stNode("node2")],
      [stPod("node1", cm("3000", "0")), stPod("node2", cm("3000", "5000"))], [["node1", 0], ["node2", 0]], true],
    ["TestFitScore: test case for ScoringStrategy LeastAllocated", stPod(undefined, cm("1000", "2000")), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("6000", "10000"))],
      [stPod("node1", cm("2000", "4000")), stPod("node2", cm("1000", "2000"))], [["node1", 32], ["node2", 63]], true],
    ["TestFitScore: test case for ScoringStrategy LeastAllocated if PreScore is not called", stPod(undefined, cm("1000", "2000")), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("6000", "10000"))],
      [stPod("node1", cm("2000", "4000")), stPod("node2", cm("1000", "2000"))], [["node1", 32], ["node2", 63]], false],
    ["TestFitScore: test case for ScoringStrategy LeastAllocated with sidecar container", stPod(undefined, cm("1000", "2000")), [stNode("node1", cm("4000", "10000")), stNode("node2", cm("4000", "10000"))],
      [withSidecarReq(stPod("node1", cm("1000", "2000")), cm("1000", "2000")), stPod("node2", cm("1000", "2000"))], [["node1", 32], ["node2", 55]], true],
  ];
  for (const [name, pod, nodes, existing, want, runPreScore] of rows) {
    it(name, () => {
      const infos = nodes.map((n) => newNodeInfo(n, existing.filter((p) => p.spec?.nodeName === n.metadata!.name)));
      const state = new Map();
      if (runPreScore) NodeResourcesFit.preScore(state, pod);
      expect(infos.map((ni, i) => [nodes[i]!.metadata!.name!, NodeResourcesFit.score(state, pod, ni)])).toEqual(want);
    });
  }
});
