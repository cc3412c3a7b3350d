import { describe, it, expect } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";
import { deepFreeze } from "../../common/equal.js";

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

describe("the smaller kinds", () => {
  const cases: [string, unknown, string[]][] = [
    ["a Namespace name must be a DNS label, so dots are rejected", { kind: "Namespace", metadata: { name: "a.b" } }, ["metadata.name: Invalid value: \"a.b\": must not contain dots"]],
    ["a cluster-scoped object may not carry a namespace", { kind: "Node", metadata: { name: "n1", namespace: "default" } }, ["metadata.namespace: Forbidden: not allowed on this type"]],
    ["a Node name may contain dots", { kind: "Node", metadata: { name: "node-1.example.com" } }, []],
    ["a ConfigMap key must be a config key", { kind: "ConfigMap", metadata: { name: "c", namespace: "default" }, data: { "a b": "x" } }, ["data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ["a Lease duration must be positive", { kind: "Lease", metadata: { name: "l", namespace: "kube-node-lease" }, spec: { leaseDurationSeconds: 0 } }, ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]],
    ["an EndpointSlice needs a supported addressType", { kind: "EndpointSlice", metadata: { name: "e", namespace: "default" }, addressType: "IPv5" }, ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']],
    ["an Event's involvedObject namespace must match its own", { kind: "Event", metadata: { name: "e.1", namespace: "default" }, involvedObject: { namespace: "other" } }, ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']],
    ["a user PriorityClass may not exceed one billion", { kind: "PriorityClass", metadata: { name: "huge" }, value: 2000000000 }, ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]],
    ["a PDB may not set both minAvailable and maxUnavailable", { kind: "PodDisruptionBudget", metadata: { name: "p", namespace: "default" }, spec: { minAvailable: 1, maxUnavailable: 1 } },
      ["spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000a10000), Selector:(*v1.LabelSelector)(nil), MaxUnavailable:(*intstr.IntOrString)(0xc000a10040), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set"]],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateCreate(obj))).toEqual(want));

  it("an immutable ConfigMap keeps its data", () => {
    const old = { kind: "ConfigMap", metadata: { name: "c", namespace: "default", uid: "u" }, immutable: true, data: { a: "1" } };
    const next = { ...old, data: { a: "2" } };
    expect(messages(validateUpdate(next, old))).toEqual(["data: Forbidden: field is immutable when `immutable` is set"]);
  });

  // ValidateConfigMapUpdate: an immutable ConfigMap may not be made mutable again (only deleted and made anew)
  it("an immutable ConfigMap stays immutable", () => {
    const old = { kind: "ConfigMap", metadata: { name: "c", namespace: "default", uid: "u" }, immutable: true, data: { a: "1" } };
    expect(messages(validateUpdate({ ...old, immutable: false }, old))).toEqual(["immutable: Forbidden: field is immutable when `immutable` is set"]);
  });

  it("a frozen endpoint found clean in an IPv4 slice is checked again in an IPv6 one, and a bad one is refused at its index every time", () => {
    const slice = (addressType: string, endpoints: unknown[]) => ({ kind: "EndpointSlice", apiVersion: "discovery.k8s.io/v1", metadata: { name: "s", namespace: "default" }, addressType, endpoints });
    const ep = deepFreeze({ addresses: ["10.0.0.1"], conditions: { ready: true } });
    expect(messages(validateCreate(slice("IPv4", [ep])))).toEqual([]);
    expect(messages(validateCreate(slice("IPv4", [ep])))).toEqual([]);
    // pkg/apis/discovery/validation: an address not of the slice's family "must be an IPv6 address"
    expect(messages(validateCreate(slice("IPv6", [ep])))).toEqual(['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be an IPv6 address']);
    const bad = deepFreeze({ addresses: ["10.0.0.2"], hostname: "Bad_Host" });
    for (const endpoints of [[bad], [ep, bad], [bad]]) {
      const errs = messages(validateCreate(slice("IPv4", endpoints)));
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(new RegExp(`^endpoints\\[${endpoints.length - 1}\\]\\.hostname: Invalid value: "Bad_Host": `));
    }
  });

  it("a Namespace may not be renamed", () => {
    const old = { kind: "Namespace", metadata: { name: "a", uid: "u" } };
    expect(messages(validateUpdate({ kind: "Namespace", metadata: { name: "b", uid: "u" } }, old))).toEqual(['metadata.name: Invalid value: "b": field is immutable']);
  });
});

describe("ConfigMap and Secret data are at most 1 MiB (corev1.MaxSecretSize), counted in bytes", () => {
  const MiB = 1024 * 1024;
  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64");
  const cm = (extra: object) => ({ kind: "ConfigMap", metadata: { name: "c", namespace: "default" }, ...extra });
  const secret = (extra: object) => ({ kind: "Secret", metadata: { name: "s", namespace: "default" }, type: "Opaque", ...extra });
  const cmTooLong = "[]: Too long: may not be more than 1048576 bytes";
  const secretTooLong = "data: Too long: may not be more than 1048576 bytes";
  const cases: [string, unknown, string[]][] = [
    ["a ConfigMap holding exactly 1 MiB of data is valid", cm({ data: { a: "x".repeat(MiB / 2), b: "y".repeat(MiB / 2) } }), []],
    ["a ConfigMap one byte over 1 MiB is too long, as a whole object", cm({ data: { a: "x".repeat(MiB / 2), b: "y".repeat(MiB / 2 + 1) } }), [cmTooLong]],
    ["multi-byte characters count as their UTF-8 bytes, not as characters", cm({ data: { a: "é".repeat(MiB / 2 + 1) } }), [cmTooLong]],
    ["binaryData counts its decoded bytes, not its base64 text", cm({ binaryData: { a: b64(MiB) } }), []],
    ["data and binaryData count together", cm({ data: { a: "x".repeat(MiB / 2) }, binaryData: { b: b64(MiB / 2 + 1) } }), [cmTooLong]],
    ["a Secret's data counts its decoded bytes: exactly 1 MiB is valid", secret({ data: { a: b64(MiB) } }), []],
    ["a Secret one decoded byte over 1 MiB is too long, at data", secret({ data: { a: b64(MiB - 10), b: b64(11) } }), [secretTooLong]],
    ["a Secret's stringData is part of its data", secret({ data: { a: b64(MiB) }, stringData: { b: "z" } }), [secretTooLong]],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateCreate(obj))).toEqual(want));

  it("an update is held to the same limit", () => {
    const old = { ...cm({ data: { a: "x" } }), metadata: { name: "c", namespace: "default", uid: "u", resourceVersion: "5" } };
    expect(messages(validateUpdate({ ...old, data: { a: "x".repeat(MiB + 1) } }, old))).toEqual([cmTooLong]);
  });
});
