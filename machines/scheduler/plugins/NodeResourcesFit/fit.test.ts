// Ported in meaning from noderesources/fit_test.go: node has 10 cpu-milli, 20 memory, 32 pods.
import { describe, expect, it } from "vitest";
import type { Container, Node, Pod } from "kubernetes-types/core/v1";
import { type FilterStatus, newNodeInfo } from "../../framework.js";
import { container, makePod } from "../testing.js";
import { fitsRequest, leastRequestedScore, NodeResourcesFit } from "./index.js";

const node = (alloc: Record<string, string> = {}): Node => ({ metadata: { name: "n" }, status: { allocatable: { cpu: "10m", memory: "20", pods: "32", ...alloc } } });
const res = (cpu: number, mem: number, extra: Record<string, string> = {}) => container({ cpu: `${cpu}m`, memory: `${mem}`, ...extra });
const pod = (...cs: Container[]) => makePod("p", cs);
const withInit = (init: Container[], ...cs: Container[]) => makePod("p", cs, { spec: { containers: cs, initContainers: init } });

function filter(p: Pod, existing: Pod[], n: Node = node()): FilterStatus {
  const state = new Map();
  NodeResourcesFit.preFilter(state, p);
  return NodeResourcesFit.filter(state, p, newNodeInfo(n, existing));
}
const ok: FilterStatus = { code: "Success" };
const unsched = (...reasons: string[]): FilterStatus => ({ code: "Unschedulable", plugin: "NodeResourcesFit", reasons });
const unresolvable = (...reasons: string[]): FilterStatus => ({ code: "UnschedulableAndUnresolvable", plugin: "NodeResourcesFit", reasons });

describe("NodeResourcesFit Filter", () => {
  const rows: Array<[string, Pod, Pod[], FilterStatus]> = [
    ["no resources requested always fits", pod(container()), [pod(res(10, 20))], ok],
    ["too many resources fails on both cpu and memory", pod(res(1, 1)), [pod(res(10, 20))], unsched("Insufficient cpu", "Insufficient memory")],
    ["too many resources fails due to init container cpu", withInit([res(3, 1)], res(1, 1)), [pod(res(8, 19))], unsched("Insufficient cpu")],
    ["too many resources fails due to the highest init container cpu", withInit([res(3, 1), res(2, 1)], res(1, 1)), [pod(res(8, 19))], unsched("Insufficient cpu")],
    ["too many resources fails due to init container memory", withInit([res(1, 3)], res(1, 1)), [pod(res(9, 19))], unsched("Insufficient memory")],
    ["init container fits because it is the max, not the sum, of containers and init containers", withInit([res(1, 1)], res(1, 1)), [pod(res(9, 19))], ok],
    ["both resources fit", pod(res(1, 1)), [pod(res(5, 5))], ok],
    ["one resource memory fits", pod(res(2, 1)), [pod(res(9, 5))], unsched("Insufficient cpu")],
    ["one resource cpu fits", pod(res(1, 2)), [pod(res(5, 19))], unsched("Insufficient memory")],
    ["equal edge case", pod(res(5, 1)), [pod(res(5, 19))], ok],
    ["a request larger than the whole node is unresolvable", pod(res(11, 1)), [], unresolvable("Insufficient cpu")],
    ["extended resource fits", pod(res(1, 1, { "example.com/aaa": "1" })), [pod(res(0, 0, { "example.com/aaa": "2" }))], ok],
    ["extended resource capacity enforced", pod(res(1, 1, { "example.com/aaa": "4" })), [pod(res(0, 0, { "example.com/aaa": "2" }))], unsched("Insufficient example.com/aaa")],
    ["extended resource the node lacks entirely is unresolvable", pod(res(1, 1, { "example.com/bbb": "1" })), [], unresolvable("Insufficient example.com/bbb")],
    ["ephemeral storage is enforced", pod(res(0, 0, { "ephemeral-storage": "10" })), [pod(res(0, 0, { "ephemeral-storage": "15" }))], unsched("Insufficient ephemeral-storage")],
    ["finished pods do not hold resources", pod(res(5, 5)), [{ ...pod(res(10, 20)), status: { phase: "Failed" } }], ok],
  ];
  it.each(rows)("%s", (_n, p, existing, want) => {
    const n = node({ "example.com/aaa": "5", "ephemeral-storage": "20" });
    expect(filter(p, existing, n)).toEqual(want);
  });

  it("reports Too many pods even for a pod with no requests", () => {
    const n = node({ pods: "1" });
    expect(filter(pod(container()), [pod(container())], n)).toEqual(unsched("Too many pods"));
  });
  it("reports Too many pods together with insufficient resources, pods first", () => {
    const n = node({ pods: "1" });
    expect(filter(pod(res(10, 1)), [pod(res(5, 1))], n)).toEqual(unsched("Too many pods", "Insufficient cpu"));
  });
  it("counts pod overhead", () => {
    const p = makePod("p", [res(1, 1)], { spec: { containers: [res(1, 1)], overhead: { cpu: "9m" } } });
    expect(filter(p, [pod(res(1, 1))])).toEqual(unsched("Insufficient cpu"));
  });
  it("returns structured insufficient resources", () => {
    const ins = fitsRequest({ milliCPU: 3, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} }, newNodeInfo(node(), [pod(res(8, 1))]));
    expect(ins).toEqual([{ resourceName: "cpu", reason: "Insufficient cpu", requested: 3, used: 8, capacity: 10, unresolvable: false }]);
  });
});

describe("NodeResourcesFit LeastAllocated score (least_allocated_test.go)", () => {
  const bigNode = (name: string, cpu: string, mem: string): Node => ({ metadata: { name }, status: { allocatable: { cpu, memory: mem, pods: "110" } } });
  const score = (p: Pod, n: Node, existing: Pod[] = []) => {
    const s = new Map();
    NodeResourcesFit.preScore(s, p);
    return NodeResourcesFit.score(s, p, newNodeInfo(n, existing));
  };
  const rows: Array<[string, Pod, Node, Pod[], number]> = [
    ["nothing scheduled and nothing requested counts non-zero defaults (100m, 200Mi)", pod(container()), bigNode("n", "4", "10000Mi"), [], Math.trunc((Math.trunc((3900 * 100) / 4000) + Math.trunc(((10000 - 200) * 100) / 10000)) / 2)],
    ["requested 3000m of 4000m cpu and 5000 of 10000 memory", pod(container({ cpu: "3", memory: "5000" })), bigNode("n", "4", "10000"), [], Math.trunc((25 + 50) / 2)],
    ["existing pods count towards the request", pod(container({ cpu: "1", memory: "2000" })), bigNode("n", "4", "10000"), [pod(container({ cpu: "2", memory: "3000" }))], Math.trunc((25 + 50) / 2)],
    ["requests exceeding capacity score zero for that resource", pod(container({ cpu: "5", memory: "5000" })), bigNode("n", "4", "10000"), [], Math.trunc((0 + 50) / 2)],
  ];
  it.each(rows)("%s", (_n, p, n, existing, want) => expect(score(p, n, existing)).toBe(want));
  it("scores an over-committed resource as 0", () => expect(leastRequestedScore(11, 10)).toBe(0));
});
