// TestValidateContainers (pkg/apis/core/validation/validation_test.go, v1.35), all rows but one. The Go
// table calls validateContainers with no volumes, the pod restartPolicy Always and privileged containers
// denied; it compares the type and field of every error (bad value and detail ignored). Here each row is
// the containers of a pod with no volumes, judged by the create path, and the errors under
// spec.containers are compared. The "privilege disabled" row is left out: podflow's API server allows
// privileged containers (kube-apiserver's --allow-privileged=true, which clusters run with). The
// "invalid env var name" row is judged with the relaxed names the served options turn on (see there).

import { describe, it, expect } from "vitest";
import { validateCreate } from "./index.js";
import { validatePodSpec } from "./pod.js";
import { makeContainer, makePod } from "./testing.js";


// The Go table's containers set only name, image, imagePullPolicy and terminationMessagePolicy.
const ctr = (name: string, edit: (c: any) => void = () => {}) => {
  const c = makeContainer(name, edit);
  if (!("terminationMessagePath" in c) || c.terminationMessagePath === "/dev/termination-log") delete c.terminationMessagePath;
  return c;
};
const podWith = (...containers: any[]) => makePod("pod", (p) => {
  p.spec.containers = containers;
  p.spec.restartPolicy = "Always";
});
const tcp80 = { tcpSocket: { port: 80 } };
const negatives = { initialDelaySeconds: -1, timeoutSeconds: -1, periodSeconds: -1, successThreshold: -1, failureThreshold: -1, terminationGracePeriodSeconds: -1 };
// getResources(cpu, memory, …): the quantities given, the empty ones left out.
const res = (cpu: string, memory: string) => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) });

describe("TestValidateContainers: the success case", () => {
  const success = [
    ctr("abc"),
    // backwards compatibility: containers in a pod template are not checked for whitespace in the image
    ctr("def", (c) => (c.image = " ")),
    ctr("ghi", (c) => (c.image = " some  ")),
    ctr("123"),
    ctr("abc-123"),
    ctr("life-123", (c) => (c.lifecycle = { preStop: { exec: { command: ["ls", "-l"] } } })),
    ctr("resources-test", (c) => (c.resources = { limits: { cpu: "10", memory: "10G", "my.org/resource": "10" } })),
    ctr("resources-test-with-request-and-limit", (c) => (c.resources = { requests: { cpu: "10", memory: "10G" }, limits: { cpu: "10", memory: "10G" } })),
    ctr("resources-request-limit-simple", (c) => (c.resources = { requests: { cpu: "8" }, limits: { cpu: "10" } })),
    ctr("resources-request-limit-edge", (c) => (c.resources = { requests: { cpu: "10", memory: "10G", "my.org/resource": "10" }, limits: { cpu: "10", memory: "10G", "my.org/resource": "10" } })),
    ctr("resources-request-limit-partials", (c) => (c.resources = { requests: { cpu: "9.5", memory: "10G" }, limits: { cpu: "10", "my.org/resource": "10" } })),
    ctr("resources-request", (c) => (c.resources = { requests: { cpu: "9.5", memory: "10G" } })),
    ctr("resources-resize-policy", (c) => (c.resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "memory", restartPolicy: "RestartContainer" }])),
    ctr("same-host-port-different-protocol", (c) => (c.ports = [{ containerPort: 80, hostPort: 80, protocol: "TCP" }, { containerPort: 80, hostPort: 80, protocol: "UDP" }])),
    ctr("fallback-to-logs-termination-message", (c) => (c.terminationMessagePolicy = "FallbackToLogsOnError")),
    ctr("file-termination-message"),
    ctr("env-from-source", (c) => (c.envFrom = [{ configMapRef: { name: "test" } }])),
    // fakeValidSecurityContext(true): privileged, allowed in the success case
    ctr("abc-1234", (c) => (c.securityContext = { privileged: true })),
    ctr("live-123", (c) => (c.livenessProbe = { ...tcp80, successThreshold: 1 })),
    ctr("startup-123", (c) => (c.startupProbe = { ...tcp80, successThreshold: 1 })),
    ctr("resize-policy-cpu", (c) => (c.resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }])),
    ctr("resize-policy-mem", (c) => (c.resizePolicy = [{ resourceName: "memory", restartPolicy: "RestartContainer" }])),
    ctr("resize-policy-cpu-and-mem", (c) => (c.resizePolicy = [{ resourceName: "memory", restartPolicy: "NotRequired" }, { resourceName: "cpu", restartPolicy: "RestartContainer" }])),
  ];
  it("all the success containers together pass validateContainers (as a pod template's spec)", () => {
    const spec = podWith(...success).spec;
    expect(validatePodSpec(spec, "spec").filter((e) => e.field.startsWith("spec.containers"))).toEqual([]);
  });
  it("a pod (not a template) refuses the images with whitespace the template allows, and only those", () => {
    expect(validateCreate(podWith(...success)).map((e) => `${e.type} ${e.field}`)).toEqual(["FieldValueInvalid spec.containers[1].image", "FieldValueInvalid spec.containers[2].image"]);
  });
});

// [title, containers, "type field" of each error]
const rows: [string, any[], string[]][] = [
  ["zero-length name", [ctr("")], ["FieldValueRequired containers[0].name"]],
  ["zero-length-image", [ctr("abc", (c) => (c.image = ""))], ["FieldValueRequired containers[0].image"]],
  ["name > 63 characters", [ctr("a".repeat(64))], ["FieldValueInvalid containers[0].name"]],
  ["name not a DNS label", [ctr("a.b.c")], ["FieldValueInvalid containers[0].name"]],
  ["name not unique", [ctr("abc"), ctr("abc")], ["FieldValueDuplicate containers[1].name"]],
  ["zero-length image", [ctr("abc", (c) => (c.image = ""))], ["FieldValueRequired containers[0].image"]],
  ["host port not unique", [ctr("abc", (c) => (c.ports = [{ containerPort: 80, hostPort: 80, protocol: "TCP" }])), ctr("def", (c) => (c.ports = [{ containerPort: 81, hostPort: 80, protocol: "TCP" }]))], ["FieldValueDuplicate containers[1].ports[0].hostPort"]],
  // The Go harness passes zero PodValidationOptions, the strict names; kube-apiserver v1.35 sets
  // AllowRelaxedEnvironmentVariableValidation (the gate is GA), under which "ev!1" is a valid name.
  ["invalid env var name: valid under the relaxed names v1.35 serves", [ctr("abc", (c) => (c.env = [{ name: "ev!1" }]))], []],
  ["unknown volume name", [ctr("abc", (c) => (c.volumeMounts = [{ name: "anything", mountPath: "/foo" }]))], ["FieldValueNotFound containers[0].volumeMounts[0].name"]],
  ["invalid lifecycle, no exec command.", [ctr("life-123", (c) => (c.lifecycle = { preStop: { exec: {} } }))], ["FieldValueRequired containers[0].lifecycle.preStop.exec.command"]],
  ["invalid lifecycle, no http path.", [ctr("life-123", (c) => (c.lifecycle = { preStop: { httpGet: { port: 80, scheme: "HTTP" } } }))], ["FieldValueRequired containers[0].lifecycle.preStop.httpGet.path"]],
  ["invalid lifecycle, no http port.", [ctr("life-123", (c) => (c.lifecycle = { preStop: { httpGet: { path: "/", scheme: "HTTP" } } }))], ["FieldValueInvalid containers[0].lifecycle.preStop.httpGet.port"]],
  ["invalid lifecycle, no http scheme.", [ctr("life-123", (c) => (c.lifecycle = { preStop: { httpGet: { path: "/", port: 80 } } }))], ["FieldValueNotSupported containers[0].lifecycle.preStop.httpGet.scheme"]],
  ["invalid lifecycle, no tcp socket port.", [ctr("life-123", (c) => (c.lifecycle = { preStop: { tcpSocket: {} } }))], ["FieldValueInvalid containers[0].lifecycle.preStop.tcpSocket.port"]],
  ["invalid lifecycle, zero tcp socket port.", [ctr("life-123", (c) => (c.lifecycle = { preStop: { tcpSocket: { port: 0 } } }))], ["FieldValueInvalid containers[0].lifecycle.preStop.tcpSocket.port"]],
  ["invalid lifecycle, no action.", [ctr("life-123", (c) => (c.lifecycle = { preStop: {} }))], ["FieldValueRequired containers[0].lifecycle.preStop"]],
  ["invalid readiness probe, terminationGracePeriodSeconds set.", [ctr("life-123", (c) => (c.readinessProbe = { ...tcp80, terminationGracePeriodSeconds: 10 }))], ["FieldValueInvalid containers[0].readinessProbe.terminationGracePeriodSeconds"]],
  ["invalid liveness probe, no tcp socket port.", [ctr("live-123", (c) => (c.livenessProbe = { tcpSocket: {}, successThreshold: 1 }))], ["FieldValueInvalid containers[0].livenessProbe.tcpSocket.port"]],
  ["invalid liveness probe, no action.", [ctr("live-123", (c) => (c.livenessProbe = { successThreshold: 1 }))], ["FieldValueRequired containers[0].livenessProbe"]],
  ["invalid liveness probe, successThreshold != 1", [ctr("live-123", (c) => (c.livenessProbe = { ...tcp80, successThreshold: 2 }))], ["FieldValueInvalid containers[0].livenessProbe.successThreshold"]],
  ["invalid startup probe, successThreshold != 1", [ctr("startup-123", (c) => (c.startupProbe = { ...tcp80, successThreshold: 2 }))], ["FieldValueInvalid containers[0].startupProbe.successThreshold"]],
  ...(["livenessProbe", "startupProbe"] as const).map((probe): [string, any[], string[]] => [`invalid ${probe === "livenessProbe" ? "liveness" : "startup"} probe, negative numbers`, [ctr("p", (c) => (c[probe] = { ...tcp80, ...negatives }))],
    ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds", "successThreshold"].map((f) => `FieldValueInvalid containers[0].${probe}.${f}`)]),
  // terminationGracePeriodSeconds twice: "must be greater than 0", then "must not be set for readinessProbes"
  ["invalid readiness probe, negative numbers", [ctr("ready-123", (c) => (c.readinessProbe = { ...tcp80, ...negatives }))],
    ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds", "terminationGracePeriodSeconds"].map((f) => `FieldValueInvalid containers[0].readinessProbe.${f}`)],
  ["invalid message termination policy", [ctr("life-123", (c) => (c.terminationMessagePolicy = "Unknown"))], ["FieldValueNotSupported containers[0].terminationMessagePolicy"]],
  ["empty message termination policy", [ctr("life-123", (c) => (c.terminationMessagePolicy = ""))], ["FieldValueRequired containers[0].terminationMessagePolicy"]],
  ["invalid compute resource", [ctr("abc-123", (c) => (c.resources = { limits: { disk: "10G" } }))], ["FieldValueInvalid containers[0].resources.limits[disk]", "FieldValueInvalid containers[0].resources.limits[disk]"]],
  ["Resource CPU invalid", [ctr("abc-123", (c) => (c.resources = { limits: res("-10", "0") }))], ["FieldValueInvalid containers[0].resources.limits[cpu]"]],
  ["Resource Requests CPU invalid", [ctr("abc-123", (c) => (c.resources = { requests: res("-10", "0") }))], ["FieldValueInvalid containers[0].resources.requests[cpu]"]],
  ["Resource Memory invalid", [ctr("abc-123", (c) => (c.resources = { limits: res("0", "-10") }))], ["FieldValueInvalid containers[0].resources.limits[memory]"]],
  ["Request limit simple invalid", [ctr("abc-123", (c) => (c.resources = { limits: res("5", "3"), requests: res("6", "3") }))], ["FieldValueInvalid containers[0].resources.requests"]],
  ["Invalid storage limit request", [ctr("abc-123", (c) => (c.resources = { limits: { "attachable-volumes-aws-ebs": "10" } }))], ["FieldValueInvalid containers[0].resources.limits[attachable-volumes-aws-ebs]", "FieldValueInvalid containers[0].resources.limits[attachable-volumes-aws-ebs]"]],
  ["CPU request limit multiple invalid", [ctr("abc-123", (c) => (c.resources = { limits: res("5", "3"), requests: res("6", "3") }))], ["FieldValueInvalid containers[0].resources.requests"]],
  ["Memory request limit multiple invalid", [ctr("abc-123", (c) => (c.resources = { limits: res("5", "3"), requests: res("5", "4") }))], ["FieldValueInvalid containers[0].resources.requests"]],
  ["Invalid env from", [ctr("env-from-source", (c) => (c.envFrom = [{ configMapRef: { name: "$%^&*#" } }]))], ["FieldValueInvalid containers[0].envFrom[0].configMapRef.name"]],
  ["Unsupported resize policy for memory", [ctr("resize-policy-mem-invalid", (c) => (c.resizePolicy = [{ resourceName: "memory", restartPolicy: "RestartContainerrrr" }]))], ["FieldValueNotSupported containers[0].resizePolicy"]],
  ["Unsupported resize policy for CPU", [ctr("resize-policy-cpu-invalid", (c) => (c.resizePolicy = [{ resourceName: "cpu", restartPolicy: "RestartNotRequired" }]))], ["FieldValueNotSupported containers[0].resizePolicy"]],
  // The Go table runs with zero options (Forbidden for every policy); the served options have
  // ContainerRestartRules on (beta in v1.35): Always, OnFailure and Never pass, others are not supported.
  ...(["invalid", ""] as const).map((policy): [string, any[], string[]] => [`Not supported RestartPolicy: ${policy || "empty"}`, [ctr("foo", (c) => (c.restartPolicy = policy))], ["FieldValueNotSupported containers[0].restartPolicy"]]),
];

describe("TestValidateContainers: error rows", () => {
  for (const [title, containers, want] of rows) {
    it(title, () => {
      const errs = validateCreate(podWith(...containers)).filter((e) => e.field.startsWith("spec.containers"));
      expect(errs.map((e) => `${e.type} ${e.field.slice("spec.".length)}`)).toEqual(want);
    });
  }
});
