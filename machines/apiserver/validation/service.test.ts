import { describe, it, expect } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const now = "2026-01-01T00:00:00Z";
const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
function service(spec: any = {}): any {
  return mutate({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }], ...spec } }, { now, operation: "CREATE" });
}

describe("Service validation", () => {
  it("accepts a defaulted Service", () => expect(validateCreate(service())).toEqual([]));
  const cases: [string, () => any, string[]][] = [
    ["a name must be a DNS-1035 label, so it may not start with a digit", () => { const s = service(); s.metadata.name = "1web"; return s; }, ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
    ["ports are required unless headless", () => service({ ports: [] }), ["spec.ports: Required value"]],
    ["a headless service may omit ports", () => service({ ports: [], clusterIP: "None" }), []],
    ["a port must be 1-65535, and so must the targetPort defaulted from it", () => service({ ports: [{ port: 70000 }] }), ["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]],
    ["several ports each need a name", () => service({ ports: [{ port: 80 }, { port: 81 }] }), ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]],
    ["an unknown type lists the supported ones", () => service({ type: "Magic" }), ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ["a malformed clusterIP is invalid", () => service({ clusterIP: "10.0.0" }), ['spec.clusterIPs[0]: Invalid value: "10.0.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ["a nodePort on a ClusterIP service is forbidden", () => service({ ports: [{ port: 80, nodePort: 30080 }] }), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ["a selector value must be a label value", () => service({ selector: { app: "a b" } }), ["FieldValueInvalid spec.selector"]],
    ["a NodePort service may not be headless", () => service({ type: "NodePort", clusterIP: "None" }), ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
  ];
  for (const [name, make, want] of cases) {
    it(name, () => {
      const errs = validateCreate(make());
      expect(want[0]?.startsWith("FieldValue") ? errs.map((e) => `${e.type} ${e.field}`) : messages(errs)).toEqual(want);
    });
  }
  it("may not change its cluster IP once set", () => {
    const old = service({ clusterIP: "10.96.0.10" });
    const next = structuredClone(old);
    next.spec.clusterIP = "10.96.0.11";
    next.spec.clusterIPs = ["10.96.0.11"];
    expect(messages(validateUpdate(next, old))).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });
});
