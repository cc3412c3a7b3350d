// pkg/kubelet/lifecycle/predicate_test.go (the stored copy of the v1.35 line, beside predicate.go with
// TaintTolerationComparisonOperators), row by row: TestRemoveMissingExtendedResources, TestGeneralPredicates
// (predicateAdmitHandler.generalFilter with a cached and a freshly read node), TestRejectPodAdmissionBasedOnOSSelector,
// TestRejectPodAdmissionBasedOnOSField and TestPodAdmissionBasedOnSupplementalGroupsPolicy (its rows with the
// feature beta or above, as in v1.35; the rows emulating v1.30 and v1.32 are left out). runtime.GOOS is linux.

import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import {
  type PredicateFailureReason, admitPredicates, handlerGeneralFilter, rejectPodAdmissionBasedOnOSField, rejectPodAdmissionBasedOnOSSelector,
  rejectPodAdmissionBasedOnSupplementalGroupsPolicy, removeMissingExtendedResources,
} from "./admission.js";
import { isStaticPod } from "./status.js";

type ResourceList = Record<string, string>;

// makeTestPod: one container and one init container with the same requests and limits
const makeTestPod = (requests: ResourceList, limits: ResourceList): Pod => ({
  spec: { containers: [{ name: "", resources: { requests, limits } }], initContainers: [{ name: "", resources: { requests, limits } }] },
});
const makeTestNode = (allocatable: ResourceList): Node => ({ status: { allocatable } });

describe("TestRemoveMissingExtendedResources", () => {
  const rows: [string, Pod, Node, Pod][] = [
    ["requests in Limits should be ignored", makeTestPod({}, { "foo.com/bar": "1" }), makeTestNode({ "foo.com/baz": "1" }), makeTestPod({}, { "foo.com/bar": "1" })],
    ["requests for resources available in node should not be removed", makeTestPod({ "foo.com/bar": "1" }, {}), makeTestNode({ "foo.com/bar": "1" }), makeTestPod({ "foo.com/bar": "1" }, {})],
    ["requests for resources unavailable in node should be removed", makeTestPod({ "foo.com/bar": "1" }, {}), makeTestNode({ "foo.com/baz": "1" }), makeTestPod({}, {})],
  ];
  it.each(rows)("%s", (_name, pod, node, expected) => {
    expect(removeMissingExtendedResources(pod, node)).toEqual(expected);
  });
});

// makeResources / makeAllocatableResources(milliCPU, memory, pods, extendedA, storage, hugePageA)
const makeResources = (milliCPU: number, memory: number, pods: number, extendedA: number, storage: number, hugePageA: number): ResourceList => ({
  cpu: `${milliCPU}m`, memory: `${memory}`, pods: `${pods}`, "example.com/aaa": `${extendedA}`, "ephemeral-storage": `${storage}`, "hugepages-2Mi": `${hugePageA}`,
});
const machine1 = (extra: { labels?: Record<string, string>; taints?: { key: string; effect: string }[] } = {}): Node => ({
  metadata: { name: "machine1", ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: extra.taints ? { taints: extra.taints } : {},
  status: { capacity: makeResources(10, 20, 32, 0, 0, 0), allocatable: makeResources(10, 20, 32, 0, 0, 0) },
});
const newResourcePod = (...requests: ResourceList[]): Pod => ({ spec: { containers: requests.map((r) => ({ name: "", resources: { requests: r } })) } });
const newPodWithPort = (...hostPorts: number[]): Pod => ({ spec: { containers: [{ name: "", ports: hostPorts.map((hostPort) => ({ containerPort: 0, hostPort })) }] } });
const fileSource = { annotations: { "kubernetes.io/config.source": "file" } };
const fooExists = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "foo", operator: "Exists" }] }] } } };
const insufficient = (resourceName: string, requested: number, used: number, capacity: number): PredicateFailureReason => ({ kind: "insufficient", resourceName, requested, used, capacity });
const failed = (predicateName: string, predicateDesc: string): PredicateFailureReason => ({ kind: "predicate", predicateName, predicateDesc });
const nodeAffinityFailed = failed("NodeAffinity", "node(s) didn't match Pod's node affinity/selector");

describe("TestGeneralPredicates", () => {
  // name, pod, the node's other pods, cachedNode, syncNode, reasons
  const rows: [string, Pod, Pod[], Node, Node | undefined, PredicateFailureReason[]][] = [
    ["no resources/port/host requested always fits", {}, [newResourcePod({ cpu: "9m", memory: "19" })], machine1(), undefined, []],
    ["not enough cpu and memory resource", newResourcePod({ cpu: "8m", memory: "10" }), [newResourcePod({ cpu: "5m", memory: "19" })], machine1(), undefined,
      [insufficient("cpu", 8, 5, 10), insufficient("memory", 10, 19, 20)]],
    ["host not match", { spec: { nodeName: "machine2", containers: [] } }, [], machine1(), undefined, [failed("NodeName", "node(s) didn't match the requested node name")]],
    ["hostport conflict", newPodWithPort(123), [newPodWithPort(123)], machine1(), undefined, [failed("NodePorts", "node(s) didn't have free ports for the requested pod ports")]],
    ["taint/toleration match", { spec: { containers: [], tolerations: [{ key: "foo" }, { key: "bar" }] } }, [],
      machine1({ taints: [{ key: "foo", effect: "NoSchedule" }, { key: "bar", effect: "NoExecute" }] }), undefined, []],
    ["NoSchedule taint/toleration not match", {}, [], machine1({ taints: [{ key: "foo", effect: "NoSchedule" }] }), undefined, []],
    ["NoExecute taint/toleration not match", {}, [], machine1({ taints: [{ key: "bar", effect: "NoExecute" }] }), undefined,
      [failed("TaintToleration", "node(s) had untolerated taint(s)")]],
    ["PreferNoSchedule taint/toleration not match", {}, [], machine1({ taints: [{ key: "baz", effect: "PreferNoSchedule" }] }), undefined, []],
    ["static pods ignore taints", { metadata: fileSource }, [], machine1({ taints: [{ key: "foo", effect: "NoSchedule" }, { key: "bar", effect: "NoExecute" }] }), undefined, []],
    ["node affinity failure", { metadata: fileSource, spec: { containers: [], affinity: fooExists } }, [], machine1(), machine1(), [nodeAffinityFailed]],
    // both reasons: the node is not read again when node affinity is not the only failure
    ["node affinity failure on cached node and node name doesn't match", { metadata: fileSource, spec: { containers: [], nodeName: "some-node-name", affinity: fooExists } }, [],
      machine1(), machine1({ labels: { foo: "bar" } }), [nodeAffinityFailed, failed("NodeName", "node(s) didn't match the requested node name")]],
    ["node affinity failure on cached node, but not the fresh one", { metadata: fileSource, spec: { containers: [], affinity: fooExists } }, [],
      machine1(), machine1({ labels: { foo: "bar" } }), []],
    ["node affinity failure on fresh node, but not the cached one", { metadata: fileSource, spec: { containers: [], affinity: fooExists } }, [],
      machine1({ labels: { foo: "bar" } }), machine1(), []],
  ];
  it.each(rows)("%s", (_name, pod, others, cachedNode, syncNode, reasons) => {
    expect(handlerGeneralFilter(pod, cachedNode, others, () => syncNode)).toEqual(reasons);
  });
});

describe("TestRejectPodAdmissionBasedOnOSSelector (the node's os label is taken as runtime.GOOS)", () => {
  const osLabel = (os: string) => ({ labels: { "kubernetes.io/os": os } });
  const rows: [string, Pod, boolean][] = [
    ["OS label match", { metadata: osLabel("linux") }, false],
    ["dummyOS label, but the underlying OS matches", { metadata: osLabel("linux") }, false],
    ["dummyOS label, but the underlying OS doesn't match", { metadata: osLabel("dummyOS") }, true],
    ["dummyOS label, but the underlying OS doesn't match (second row)", { metadata: osLabel("dummyOS") }, true],
    ["OS field mismatch, OS label on node object would be reset to correct value", { metadata: osLabel("dummyOS") }, true],
    ["No label selector on the pod, should be admitted", {}, false],
  ];
  it.each(rows)("%s", (_name, pod, expectRejection) => {
    expect(rejectPodAdmissionBasedOnOSSelector(pod)).toBe(expectRejection);
  });
});

describe("TestRejectPodAdmissionBasedOnOSField", () => {
  const rows: [string, Pod, boolean][] = [
    ["OS field match", { spec: { containers: [], os: { name: "linux" } } }, false],
    ["OS field mismatch", { spec: { containers: [], os: { name: "dummyOS" } } }, true],
    ["no OS field", { spec: { containers: [] } }, false],
  ];
  it.each(rows)("%s", (_name, pod, expectRejection) => {
    expect(rejectPodAdmissionBasedOnOSField(pod)).toBe(expectRejection);
  });
});

describe("TestPodAdmissionBasedOnSupplementalGroupsPolicy (feature beta or above)", () => {
  const nodeWithFeature = { metadata: { name: "test" }, status: { features: { supplementalGroupsPolicy: true } } } as Node;
  const nodeWithoutFeature: Node = { metadata: { name: "test" } };
  const podNotUsingFeature: Pod = {};
  const podUsingFeature = { spec: { containers: [], securityContext: { supplementalGroupsPolicy: "Strict" } } } as Pod;
  const rows: [string, Node, Pod, boolean][] = [
    ["feature=Beta, node=feature not supported, pod=in use: it should REJECT", nodeWithoutFeature, podUsingFeature, true],
    ["feature=Beta, node=feature supported, pod=in use: it should ADMIT", nodeWithFeature, podUsingFeature, false],
    ["feature=Beta, node=feature not supported, pod=not in use: it should ADMIT", nodeWithoutFeature, podNotUsingFeature, false],
    ["feature=Beta, node=feature supported, pod=not in use: it should ADMIT", nodeWithFeature, podNotUsingFeature, false],
  ];
  it.each(rows)("%s", (_name, node, pod, expectRejection) => {
    expect(rejectPodAdmissionBasedOnSupplementalGroupsPolicy(pod, node)).toBe(expectRejection);
  });
  it("Admit's reason and message for the rejection (predicate.go)", () => {
    expect(admitPredicates(podUsingFeature, nodeWithoutFeature, [])).toEqual({
      reason: "SupplementalGroupsPolicyNotSupported", message: "SupplementalGroupsPolicy=Strict is not supported in this node",
    });
  });
});

// pkg/kubelet/types/pod_update_test.go TestIsStaticPod: the config source annotation names the pod's source.
describe("TestIsStaticPod (pkg/kubelet/types)", () => {
  const withSource = (source: string): Pod => ({ metadata: { name: "foo", namespace: "default", annotations: { "kubernetes.io/config.source": source } } });
  const rows: [string, Pod, boolean][] = [
    ["static pod with file source", withSource("file"), true],
    ["static pod with http source", withSource("http"), true],
    ["static pod with api server source", withSource("api"), false],
  ];
  it.each(rows)("%s", (_name, pod, expected) => {
    expect(isStaticPod(pod)).toBe(expected);
  });
});
