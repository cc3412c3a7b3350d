// TestValidateNode and TestValidateNodeUpdate (pkg/apis/core/validation/validation_test.go, commit
// 000f2605, v1.35 line). The Go tables only say "fails"; each row's (type, field) causes here are read
// from ValidateNode / ValidateNodeUpdate in validation.go of the same commit. Kubernetes builds the
// taints' path from "metadata", so a bad taint is reported at metadata.taints[i].

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, messages } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const node = (metadata: any, spec: any = {}, status: any = {}): any => ({ apiVersion: "v1", kind: "Node", metadata, spec, status });
const validSelector = { a: "b" };
const invalidSelector = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };
const external = { addresses: [{ type: "ExternalIP", address: "something" }] };
const cap0 = { capacity: { cpu: "10", memory: "0" } };

const avoidPods = (podSignature: string) => `{"preferAvoidPods": [{${podSignature}"reason": "some reason", "message": "some message"}]}`;
const controllerSignature = (controller: boolean) =>
  `"podSignature": {"podController": {"apiVersion": "v1", "kind": "ReplicationController", "name": "foo", "uid": "abcdef123456", "controller": ${controller}}}, `;
const AVOID = "scheduler.alpha.kubernetes.io/preferAvoidPods";

describe("TestValidateNode: success cases", () => {
  const cases: [string, any][] = [
    ["labels, an address and capacity with extended resources and hugepages", node({ name: "abc", labels: validSelector }, {}, { ...external, capacity: { cpu: "10", memory: "10G", "my.org/gpu": "10", "hugepages-2Mi": "10Gi", "hugepages-1Gi": "0" } })],
    ["zero memory", node({ name: "abc" }, {}, { ...external, ...cap0 })],
    ["hugepages of both sizes", node({ name: "abc", labels: validSelector }, {}, { ...external, capacity: { cpu: "10", memory: "10G", "my.org/gpu": "10", "hugepages-2Mi": "10Gi", "hugepages-1Gi": "10Gi" } })],
    ["a valid taint", node({ name: "dedicated-node1" }, { taints: [{ key: "GPU", value: "true", effect: "NoSchedule" }] }, { ...external, ...cap0 })],
    // validateNodeTaints keys its uniqueness by effect, then key: one key under two effects is two taints
    // (the node lifecycle controller puts node.kubernetes.io/unreachable on a node as NoSchedule and NoExecute)
    ["one key with two effects", node({ name: "unreachable-node" }, { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] }, { ...external, ...cap0 })],
    ["a preferAvoidPods annotation naming a controller", node({ name: "abc", annotations: { [AVOID]: avoidPods(controllerSignature(true)) } }, {}, { ...external, ...cap0 })],
    ["one pod CIDR", node({ name: "abc" }, { podCIDRs: ["192.168.0.0/16"] }, { ...external, ...cap0 })],
  ];
  for (const [name, obj] of cases) it(`accepts ${name}`, () => expect(messages(validateCreate(obj))).toEqual([]));
});

describe("TestValidateNode: error cases", () => {
  const cases: [string, any, string[]][] = [
    ["zero-length Name", node({ name: "", labels: validSelector }, {}, { addresses: [], capacity: { cpu: "10", memory: "10G" } }), ["FieldValueRequired metadata.name"]],
    ["invalid-labels", node({ name: "abc-123", labels: invalidSelector }, {}, { capacity: { cpu: "10", memory: "10G" } }), ["FieldValueInvalid metadata.labels"]],
    // IsQualifiedName("") says both "must be non-empty" and the regex message.
    ["missing-taint-key", node({ name: "dedicated-node1" }, { taints: [{ key: "", value: "special-user-1", effect: "NoSchedule" }] }), ["FieldValueInvalid metadata.taints[0].key", "FieldValueInvalid metadata.taints[0].key"]],
    ["bad-taint-key", node({ name: "dedicated-node1" }, { taints: [{ key: "NoUppercaseOrSpecialCharsLike=Equals", value: "special-user-1", effect: "NoSchedule" }] }), ["FieldValueInvalid metadata.taints[0].key"]],
    ["bad-taint-value", node({ name: "dedicated-node2" }, { taints: [{ key: "dedicated", value: "some\\bad\\value", effect: "NoSchedule" }] }, { ...external, ...cap0 }), ["FieldValueInvalid metadata.taints[0].value"]],
    ["missing-taint-effect", node({ name: "dedicated-node3" }, { taints: [{ key: "dedicated", value: "special-user-3", effect: "" }] }, { ...external, ...cap0 }), ["FieldValueRequired metadata.taints[0].effect"]],
    ["invalid-taint-effect", node({ name: "dedicated-node3" }, { taints: [{ key: "dedicated", value: "special-user-3", effect: "NoScheduleNoAdmit" }] }, { ...external, ...cap0 }), ["FieldValueNotSupported metadata.taints[0].effect"]],
    ["duplicated-taints-with-same-key-effect", node({ name: "dedicated-node1" }, { taints: [{ key: "dedicated", value: "special-user-1", effect: "NoSchedule" }, { key: "dedicated", value: "special-user-2", effect: "NoSchedule" }] }), ["FieldValueDuplicate metadata.taints[1]"]],
    ["missing-podSignature", node({ name: "abc-123", annotations: { [AVOID]: avoidPods("") } }, {}, { addresses: [], ...cap0 }), [`FieldValueRequired metadata.annotations.${AVOID}[0].PodSignature`]],
    ["invalid-podController", node({ name: "abc-123", annotations: { [AVOID]: avoidPods(controllerSignature(false)) } }, {}, { addresses: [], ...cap0 }), [`FieldValueInvalid metadata.annotations.${AVOID}[0].PodSignature.PodController.Controller`]],
    ["invalid-pod-cidr", node({ name: "abc" }, { podCIDRs: ["192.168.0.0"] }, { ...external, ...cap0 }), ["FieldValueInvalid spec.podCIDRs[0]"]],
    // Both are IPv4 (not dual-stack) and the second repeats the first; their host bits only warn
    // while StrictIPCIDRValidation is off (v1.35).
    ["duplicate-pod-cidr", node({ name: "abc" }, { podCIDRs: ["10.0.0.1/16", "10.0.0.1/16"] }, { ...external, ...cap0 }),
      ["FieldValueInvalid spec.podCIDRs", "FieldValueDuplicate spec.podCIDRs[1]"]],
  ];
  for (const [name, obj, want] of cases) it(`refuses ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));

  it("says why a duplicated taint is refused, and prints the taint", () => {
    const errs = validateCreate(cases[7]![1]);
    expect(messages(errs)).toEqual(['metadata.taints[1]: Duplicate value: {"key":"dedicated","value":"special-user-2","effect":"NoSchedule"}: taints must be unique by key and effect pair']);
    expect(errs[0]!.detail).toBe("taints must be unique by key and effect pair");
  });
});

describe("TestValidateNodeUpdate", () => {
  const n = (name: string | undefined, extra: any = {}): any => node({ ...(name === undefined ? {} : { name }), resourceVersion: "1", ...(extra.metadata ?? {}) }, extra.spec ?? {}, extra.status ?? {});
  const rows: [string, any, any, string[]][] = [
    ["two empty nodes", n(undefined), n(undefined), []],
    ["a rename", n("foo"), n("bar"), ["FieldValueInvalid metadata.name"]],
    ["a changed label value", n("foo", { metadata: { labels: { foo: "bar" } } }), n("foo", { metadata: { labels: { foo: "baz" } } }), []],
    ["an added label", n("foo"), n("foo", { metadata: { labels: { foo: "baz" } } }), []],
    ["a replaced label", n("foo", { metadata: { labels: { bar: "foo" } } }), n("foo", { metadata: { labels: { foo: "baz" } } }), []],
    ["a first pod CIDR", n("foo", { spec: { podCIDRs: [] } }), n("foo", { spec: { podCIDRs: ["192.168.0.0/16"] } }), []],
    ["a changed pod CIDR", n("foo", { spec: { podCIDRs: ["192.123.0.0/16"] } }), n("foo", { spec: { podCIDRs: ["192.168.0.0/16"] } }), ["FieldValueForbidden spec.podCIDRs"]],
    ["changed capacity", n("foo", { status: { capacity: { cpu: "10000", memory: "100" } } }), n("foo", { status: { capacity: { cpu: "100", memory: "10000" } } }), []],
    ["changed capacity and label", n("foo", { metadata: { labels: { bar: "foo" } }, status: { capacity: { cpu: "10000", memory: "100" } } }), n("foo", { metadata: { labels: { bar: "fooobaz" } }, status: { capacity: { cpu: "100", memory: "10000" } } }), []],
    ["dropped addresses", n("foo", { metadata: { labels: { bar: "foo" } }, status: { addresses: [{ type: "ExternalIP", address: "1.2.3.4" }] } }), n("foo", { metadata: { labels: { bar: "fooobaz" } } }), []],
    ["an upper-case label key", n("foo", { metadata: { labels: { foo: "baz" } } }), n("foo", { metadata: { labels: { Foo: "baz" } } }), []],
    ["unschedulable", n("foo", { spec: { unschedulable: false } }), n("foo", { spec: { unschedulable: true } }), []],
    ["a repeated address", n("foo", { spec: { unschedulable: false } }), n("foo", { status: { addresses: [{ type: "ExternalIP", address: "1.1.1.1" }, { type: "ExternalIP", address: "1.1.1.1" }] } }), ["FieldValueDuplicate status.addresses[1]"]],
    ["two addresses of different types", n("foo", { spec: { unschedulable: false } }), n("foo", { status: { addresses: [{ type: "ExternalIP", address: "1.1.1.1" }, { type: "InternalIP", address: "10.1.1.1" }] } }), []],
    ["a preferAvoidPods annotation naming a controller", n("foo"), n("foo", { metadata: { annotations: { [AVOID]: avoidPods(controllerSignature(true)) } }, spec: { unschedulable: false } }), []],
    ["a preferAvoidPods entry without a pod signature", n("foo"), n("foo", { metadata: { annotations: { [AVOID]: avoidPods("") } } }), [`FieldValueRequired metadata.annotations.${AVOID}[0].PodSignature`]],
    ["a preferAvoidPods entry whose owner is no controller", n("foo"), n("foo", { metadata: { annotations: { [AVOID]: avoidPods(controllerSignature(false)) } } }), [`FieldValueInvalid metadata.annotations.${AVOID}[0].PodSignature.PodController.Controller`]],
    ["valid extended resources", n("valid-extended-resources"), n("valid-extended-resources", { status: { capacity: { cpu: "10", memory: "10G", "example.com/a": "5", "example.com/b": "10" } } }), []],
    ["a fractional extended capacity", n("invalid-fractional-extended-capacity"), n("invalid-fractional-extended-capacity", { status: { capacity: { cpu: "10", memory: "10G", "example.com/a": "500m" } } }), ["FieldValueInvalid status.capacity.example.com/a"]],
    ["a fractional extended allocatable", n("invalid-fractional-extended-allocatable"),
      n("invalid-fractional-extended-allocatable", { status: { capacity: { cpu: "10", memory: "10G", "example.com/a": "5" }, allocatable: { cpu: "10", memory: "10G", "example.com/a": "4.5" } } }), ["FieldValueInvalid status.allocatable.example.com/a"]],
    ["a first providerID", n("update-provider-id-when-not-set"), n("update-provider-id-when-not-set", { spec: { providerID: "provider:///new" } }), []],
    ["a changed providerID", n("update-provider-id-when-set", { spec: { providerID: "provider:///old" } }), n("update-provider-id-when-set", { spec: { providerID: "provider:///new" } }), ["FieldValueForbidden spec.providerID"]],
    ["the same pod CIDR", n("pod-cidrs-as-is", { spec: { podCIDRs: ["192.168.0.0/16"] } }), n("pod-cidrs-as-is", { spec: { podCIDRs: ["192.168.0.0/16"] } }), []],
    ["the same dual-stack pod CIDRs", n("pod-cidrs-as-is-2", { spec: { podCIDRs: ["192.168.0.0/16", "2000::/10"] } }), n("pod-cidrs-as-is-2", { spec: { podCIDRs: ["192.168.0.0/16", "2000::/10"] } }), []],
    ["fewer pod CIDRs", n("pod-cidrs-not-same-length", { spec: { podCIDRs: ["192.168.0.0/16", "192.167.0.0/16", "2000::/10"] } }), n("pod-cidrs-not-same-length", { spec: { podCIDRs: ["192.168.0.0/16", "2000::/10"] } }), ["FieldValueForbidden spec.podCIDRs"]],
    // Each position that differs is one cause.
    ["swapped pod CIDRs", n("pod-cidrs-not-same", { spec: { podCIDRs: ["192.168.0.0/16", "2000::/10"] } }), n("pod-cidrs-not-same", { spec: { podCIDRs: ["2000::/10", "192.168.0.0/16"] } }), ["FieldValueForbidden spec.podCIDRs", "FieldValueForbidden spec.podCIDRs"]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateUpdate(next, old))).toEqual(want));

  it("nodes/status is judged by the same rules (the status strategy runs ValidateNodeUpdate)", () => {
    const old = n("foo", { spec: { providerID: "provider:///old" } });
    expect(brief(validateUpdate(n("foo", { spec: { providerID: "provider:///new" } }), old, "status"))).toEqual(["FieldValueForbidden spec.providerID"]);
  });
});
