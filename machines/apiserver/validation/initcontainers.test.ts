// TestValidateInitContainers' error rows and TestValidatePodSpec's bad-container rows
// (pkg/apis/core/validation/validation_test.go, v1.35). The Go init-container table compares type,
// field and bad value of every error (detail ignored); here each row is an init container of a pod
// whose one regular container is "app" and whose restartPolicy is Never, as in the Go harness.

import { describe, it, expect } from "vitest";
import { validateCreate } from "./index.js";
import { makeContainer, makePod } from "./testing.js";
import { GoValue } from "../status.js";


const init = (name: string, edit: (c: any) => void = () => {}) => makeContainer(name, edit);
const always = (c: any) => (c.restartPolicy = "Always");
const tcp80 = { tcpSocket: { port: 80 } };
const podWithInits = (...inits: any[]) => makePod("pod", (p) => {
  p.spec.containers = [makeContainer("app", (c) => (c.image = "nginx"))];
  p.spec.initContainers = inits;
  p.spec.restartPolicy = "Never";
});

// [title, init containers, [type, field, bad value] of each error]
const rows: [string, any[], [string, string, unknown][]][] = [
  ["empty name", [init("")], [["FieldValueRequired", "initContainers[0].name", ""]]],
  ["name collision with regular container", [init("app")], [["FieldValueDuplicate", "initContainers[0].name", "app"]]],
  ["invalid termination message policy", [init("init", (c) => (c.terminationMessagePolicy = "Unknown"))], [["FieldValueNotSupported", "initContainers[0].terminationMessagePolicy", "Unknown"]]],
  ["duplicate names", [init("init"), init("init")], [["FieldValueDuplicate", "initContainers[1].name", "init"]]],
  ["duplicate ports", [init("abc", (c) => (c.ports = [{ containerPort: 8080, hostPort: 8080, protocol: "TCP" }, { containerPort: 8080, hostPort: 8080, protocol: "TCP" }]))], [["FieldValueDuplicate", "initContainers[0].ports[1].hostPort", "TCP//8080"]]],
  ["uses disallowed field: Lifecycle", [init("debug", (c) => (c.lifecycle = { preStop: { exec: { command: ["ls", "-l"] } } }))], [["FieldValueForbidden", "initContainers[0].lifecycle", ""]]],
  ["uses disallowed field: LivenessProbe", [init("debug", (c) => (c.livenessProbe = { ...tcp80, successThreshold: 1 }))], [["FieldValueForbidden", "initContainers[0].livenessProbe", ""]]],
  ["uses disallowed field: ReadinessProbe", [init("debug", (c) => (c.readinessProbe = tcp80))], [["FieldValueForbidden", "initContainers[0].readinessProbe", ""]]],
  ["Container uses disallowed field: StartupProbe", [init("debug", (c) => (c.startupProbe = { ...tcp80, successThreshold: 1 }))], [["FieldValueForbidden", "initContainers[0].startupProbe", ""]]],
  ["Disallowed field with other errors should only return a single Forbidden", [init("debug", (c) => (c.startupProbe = { ...tcp80, initialDelaySeconds: -1, timeoutSeconds: -1, periodSeconds: -1, successThreshold: -1, failureThreshold: -1, terminationGracePeriodSeconds: -1 }))],
    [["FieldValueForbidden", "initContainers[0].startupProbe", ""]]],
  // ContainerRestartRules (on in v1.35's served options): OnFailure and Never are an init container's too
  ...(["invalid", ""] as const).map((policy): [string, any[], [string, string, unknown][]] => [`Not supported RestartPolicy: ${policy || "empty"}`, [init("init", (c) => (c.restartPolicy = policy))], [["FieldValueNotSupported", "initContainers[0].restartPolicy", policy]]]),
  ["invalid startup probe in restartable container, successThreshold != 1", [init("restartable-init", (c) => { always(c); c.startupProbe = { ...tcp80, successThreshold: 2 }; })], [["FieldValueInvalid", "initContainers[0].startupProbe.successThreshold", 2]]],
  ["invalid readiness probe, terminationGracePeriodSeconds set.", [init("life-123", (c) => { always(c); c.readinessProbe = { ...tcp80, terminationGracePeriodSeconds: 10 }; })], [["FieldValueInvalid", "initContainers[0].readinessProbe.terminationGracePeriodSeconds", 10]]],
  ["invalid liveness probe, successThreshold != 1", [init("live-123", (c) => { always(c); c.livenessProbe = { ...tcp80, successThreshold: 2 }; })], [["FieldValueInvalid", "initContainers[0].livenessProbe.successThreshold", 2]]],
  ["invalid lifecycle, no exec command.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: { exec: {} } }; })], [["FieldValueRequired", "initContainers[0].lifecycle.preStop.exec.command", ""]]],
  ["invalid lifecycle, no http path.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: { httpGet: { port: 80, scheme: "HTTP" } } }; })], [["FieldValueRequired", "initContainers[0].lifecycle.preStop.httpGet.path", ""]]],
  ["invalid lifecycle, no http port.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: { httpGet: { path: "/", scheme: "HTTP" } } }; })], [["FieldValueInvalid", "initContainers[0].lifecycle.preStop.httpGet.port", 0]]],
  ["invalid lifecycle, no http scheme.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: { httpGet: { path: "/", port: 80 } } }; })], [["FieldValueNotSupported", "initContainers[0].lifecycle.preStop.httpGet.scheme", ""]]],
  ["invalid lifecycle, no tcp socket port.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: { tcpSocket: {} } }; })], [["FieldValueInvalid", "initContainers[0].lifecycle.preStop.tcpSocket.port", 0]]],
  ["invalid lifecycle, zero tcp socket port.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: { tcpSocket: { port: 0 } } }; })], [["FieldValueInvalid", "initContainers[0].lifecycle.preStop.tcpSocket.port", 0]]],
  ["invalid lifecycle, no action.", [init("life-123", (c) => { always(c); c.lifecycle = { preStop: {} }; })], [["FieldValueRequired", "initContainers[0].lifecycle.preStop", ""]]],
  ["Not supported ResizePolicy: invalid", [init("init", (c) => (c.resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }]))], [["FieldValueInvalid", "initContainers[0].resizePolicy", [{ resourceName: "cpu", restartPolicy: "NotRequired" }]]]],
];

// A non-scalar bad value is kept as Go prints it (its JSON); it compares as the value it marshals.
const shown = (v: unknown) => (v instanceof GoValue ? JSON.parse(v.text) : v);

describe("TestValidateInitContainers: error rows", () => {
  for (const [title, inits, want] of rows) {
    it(title, () => {
      const errs = validateCreate(podWithInits(...inits)).filter((e) => e.field.startsWith("spec.initContainers"));
      expect(errs.map((e) => [e.type, e.field.slice("spec.".length), shown(e.badValue)])).toEqual(want);
    });
  }
});

describe("TestValidatePodSpec: the bad-container rows", () => {
  it("bad container: a container with no fields is refused", () => expect(validateCreate(makePod("pod", (p) => (p.spec.containers = [{}]))).length).toBeGreaterThan(0));
  it("bad init container: an init container with no fields is refused", () => expect(validateCreate(makePod("pod", (p) => (p.spec.initContainers = [{}]))).length).toBeGreaterThan(0));
});
