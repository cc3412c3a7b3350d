// Filter plugin tables ported in meaning from each plugin's _test.go.
import { describe, expect, it } from "vitest";
import type { Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";
import { type FilterPlugin, type FilterStatus, newNodeInfo } from "../framework.js";
import { NodeAffinity } from "./NodeAffinity/index.js";
import { NodeName } from "./NodeName/index.js";
import { NodePorts } from "./NodePorts/index.js";
import { NodeUnschedulable } from "./NodeUnschedulable/index.js";
import { TaintToleration } from "./TaintToleration/index.js";
import { VolumeBinding } from "./VolumeBinding/index.js";
import { isSchedulableAfterPodDeleted as volumeRestrictionsHint, VolumeRestrictions } from "./VolumeRestrictions/index.js";
import { container, makeNode, makePod } from "./testing.js";

/** Runs one plugin's PreFilter then Filter against a single node. */
function run(plugin: FilterPlugin, pod: Pod, node: Node, pods: Pod[] = [], env = {}): FilterStatus {
  const ni = newNodeInfo(node, pods);
  const state = new Map();
  const pre = plugin.preFilter?.(state, pod, [ni], env);
  if (pre === "Skip") return { code: "Success" };
  if (pre !== undefined && pre.code !== "Success") return pre;
  return plugin.filter(state, pod, ni);
}
const ok: FilterStatus = { code: "Success" };
const fail = (code: "Unschedulable" | "UnschedulableAndUnresolvable", plugin: string, ...reasons: string[]): FilterStatus => ({ code, plugin, reasons });

describe("NodeUnschedulable (node_unschedulable_test.go)", () => {
  const tol: Toleration = { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" };
  const rows: Array<[string, Pod, Node, FilterStatus]> = [
    ["a pod does not fit a cordoned node", makePod("p"), makeNode("n", {}, {}, { unschedulable: true }), fail("UnschedulableAndUnresolvable", "NodeUnschedulable", "node(s) were unschedulable")],
    ["a pod fits a schedulable node", makePod("p"), makeNode("n", {}, {}, { unschedulable: false }), ok],
    ["a pod tolerating the unschedulable taint fits a cordoned node", makePod("p", undefined, { tolerations: [tol] }), makeNode("n", {}, {}, { unschedulable: true }), ok],
  ];
  it.each(rows)("%s", (_n, pod, node, want) => expect(run(NodeUnschedulable, pod, node)).toEqual(want));
});

describe("NodeName (node_name_test.go)", () => {
  const rows: Array<[string, Pod, FilterStatus]> = [
    ["a pod without nodeName fits any node", makePod("p"), ok],
    ["a pod naming this node fits", makePod("p", undefined, { spec: { containers: [], nodeName: "foo" } }), ok],
    ["a pod naming another node does not fit", makePod("p", undefined, { spec: { containers: [], nodeName: "bar" } }), fail("UnschedulableAndUnresolvable", "NodeName", "node(s) didn't match the requested node name")],
  ];
  it.each(rows)("%s", (_n, pod, want) => expect(run(NodeName, pod, makeNode("foo"))).toEqual(want));
});

describe("TaintToleration Filter (taint_toleration_test.go)", () => {
  const taint = (key: string, value: string, effect: string): Taint => ({ key, value, effect });
  const untolerated = fail("UnschedulableAndUnresolvable", "TaintToleration", "node(s) had untolerated taint(s)");
  const rows: Array<[string, Toleration[] | undefined, Taint[], FilterStatus]> = [
    ["a pod with no tolerations does not fit a node with a NoSchedule taint", undefined, [taint("dedicated", "user1", "NoSchedule")], untolerated],
    ["a pod tolerating the taint by key and value fits", [{ key: "dedicated", value: "user1", effect: "NoSchedule" }], [taint("dedicated", "user1", "NoSchedule")], ok],
    ["a toleration with a different value does not tolerate the taint", [{ key: "dedicated", operator: "Equal", value: "user2", effect: "NoSchedule" }], [taint("dedicated", "user1", "NoSchedule")], untolerated],
    ["an Exists toleration tolerates any value", [{ key: "foo", operator: "Exists", effect: "NoSchedule" }], [taint("foo", "bar", "NoSchedule")], ok],
    ["a toleration needs to tolerate every NoSchedule taint", [{ key: "dedicated", value: "user2", effect: "NoSchedule" }], [taint("dedicated", "user2", "NoSchedule"), taint("foo", "bar", "NoSchedule")], untolerated],
    ["a toleration with the wrong effect does not tolerate the taint", [{ key: "foo", value: "bar", effect: "PreferNoSchedule" }], [taint("foo", "bar", "NoSchedule")], untolerated],
    ["a PreferNoSchedule taint does not block scheduling", undefined, [taint("foo", "bar", "PreferNoSchedule")], ok],
    ["a NoExecute taint blocks scheduling", undefined, [taint("foo", "bar", "NoExecute")], untolerated],
    ["an empty-key Exists toleration tolerates every taint", [{ operator: "Exists" }], [taint("a", "b", "NoSchedule"), taint("c", "d", "NoExecute")], ok],
  ];
  it.each(rows)("%s", (_n, tolerations, taints, want) => {
    expect(run(TaintToleration, makePod("p", undefined, { tolerations }), makeNode("n", {}, {}, { taints }))).toEqual(want);
  });
});

describe("NodeAffinity Filter (node_affinity_test.go)", () => {
  const nomatch = fail("UnschedulableAndUnresolvable", "NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
  const req = (terms: object[]): Pod["spec"] => ({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  const rows: Array<[string, Pod["spec"], Record<string, string>, FilterStatus]> = [
    ["no selector and no affinity fits any node", { containers: [] }, { foo: "bar" }, ok],
    ["a nodeSelector missing from the node's labels does not fit", { containers: [], nodeSelector: { foo: "bar" } }, {}, nomatch],
    ["a nodeSelector matching the node's labels fits", { containers: [], nodeSelector: { foo: "bar" } }, { foo: "bar" }, ok],
    ["required affinity with an In expression fits a matching node", req([{ matchExpressions: [{ key: "foo", operator: "In", values: ["value1", "value2"] }] }]), { foo: "value1" }, ok],
    ["required affinity with Gt fits a larger integer label", req([{ matchExpressions: [{ key: "kernel-version", operator: "Gt", values: ["0204"] }] }]), { "kernel-version": "0206" }, ok],
    ["required affinity with NotIn rejects a listed value", req([{ matchExpressions: [{ key: "mem-type", operator: "NotIn", values: ["DDR", "DDR2"] }] }]), { "mem-type": "DDR" }, nomatch],
    ["required affinity with Exists needs the key", req([{ matchExpressions: [{ key: "GPU", operator: "Exists" }] }]), { foo: "bar" }, nomatch],
    ["an empty term list matches no node", req([]), { foo: "bar" }, nomatch],
    ["a term with no requirements matches no node", req([{}]), { foo: "bar" }, nomatch],
    ["terms are ORed", req([{ matchExpressions: [{ key: "foo", operator: "In", values: ["x"] }] }, { matchExpressions: [{ key: "diskType", operator: "In", values: ["ssd"] }] }]), { diskType: "ssd" }, ok],
    ["nodeSelector and required affinity must both match", { ...req([{ matchExpressions: [{ key: "foo", operator: "Exists" }] }]), nodeSelector: { foo: "bar" }, containers: [] }, { foo: "baz" }, nomatch],
    ["matchFields on metadata.name fits the named node", req([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node1"] }] }]), {}, ok],
  ];
  it.each(rows)("%s", (_n, spec, labels, want) => {
    expect(run(NodeAffinity, makePod("p", [], { spec }), makeNode("node1", {}, labels))).toEqual(want);
  });
});

describe("NodePorts (node_ports_test.go)", () => {
  const portPod = (...ports: Array<[string, number, string?]>) => makePod("p", [container(undefined, { ports: ports.map(([protocol, hostPort, hostIP]) => ({ containerPort: hostPort, hostPort, protocol, hostIP })) })]);
  const conflict = fail("Unschedulable", "NodePorts", "node(s) didn't have free ports for the requested pod ports");
  const rows: Array<[string, Pod, Pod[], FilterStatus]> = [
    ["a pod without host ports fits", makePod("p"), [portPod(["TCP", 8080])], ok],
    ["different ports on the same IP fit", portPod(["UDP", 8080, "127.0.0.1"]), [portPod(["UDP", 9090, "127.0.0.1"])], ok],
    ["the same port and protocol on the same IP conflict", portPod(["UDP", 8080, "127.0.0.1"]), [portPod(["UDP", 8080, "127.0.0.1"])], conflict],
    ["the same port on different IPs fits", portPod(["TCP", 8001, "127.0.0.1"]), [portPod(["TCP", 8001, "127.0.0.2"])], ok],
    ["the same port with different protocols fits", portPod(["TCP", 8001, "127.0.0.1"]), [portPod(["UDP", 8001, "127.0.0.1"])], ok],
    ["0.0.0.0 conflicts with a specific IP on the same port", portPod(["UDP", 8001, "0.0.0.0"]), [portPod(["UDP", 8001, "127.0.0.1"])], conflict],
    ["a specific IP conflicts with 0.0.0.0 on the same port", portPod(["TCP", 8001, "127.0.0.1"]), [portPod(["TCP", 8001])], conflict],
    ["a finished pod no longer holds its port", portPod(["TCP", 80]), [{ ...portPod(["TCP", 80]), status: { phase: "Succeeded" } }], ok],
  ];
  it.each(rows)("%s", (_n, pod, existing, want) => expect(run(NodePorts, pod, makeNode("n"), existing)).toEqual(want));
  it("counts the host ports of sidecar init containers", () => {
    const sidecar = makePod("s", [], { spec: { containers: [], initContainers: [container(undefined, { restartPolicy: "Always", ports: [{ containerPort: 80, hostPort: 80 }] })] } });
    expect(run(NodePorts, portPod(["TCP", 80]), makeNode("n"), [sidecar])).toEqual(conflict);
  });
});

describe("VolumeBinding PreFilter (volume_binding_test.go, claims only)", () => {
  const pvcPod = makePod("p", undefined, { spec: { containers: [], volumes: [{ name: "v", persistentVolumeClaim: { claimName: "data" } }] } });
  const ephemeralPod: Pod = { ...makePod("p", undefined, { spec: { containers: [], volumes: [{ name: "v", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } } }] } }), metadata: { name: "p", namespace: "default", uid: "p-uid" } };
  const rows: Array<[string, Pod, object, FilterStatus]> = [
    ["a pod without claims fits", makePod("p"), {}, ok],
    ["a missing claim is unresolvable", pvcPod, {}, fail("UnschedulableAndUnresolvable", "VolumeBinding", 'persistentvolumeclaim "data" not found')],
    ["an unbound claim is unresolvable", pvcPod, { pvcs: { "default/data": { spec: {} } } }, fail("UnschedulableAndUnresolvable", "VolumeBinding", "pod has unbound immediate PersistentVolumeClaims")],
    ["a bound claim fits", pvcPod, { pvcs: new Map([["default/data", { spec: { volumeName: "pv-1" } }]]), pvs: { "pv-1": { metadata: { name: "pv-1" }, spec: {} } } }, ok],
    ["a claim being deleted is unresolvable", pvcPod, { pvcs: { "default/data": { metadata: { deletionTimestamp: "2024-01-01T00:00:00Z" }, spec: { volumeName: "pv" } } } }, fail("UnschedulableAndUnresolvable", "VolumeBinding", 'persistentvolumeclaim "data" is being deleted')],
    // podHasPVCs: a generic ephemeral volume's claim <pod>-<volume> must be controlled by the pod (ephemeral.VolumeIsForPod)
    ["an ephemeral volume's claim not yet made waits for the ephemeral volume controller", ephemeralPod, {}, fail("UnschedulableAndUnresolvable", "VolumeBinding", 'waiting for ephemeral volume controller to create the persistentvolumeclaim "p-v"')],
    ["an ephemeral volume's claim of another owner is unresolvable", ephemeralPod, { pvcs: { "default/p-v": { metadata: { name: "p-v", namespace: "default", ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "other", uid: "other-uid", controller: true }] }, spec: { volumeName: "pv-1" } } }, pvs: { "pv-1": { metadata: { name: "pv-1" }, spec: {} } } }, fail("UnschedulableAndUnresolvable", "VolumeBinding", "PVC default/p-v was not created for pod default/p (pod is not owner)")],
    ["an ephemeral volume's own bound claim fits", ephemeralPod, { pvcs: { "default/p-v": { metadata: { name: "p-v", namespace: "default", ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "p", uid: "p-uid", controller: true }] }, spec: { volumeName: "pv-1" } } }, pvs: { "pv-1": { metadata: { name: "pv-1" }, spec: {} } } }, ok],
  ];
  it.each(rows)("%s", (_n, pod, env, want) => expect(run(VolumeBinding, pod, makeNode("n"), [], env)).toEqual(want));
});

describe("VolumeRestrictions ReadWriteOncePod (volume_restrictions_test.go TestAccessModeConflicts)", () => {
  const claimPod = (name: string, claim: string, namespace = "default") => makePod(name, undefined, { namespace, spec: { containers: [], volumes: [{ name: "v", persistentVolumeClaim: { claimName: claim } }] } });
  const rwop = { spec: { accessModes: ["ReadWriteOncePod"] } };
  const env = { pvcs: { "default/data": rwop, "default/rwo": { spec: { accessModes: ["ReadWriteOnce"] } }, "other/data": rwop } };
  const conflict = fail("Unschedulable", "VolumeRestrictions", "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode");
  const rows: Array<[string, Pod, Pod[], FilterStatus]> = [
    ["nothing uses the ReadWriteOncePod claim yet", claimPod("p", "data"), [], ok],
    ["another pod uses the ReadWriteOncePod claim", claimPod("p", "data"), [claimPod("q", "data")], conflict],
    ["a ReadWriteOnce claim may be shared", claimPod("p", "rwo"), [claimPod("q", "rwo")], ok],
    ["a same-named claim in another namespace is another claim", claimPod("p", "data"), [claimPod("q", "data", "other")], ok],
    ["a missing claim is unresolvable", claimPod("p", "gone"), [], fail("UnschedulableAndUnresolvable", "VolumeRestrictions", 'persistentvolumeclaim "gone" not found')],
  ];
  it.each(rows)("%s", (_n, pod, pods, want) => expect(run(VolumeRestrictions, pod, makeNode("n"), pods, env)).toEqual(want));

  it("refuses every node, not only the one the claim's pod runs on (the claim is per pod, not per node)", () => {
    const pod = claimPod("p", "data");
    const a = newNodeInfo(makeNode("a"), [claimPod("q", "data")]);
    const b = newNodeInfo(makeNode("b"), []);
    const state = new Map();
    expect(VolumeRestrictions.preFilter(state, pod, [a, b], env)).toBeUndefined();
    expect(VolumeRestrictions.filter(state)).toEqual(conflict);
  });

  it("queues a waiting pod when a pod of its namespace that used one of its claims is deleted (isSchedulableAfterPodDeleted)", () => {
    expect(volumeRestrictionsHint(claimPod("p", "data"), claimPod("q", "data"))).toBe(true);
    expect(volumeRestrictionsHint(claimPod("p", "data"), claimPod("q", "other-claim"))).toBe(false);
    expect(volumeRestrictionsHint(claimPod("p", "data"), claimPod("q", "data", "other"))).toBe(false);
  });
});

// checkVolumeProvisions (volume_binding's binder.go): a WaitForFirstConsumer claim no PV fits is
// provisioned only by a class with a provisioner; "" and kubernetes.io/no-provisioner
// (volume.NotSupportedProvisioner) do not provision, so the node has a bind conflict.
describe("VolumeBinding Filter of a delayed claim without a matching volume", () => {
  const pod = makePod("p", undefined, { spec: { containers: [], volumes: [{ name: "v", persistentVolumeClaim: { claimName: "data" } }] } });
  const env = (provisioner: string) => ({
    pvcs: { "default/data": { metadata: { name: "data", namespace: "default" }, spec: { storageClassName: "local", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } },
    storageClasses: new Map([["local", { provisioner, volumeBindingMode: "WaitForFirstConsumer", reclaimPolicy: "Delete" }]]),
  });
  it.each([
    ["a provisioner makes the node fit", "rancher.io/local-path", ok],
    ["kubernetes.io/no-provisioner leaves a bind conflict", "kubernetes.io/no-provisioner", fail("UnschedulableAndUnresolvable", "VolumeBinding", "node(s) didn't find available persistent volumes to bind")],
  ] as Array<[string, string, FilterStatus]>)("%s", (_n, provisioner, want) => expect(run(VolumeBinding, pod, makeNode("n"), [], env(provisioner))).toEqual(want));
});
