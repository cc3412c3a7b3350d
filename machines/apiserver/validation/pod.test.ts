import { describe, it, expect } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";
import { POD_UPDATE_FORBIDDEN_MESSAGE } from "./pod.js";

const now = "2026-01-01T00:00:00Z";
function validPod(): any {
  return mutate({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } }, { now, operation: "CREATE" });
}
const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

describe("a defaulted pod", () => {
  it("is valid", () => expect(validateCreate(validPod())).toEqual([]));
});

describe("object metadata", () => {
  const cases: [string, (p: any) => void, string[]][] = [
    ["a missing name asks for name or generateName", (p) => delete p.metadata.name, ["metadata.name: Required value: name or generateName is required"]],
    ["an upper-case name is not an RFC 1123 subdomain", (p) => (p.metadata.name = "Bad_Name"), ["metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["a namespaced object needs a namespace", (p) => delete p.metadata.namespace, ["metadata.namespace: Required value"]],
    ["a label value with a space is reported on the labels path", (p) => (p.metadata.labels = { app: "a b" }), ["metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ["an annotation key with two slashes is not a qualified name", (p) => (p.metadata.annotations = { "a/b/c": "x" }), ["metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
    ["annotations over 256 KiB are too long", (p) => (p.metadata.annotations = { big: "x".repeat(262144) }), ["metadata.annotations: Too long: may not be more than 262144 bytes"]],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const p = validPod();
      edit(p);
      expect(messages(validateCreate(p))).toEqual(want);
    });
  }
});

// Ported in meaning from TestValidateContainers' error cases.
describe("containers", () => {
  const cases: [string, (c: any, p: any) => void, string[]][] = [
    ["a pod without containers is rejected", (_c, p) => (p.spec.containers = []), ["FieldValueRequired spec.containers"]],
    ["a zero-length name is required", (c) => (c.name = ""), ["FieldValueRequired spec.containers[0].name"]],
    ["a name longer than 63 characters is invalid", (c) => (c.name = "a".repeat(64)), ["FieldValueInvalid spec.containers[0].name"]],
    ["a name that is not a DNS label is invalid", (c) => (c.name = "a.b"), ["FieldValueInvalid spec.containers[0].name"]],
    ["a repeated name is a duplicate", (c, p) => p.spec.containers.push({ ...structuredClone(c) }), ["FieldValueDuplicate spec.containers[1].name"]],
    ["a zero-length image is required", (c) => (c.image = ""), ["FieldValueRequired spec.containers[0].image"]],
    ["an unknown pull policy is unsupported", (c) => (c.imagePullPolicy = "Sometimes"), ["FieldValueNotSupported spec.containers[0].imagePullPolicy"]],
    ["an unknown termination message policy is unsupported", (c) => (c.terminationMessagePolicy = "Foo"), ["FieldValueNotSupported spec.containers[0].terminationMessagePolicy"]],
    ["a port number of zero is required", (c) => (c.ports = [{ containerPort: 0, protocol: "TCP" }]), ["FieldValueRequired spec.containers[0].ports[0].containerPort"]],
    ["a port number above 65535 is invalid", (c) => (c.ports = [{ containerPort: 65536, protocol: "TCP" }]), ["FieldValueInvalid spec.containers[0].ports[0].containerPort"]],
    ["a port name with an underscore is invalid", (c) => (c.ports = [{ name: "a_b", containerPort: 80, protocol: "TCP" }]), ["FieldValueInvalid spec.containers[0].ports[0].name"]],
    ["a repeated port name is a duplicate", (c) => (c.ports = [{ name: "http", containerPort: 80, protocol: "TCP" }, { name: "http", containerPort: 81, protocol: "TCP" }]), ["FieldValueDuplicate spec.containers[0].ports[1].name"]],
    ["an unknown protocol is unsupported", (c) => (c.ports = [{ containerPort: 80, protocol: "ICMP" }]), ["FieldValueNotSupported spec.containers[0].ports[0].protocol"]],
    ["two containers on the same host port conflict", (c, p) => {
      c.ports = [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }];
      p.spec.containers.push({ ...structuredClone(c), name: "d" });
    }, ["FieldValueDuplicate spec.containers[1].ports[0].hostPort"]],
    ["an env var name with '=' is invalid", (c) => (c.env = [{ name: "A=B" }]), ["FieldValueInvalid spec.containers[0].env[0].name"]],
    ["a mount of an unknown volume is not found", (c) => (c.volumeMounts = [{ name: "nope", mountPath: "/x" }]), ["FieldValueNotFound spec.containers[0].volumeMounts[0].name"]],
    ["an unknown compute resource is invalid twice: not standard nor qualified, not a container resource", (c) => (c.resources = { limits: { disk: "10G" } }), ["FieldValueInvalid spec.containers[0].resources.limits[disk]", "FieldValueInvalid spec.containers[0].resources.limits[disk]"]],
    ["a malformed quantity is invalid", (c) => (c.resources = { limits: { cpu: "lots" } }), ["FieldValueInvalid spec.containers[0].resources.limits[cpu]"]],
    ["a request above its limit is invalid", (c) => (c.resources = { requests: { cpu: "2" }, limits: { cpu: "1" } }), ["FieldValueInvalid spec.containers[0].resources.requests"]],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const p = validPod();
      edit(p.spec.containers[0], p);
      expect(brief(validateCreate(p))).toEqual(want);
    });
  }

  it("words a request above its limit exactly", () => {
    const p = validPod();
    p.spec.containers[0].resources = { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } };
    expect(messages(validateCreate(p))).toEqual(['spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi']);
  });
});

// Ported in meaning from TestValidateProbe / the probe cases of TestValidateContainers.
describe("probes and lifecycle handlers", () => {
  const probe = (extra: any) => ({ timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...extra });
  const cases: [string, (c: any) => void, string[]][] = [
    ["a probe without a handler must specify one", (c) => (c.livenessProbe = probe({})), ["spec.containers[0].livenessProbe: Required value: must specify a handler type"]],
    ["a probe with two handlers forbids the second", (c) => (c.readinessProbe = probe({ exec: { command: ["true"] }, tcpSocket: { port: 80 } })), ["spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]],
    ["an exec probe needs a command", (c) => (c.livenessProbe = probe({ exec: {} })), ["spec.containers[0].livenessProbe.exec.command: Required value"]],
    ["an httpGet probe needs a path and a valid port", (c) => (c.livenessProbe = probe({ httpGet: { path: "", port: 0, scheme: "HTTP" } })), ["spec.containers[0].livenessProbe.httpGet.path: Required value", "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["an httpGet probe's scheme must be HTTP or HTTPS", (c) => (c.livenessProbe = probe({ httpGet: { path: "/", port: 80, scheme: "FTP" } })), ['spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"']],
    ["a named port need not exist on the container, only be a valid name", (c) => (c.livenessProbe = probe({ tcpSocket: { port: "metrics" } })), []],
    ["a tcpSocket probe with a bad port name is invalid", (c) => (c.livenessProbe = probe({ tcpSocket: { port: "a_b" } })), ['spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: "a_b": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ["negative timings are invalid", (c) => (c.readinessProbe = probe({ exec: { command: ["x"] }, initialDelaySeconds: -1 })), ["spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0"]],
    ["a liveness probe's successThreshold must be 1", (c) => (c.livenessProbe = probe({ exec: { command: ["x"] }, successThreshold: 2 })), ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]],
    ["a startup probe's successThreshold must be 1", (c) => (c.startupProbe = probe({ exec: { command: ["x"] }, successThreshold: 3 })), ["spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"]],
    ["a readiness probe may have any successThreshold", (c) => (c.readinessProbe = probe({ exec: { command: ["x"] }, successThreshold: 3 })), []],
    ["a readiness probe may not set terminationGracePeriodSeconds", (c) => (c.readinessProbe = probe({ exec: { command: ["x"] }, terminationGracePeriodSeconds: 10 })), ["spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes"]],
    ["a liveness probe's terminationGracePeriodSeconds must be positive", (c) => (c.livenessProbe = probe({ exec: { command: ["x"] }, terminationGracePeriodSeconds: 0 })), ["spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"]],
    // TestValidateHandler's error rows and the case: an absent IntOrString port is Go's Int 0.
    ["an httpGet probe without a port is an Invalid 0, not an internal error", (c) => (c.livenessProbe = probe({ httpGet: { path: "/", scheme: "HTTP" } })), ["spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["a tcpSocket probe without a port is an Invalid 0, not an internal error", (c) => (c.readinessProbe = probe({ tcpSocket: {} })), ["spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["a grpc probe without a port is an Invalid 0", (c) => (c.livenessProbe = probe({ grpc: {} })), ["spec.containers[0].livenessProbe.grpc.port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["an httpGet port above 65535 is invalid", (c) => (c.livenessProbe = probe({ httpGet: { path: "/foo", port: 65536, scheme: "HTTP" } })), ["spec.containers[0].livenessProbe.httpGet.port: Invalid value: 65536: must be between 1 and 65535, inclusive"]],
    ["an httpGet with an empty path and an empty port name reports both", (c) => (c.livenessProbe = probe({ httpGet: { path: "", port: "", scheme: "HTTP" } })), [
      "spec.containers[0].livenessProbe.httpGet.path: Required value",
      'spec.containers[0].livenessProbe.httpGet.port: Invalid value: "": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].livenessProbe.httpGet.port: Invalid value: "": must contain at least one letter (a-z)',
    ]],
    ["a postStart tcpSocket hook without a port is an Invalid 0", (c) => (c.lifecycle = { postStart: { tcpSocket: {} } }), ["spec.containers[0].lifecycle.postStart.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    ["a preStop hook without an action must specify one", (c) => (c.lifecycle = { preStop: {} }), ["spec.containers[0].lifecycle.preStop: Required value: must specify a handler type"]],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const p = validPod();
      edit(p.spec.containers[0]);
      expect(messages(validateCreate(p))).toEqual(want);
    });
  }
});

describe("pod spec fields", () => {
  const cases: [string, (s: any) => void, string[]][] = [
    ["an unknown restartPolicy lists the supported values", (s) => (s.restartPolicy = "Sometimes"), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ["an unknown dnsPolicy lists the supported values", (s) => (s.dnsPolicy = "Maybe"), ['spec.dnsPolicy: Unsupported value: "Maybe": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ["dnsPolicy None needs a dnsConfig", (s) => (s.dnsPolicy = "None"), ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]],
    ["a nodeSelector key must be a qualified name", (s) => (s.nodeSelector = { "-bad": "x" }), ["FieldValueInvalid spec.nodeSelector"]],
    ["activeDeadlineSeconds must be at least 1", (s) => (s.activeDeadlineSeconds = 0), ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]],
    ["volume names must be unique", (s) => (s.volumes = [{ name: "v", emptyDir: {} }, { name: "v", emptyDir: {} }]), ['spec.volumes[1].name: Duplicate value: "v"']],
    ["a volume needs a source", (s) => (s.volumes = [{ name: "v" }]), ["spec.volumes[0]: Required value: must specify a volume type"]],
    ["a mount must be unique per path", (s) => {
      s.volumes = [{ name: "v", emptyDir: {} }];
      s.containers[0].volumeMounts = [{ name: "v", mountPath: "/a" }, { name: "v", mountPath: "/a" }];
    }, ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique']],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const p = validPod();
      edit(p.spec);
      const errs = validateCreate(p);
      expect(want[0]!.startsWith("FieldValue") ? brief(errs) : messages(errs)).toEqual(want);
    });
  }
});

// Ported in meaning from TestValidateTolerations.
describe("tolerations", () => {
  const cases: [string, any, string[]][] = [
    ["an empty key with Exists tolerates everything", { operator: "Exists" }, []],
    ["an empty key needs operator Exists", { operator: "Equal", value: "bar" }, ["spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""]],
    ["operator Exists forbids a value", { key: "foo", operator: "Exists", value: "bar" }, ["spec.tolerations[0].operator: Invalid value: \"bar\": value must be empty when `operator` is 'Exists'"]],
    ["tolerationSeconds needs effect NoExecute", { key: "foo", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 20 }, ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    ["an unknown effect is unsupported", { key: "foo", operator: "Exists", effect: "Sometimes" }, ['spec.tolerations[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    ["an unknown operator is unsupported", { key: "foo", operator: "In", value: "bar" }, ['spec.tolerations[0].operator: Unsupported value: "In": supported values: "Equal", "Exists"']],
    ["a key that is not a qualified name is invalid", { key: "nospecialchars^=@", operator: "Equal", value: "bar" }, ["FieldValueInvalid spec.tolerations[0].key"]],
  ];
  for (const [name, tol, want] of cases) {
    it(name, () => {
      const p = validPod();
      p.spec.tolerations = [tol];
      const errs = validateCreate(p);
      expect(want[0]?.startsWith("FieldValue") ? brief(errs) : messages(errs)).toEqual(want);
    });
  }
});

describe("node affinity", () => {
  const req = (rq: any) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [rq] }] } } });
  const base = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]";
  const cases: [string, any, string[]][] = [
    ["In needs values", req({ key: "k", operator: "In" }), [`${base}.values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`]],
    ["Exists may not have values", req({ key: "k", operator: "Exists", values: ["a"] }), [`${base}.values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`]],
    ["Gt needs exactly one value", req({ key: "k", operator: "Gt", values: ["1", "2"] }), [`${base}.values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`]],
    ["an unknown operator is not a valid selector operator", req({ key: "k", operator: "Near", values: ["a"] }), [`${base}.operator: Invalid value: "Near": not a valid selector operator`]],
    ["a required node selector needs at least one term", { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }, ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term"]],
    ["a preferred term's weight is 1-100", { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } }, ["spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100"]],
  ];
  for (const [name, affinity, want] of cases) {
    it(name, () => {
      const p = validPod();
      p.spec.affinity = affinity;
      expect(messages(validateCreate(p))).toEqual(want);
    });
  }
});

describe("pod update", () => {
  const stored = () => {
    const p = validPod();
    p.metadata.uid = "u1";
    p.metadata.resourceVersion = "5";
    return p;
  };
  it("may change a container image", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.containers[0].image = "nginx:1.28";
    expect(validateUpdate(next, old)).toEqual([]);
  });
  it("may add a toleration but not change an existing one", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.tolerations.push({ key: "k", operator: "Exists" });
    expect(validateUpdate(next, old)).toEqual([]);
    next.spec.tolerations[0].key = "example.com/other";
    expect(messages(validateUpdate(next, old))).toEqual(["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]);
  });
  it("may not add or remove containers", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.containers.push({ ...structuredClone(old.spec.containers[0]), name: "d" });
    expect(messages(validateUpdate(next, old))).toEqual(["spec.containers: Forbidden: pod updates may not add or remove containers"]);
  });
  it("may not change other spec fields, and says which ones may change", () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.restartPolicy = "Never";
    const errs = validateUpdate(next, old);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.field).toBe("spec");
    expect(errs[0]!.detail.startsWith(`${POD_UPDATE_FORBIDDEN_MESSAGE}\n`)).toBe(true);
    expect(POD_UPDATE_FORBIDDEN_MESSAGE).toBe("pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
  });
  it("may only shorten activeDeadlineSeconds", () => {
    const old = stored();
    old.spec.activeDeadlineSeconds = 10;
    const next = structuredClone(old);
    next.spec.activeDeadlineSeconds = 20;
    expect(messages(validateUpdate(next, old))).toEqual(["spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value"]);
    next.spec.activeDeadlineSeconds = 5;
    expect(validateUpdate(next, old)).toEqual([]);
  });
  it("may not change name, namespace or uid", () => {
    const old = stored();
    const next = structuredClone(old);
    next.metadata.uid = "u2";
    next.metadata.name = "q";
    expect(messages(validateUpdate(next, old))).toEqual(['metadata.name: Invalid value: "q": field is immutable', 'metadata.uid: Invalid value: "u2": field is immutable']);
  });
  it("may remove a scheduling gate but not add one", () => {
    const old = stored();
    old.spec.schedulingGates = [{ name: "a" }];
    const next = structuredClone(old);
    next.spec.schedulingGates = [];
    expect(validateUpdate(next, old)).toEqual([]);
    next.spec.schedulingGates = [{ name: "a" }, { name: "b" }];
    expect(messages(validateUpdate(next, old))).toEqual(["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'b'"]);
  });
});

describe("binding", () => {
  it("needs a target name and accepts only Node targets", () => {
    expect(messages(validateCreate({ kind: "Binding", metadata: { name: "p", namespace: "default" }, target: { kind: "Pod" } }))).toEqual([
      'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
      "target.name: Required value",
    ]);
  });
});
