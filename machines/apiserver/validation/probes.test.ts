// TestValidateProbe, Test_validateProbe and TestValidateHandler (pkg/apis/core/validation/validation_test.go,
// 000f2605), every row. Test_validateProbe compares each cause's type and field; the other two
// check failure or success.

import { describe, expect, it } from "vitest";
import { validateContainerPorts, validateHandler, validateProbe, validateResizePolicy } from "./pod.js";
import { fieldErrorMessage } from "../status.js";
import { validateCreate } from "./index.js";
import { brief, makeContainer, makePod, messages } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const echo = { exec: { command: ["echo"] } };
const positiveFields = ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"];

describe("TestValidateProbe", () => {
  it("accepts no probe", () => expect(validateProbe(undefined, "field")).toEqual([]));
  for (const f of positiveFields) it(`accepts ${f}: 10`, () => expect(validateProbe({ ...echo, [f]: 10 }, "field")).toEqual([]));
  it("refuses a probe without a handler", () => expect(validateProbe({ timeoutSeconds: 10, initialDelaySeconds: 10 }, "field").length).toBeGreaterThan(0));
  for (const f of positiveFields) it(`refuses ${f}: -10`, () => expect(validateProbe({ ...echo, [f]: -10 }, "field").length).toBeGreaterThan(0));
});

describe("Test_validateProbe", () => {
  const rows: [string, any, string[]][] = [
    ["no handler", {}, ["FieldValueRequired test"]],
    ["an exec handler", echo, []],
    ["initialDelaySeconds -1", { ...echo, initialDelaySeconds: -1 }, ["FieldValueInvalid test.initialDelaySeconds"]],
    ["timeoutSeconds -1", { ...echo, timeoutSeconds: -1 }, ["FieldValueInvalid test.timeoutSeconds"]],
    ["periodSeconds -1", { ...echo, periodSeconds: -1 }, ["FieldValueInvalid test.periodSeconds"]],
    ["successThreshold -1", { ...echo, successThreshold: -1 }, ["FieldValueInvalid test.successThreshold"]],
    ["failureThreshold -1", { ...echo, failureThreshold: -1 }, ["FieldValueInvalid test.failureThreshold"]],
    ["terminationGracePeriodSeconds -1", { ...echo, terminationGracePeriodSeconds: -1 }, ["FieldValueInvalid test.terminationGracePeriodSeconds"]],
    ["terminationGracePeriodSeconds 0", { ...echo, terminationGracePeriodSeconds: 0 }, ["FieldValueInvalid test.terminationGracePeriodSeconds"]],
    ["terminationGracePeriodSeconds 1", { ...echo, terminationGracePeriodSeconds: 1 }, []],
  ];
  for (const [name, probe, want] of rows) it(name, () => expect(brief(validateProbe(probe, "test"))).toEqual(want));
});

describe("TestValidateHandler", () => {
  const success: any[] = [
    echo,
    { httpGet: { path: "/", port: 1, host: "", scheme: "HTTP" } },
    { httpGet: { path: "/foo", port: 65535, host: "host", scheme: "HTTP" } },
    { httpGet: { path: "/", port: "port", host: "", scheme: "HTTP" } },
    { httpGet: { path: "/", port: "port", host: "", scheme: "HTTP", httpHeaders: [{ name: "Host", value: "foo.example.com" }] } },
    { httpGet: { path: "/", port: "port", host: "", scheme: "HTTP", httpHeaders: [{ name: "X-Forwarded-For", value: "1.2.3.4" }, { name: "X-Forwarded-For", value: "5.6.7.8" }] } },
  ];
  const errors: any[] = [
    {},
    { exec: { command: [] } },
    { httpGet: { path: "", port: 0, host: "" } },
    { httpGet: { path: "/foo", port: 65536, host: "host" } },
    { httpGet: { path: "", port: "", host: "" } },
    { httpGet: { path: "/", port: "port", host: "", scheme: "HTTP", httpHeaders: [{ name: "Host:", value: "foo.example.com" }] } },
    { httpGet: { path: "/", port: "port", host: "", scheme: "HTTP", httpHeaders: [{ name: "X_Forwarded_For", value: "foo.example.com" }] } },
  ];
  success.forEach((h, i) => it(`accepts [${i}] ${JSON.stringify(h)}`, () => expect(validateHandler(h, "field", 30)).toEqual([])));
  errors.forEach((h, i) => it(`refuses [${i}] ${JSON.stringify(h)}`, () => expect(validateHandler(h, "field", 30).length).toBeGreaterThan(0)));
});

// TestValidateResizePolicy (validation_test.go, 000f2605), every row, each cause's type and field.
describe("TestValidateResizePolicy", () => {
  const rows: [string, any[], string, string[]][] = [
    ["ValidCPUandMemoryPolicies", [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "memory", restartPolicy: "RestartContainer" }], "Always", []],
    ["ValidCPUPolicy", [{ resourceName: "cpu", restartPolicy: "RestartContainer" }], "Always", []],
    ["ValidMemoryPolicy", [{ resourceName: "memory", restartPolicy: "NotRequired" }], "Always", []],
    ["NoPolicy", [], "Always", []],
    ["ValidCPUandInvalidMemoryPolicy", [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "memory", restartPolicy: "Restarrrt" }], "Always", ["FieldValueNotSupported field"]],
    ["ValidMemoryandInvalidCPUPolicy", [{ resourceName: "cpu", restartPolicy: "RestartNotRequirrred" }, { resourceName: "memory", restartPolicy: "RestartContainer" }], "Always", ["FieldValueNotSupported field"]],
    ["InvalidResourceNameValidPolicy", [{ resourceName: "cpuuu", restartPolicy: "NotRequired" }], "Always", ["FieldValueNotSupported field"]],
    ["ValidResourceNameMissingPolicy", [{ resourceName: "memory", restartPolicy: "" }], "Always", ["FieldValueRequired field"]],
    ["RepeatedPolicies", [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "memory", restartPolicy: "RestartContainer" }, { resourceName: "cpu", restartPolicy: "RestartContainer" }], "Always", ["FieldValueDuplicate field[2]"]],
    ["InvalidCPUPolicyWithPodRestartPolicy", [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "memory", restartPolicy: "RestartContainer" }], "Never", ["FieldValueInvalid field"]],
    ["InvalidMemoryPolicyWithPodRestartPolicy", [{ resourceName: "cpu", restartPolicy: "RestartContainer" }, { resourceName: "memory", restartPolicy: "NotRequired" }], "Never", ["FieldValueInvalid field"]],
    ["InvalidMemoryCPUPolicyWithPodRestartPolicy", [{ resourceName: "cpu", restartPolicy: "RestartContainer" }, { resourceName: "memory", restartPolicy: "RestartContainer" }], "Never", ["FieldValueInvalid field", "FieldValueInvalid field"]],
    ["ValidMemoryCPUPolicyWithPodRestartPolicy", [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "memory", restartPolicy: "NotRequired" }], "Never", []],
  ];
  for (const [name, policies, podRestartPolicy, want] of rows) it(name, () => expect(brief(validateResizePolicy(policies, "field", podRestartPolicy))).toEqual(want));
});

// TestValidatePullPolicy (validation_test.go, 000f2605): six containers, each accepted with its policy kept.
describe("TestValidatePullPolicy (through a pod's container)", () => {
  const rows: [string, string, string, string][] = [
    ["NotPresent1", "abc", "image:latest", "IfNotPresent"],
    ["NotPresent2", "abc1", "image", "IfNotPresent"],
    ["Always1", "123", "image:latest", "Always"],
    ["Always2", "1234", "image", "Always"],
    ["Never1", "abc-123", "image:latest", "Never"],
    ["Never2", "abc-1234", "image", "Never"],
  ];
  for (const [name, container, image, policy] of rows) {
    it(name, () => {
      const pod = makePod("p", (p) => (p.spec.containers = [makeContainer(container, (c) => Object.assign(c, { image, imagePullPolicy: policy }))]));
      expect(validateCreate(pod)).toEqual([]);
      expect(pod.spec.containers[0].imagePullPolicy).toBe(policy);
    });
  }
});

// TestValidatePorts (validation_test.go, 000f2605): the success lists, and each error row whose every cause
// has the row's type, a field containing its field and a detail containing its text.
describe("TestValidatePorts", () => {
  it("accepts the success ports", () => {
    expect(validateContainerPorts([
      { name: "abc", containerPort: 80, hostPort: 80, protocol: "TCP" }, { name: "easy", containerPort: 82, protocol: "TCP" },
      { name: "as", containerPort: 83, protocol: "UDP" }, { name: "do-re-me", containerPort: 84, protocol: "SCTP" }, { containerPort: 85, protocol: "TCP" },
    ], "field")).toEqual([]);
  });
  it("accepts the non-canonical case", () => expect(validateContainerPorts([{ containerPort: 80, protocol: "TCP" }], "field")).toEqual([]));
  const rows: [string, any[], string, string, string][] = [
    ["name > 15 characters", [{ name: "a".repeat(16), containerPort: 80, protocol: "TCP" }], "FieldValueInvalid", "name", "15"],
    ["name contains invalid characters", [{ name: "a.b.c", containerPort: 80, protocol: "TCP" }], "FieldValueInvalid", "name", "alpha-numeric"],
    ["name is a number", [{ name: "80", containerPort: 80, protocol: "TCP" }], "FieldValueInvalid", "name", "at least one letter"],
    ["name not unique", [{ name: "abc", containerPort: 80, protocol: "TCP" }, { name: "abc", containerPort: 81, protocol: "TCP" }], "FieldValueDuplicate", "[1].name", ""],
    ["zero container port", [{ containerPort: 0, protocol: "TCP" }], "FieldValueRequired", "containerPort", ""],
    ["invalid container port", [{ containerPort: 65536, protocol: "TCP" }], "FieldValueInvalid", "containerPort", "between"],
    ["invalid host port", [{ containerPort: 80, hostPort: 65536, protocol: "TCP" }], "FieldValueInvalid", "hostPort", "between"],
    ["invalid protocol case", [{ containerPort: 80, protocol: "tcp" }], "FieldValueNotSupported", "protocol", ""],
    ["invalid protocol", [{ containerPort: 80, protocol: "ICMP" }], "FieldValueNotSupported", "protocol", ""],
    ["protocol required", [{ name: "abc", containerPort: 80 }], "FieldValueRequired", "protocol", ""],
  ];
  for (const [name, ports, type, field, detail] of rows) {
    it(name, () => {
      const errs = validateContainerPorts(ports, "field");
      expect(errs.length).toBeGreaterThan(0);
      for (const e of errs) {
        expect(e.type).toBe(type);
        expect(e.field).toContain(field);
        expect(e.detail ?? "").toContain(detail);
      }
    });
  }
  // The Go rows' NotSupported detail is the supported list; podflow prints it in the message.
  it("lists the supported protocols", () => expect(messages(validateContainerPorts([{ containerPort: 80, protocol: "ICMP" }], "field"))[0]).toContain('supported values: "SCTP", "TCP", "UDP"'));
});

// TestValidateSleepAction: the rows with AllowPodLifecycleSleepActionZeroValue on, as v1.35 serves it
// (PodLifecycleSleepActionAllowZero is on); the rows with it off are left out. Through validateHandler,
// so the field is the handler's .sleep.
describe("TestValidateSleepAction (zero value enabled rows)", () => {
  const rows: [string, number, number, string | undefined][] = [
    ["valid setting", 5, 30, undefined],
    ["sleep duration of zero with zero value feature gate enabled", 0, 30, undefined],
    ["invalid sleep duration (negative value) with zero value enabled", -1, 30, "root.sleep: Invalid value: -1: must be non-negative and less than terminationGracePeriodSeconds (30)"],
    ["zero grace period duration with zero value enabled", 0, 0, undefined],
    ["nil grace period with zero value enabled", 0, 0, undefined],
  ];
  for (const [name, seconds, grace, want] of rows) {
    it(name, () => expect(validateHandler({ sleep: { seconds } }, "root", grace).map(fieldErrorMessage)).toEqual(want === undefined ? [] : [want]));
  }
});
