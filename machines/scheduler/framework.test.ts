// podRequests as resourcehelper.PodRequests (helpers_test.go in component-helpers/resource).
import { describe, expect, it } from "vitest";
import type { Container, Pod } from "kubernetes-types/core/v1";
import { newNodeInfo, nonZeroDefaults, podRequests, toleratesTaint } from "./framework.js";
import { container, makeNode, makePod } from "./plugins/testing.js";

const c = (cpu: string, mem?: string, extra: Partial<Container> = {}) => container(mem ? { cpu, memory: mem } : { cpu }, extra);
const sidecar = (cpu: string) => c(cpu, undefined, { restartPolicy: "Always" });
const p = (containers: Container[], initContainers: Container[] = [], extra: Partial<NonNullable<Pod["spec"]>> = {}) =>
  makePod("p", containers, { spec: { containers, initContainers, ...extra } });
const cpu = (pod: Pod, opts = {}) => podRequests(pod, opts).get("cpu") ?? 0;

describe("podRequests", () => {
  const rows: Array<[string, Pod, number]> = [
    ["containers are summed", p([c("1"), c("2")]), 3000],
    ["an init container larger than the sum wins", p([c("1")], [c("4")]), 4000],
    ["the sum wins over smaller init containers", p([c("3")], [c("1"), c("2")]), 3000],
    ["a sidecar adds to the regular containers", p([c("1")], [sidecar("1")]), 2000],
    ["an init container after a sidecar runs beside it", p([c("1")], [sidecar("1"), c("3")]), 4000],
    ["an init container before a sidecar does not include it", p([c("1")], [c("3"), sidecar("1")]), 3000],
    ["sidecars accumulate for later init containers", p([c("1")], [sidecar("1"), sidecar("2"), c("2")]), 5000],
    ["overhead is added on top", p([c("1")], [], { overhead: { cpu: "250m" } }), 1250],
  ];
  it.each(rows)("%s", (_n, pod, want) => expect(cpu(pod)).toBe(want));

  it("pod-level requests replace the container aggregate", () => {
    const pod = p([c("1")]);
    (pod.spec as { resources?: object }).resources = { requests: { cpu: "500m" } };
    expect(cpu(pod)).toBe(500);
  });
  it("non-zero defaults fill in a missing cpu and memory request per container", () => {
    const reqs = podRequests(p([container(), container({ memory: "1Gi" })]), { nonMissingContainerRequests: nonZeroDefaults });
    expect(reqs.get("cpu")).toBe(200);
    expect(reqs.get("memory")).toBe(200 * 1024 * 1024 + 1024 ** 3);
  });
  it("an explicit zero request is not replaced by the default", () => {
    expect(cpu(p([c("0")]), { nonMissingContainerRequests: nonZeroDefaults })).toBe(0);
  });
  it("NodeInfo tracks requested and non-zero requested separately", () => {
    const ni = newNodeInfo(makeNode("n"), [p([container()])]);
    expect(ni.requested.milliCPU).toBe(0);
    expect(ni.nonZeroRequested.milliCPU).toBe(100);
    expect(ni.allocatable.allowedPodNumber).toBe(110);
  });
});

// helpers_test.go's in-place resize rows (UseStatusResources): a pod whose resize is pending or in
// progress counts the most of desired, allocated and actual; an Infeasible one only what it has.
describe("podRequests of a pod being resized (UseStatusResources)", () => {
  const resizing = (desired: string, allocated: string, actual: string, infeasible = false): Pod => {
    const pod = p([c(desired)]);
    pod.status = {
      containerStatuses: [{ name: "c", allocatedResources: { cpu: allocated }, resources: { requests: { cpu: actual } } } as never],
      ...(infeasible ? { conditions: [{ type: "PodResizePending", status: "True", reason: "Infeasible" }] } : {}),
    };
    return pod;
  };
  const rows: Array<[string, Pod, number]> = [
    ["resized up, not yet allocated: the desired counts", resizing("4", "2", "2"), 4000],
    ["resized down, not yet actuated: the actual counts", resizing("1", "1", "2"), 2000],
    ["resized down, allocated but pending: the allocated counts", resizing("1", "3", "2"), 3000],
    ["an Infeasible resize: its desired does not count", resizing("100", "2", "2", true), 2000],
  ];
  it.each(rows)("%s", (_n, pod, want) => expect(cpu(pod, { useStatusResources: true })).toBe(want));
  it("the scheduling pod's own requests read its spec alone", () => expect(cpu(resizing("1", "3", "2"))).toBe(1000));
  it("NodeInfo accounts a placed pod with its status resources", () => {
    expect(newNodeInfo(makeNode("n"), [resizing("1", "3", "2")]).requested.milliCPU).toBe(3000);
  });
});

describe("toleratesTaint", () => {
  const rows: Array<[string, object, object, boolean]> = [
    ["an empty effect tolerates every effect", { key: "a", value: "b" }, { key: "a", value: "b", effect: "NoExecute" }, true],
    ["Equal with an empty value matches a taint without value", { key: "a", operator: "Equal" }, { key: "a", effect: "NoSchedule" }, true],
    ["an empty key requires Exists", { operator: "Exists" }, { key: "x", value: "y", effect: "NoSchedule" }, true],
    ["a different key does not tolerate", { key: "b", operator: "Exists" }, { key: "a", effect: "NoSchedule" }, false],
  ];
  it.each(rows)("%s", (_n, t, taint, want) => expect(toleratesTaint(t, taint as never)).toBe(want));
});
