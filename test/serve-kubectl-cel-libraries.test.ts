// The real kubectl against `podflow serve` with CRD rules that use Kubernetes' CEL libraries (url, ip,
// cidr, quantity, semver, format): a custom resource within the rules is created, one that breaks them
// is refused with kube's messages (a library's runtime error is "<error> evaluating rule: <message>",
// validation.go), a CRD whose rule misuses a library is refused with the checker's error, and a rule
// tightened later lets an unchanged value stay with a warning (ratcheting's warning.AddWarning).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const definition = (memoryLimit = "1Gi") => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backends.net.example.com
spec:
  group: net.example.com
  scope: Namespaced
  names:
    plural: backends
    singular: backend
    kind: Backend
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                endpoint:
                  type: string
                  x-kubernetes-validations:
                    - rule: "url(self).getScheme() == 'https'"
                      message: endpoint must use https
                address:
                  type: string
                  x-kubernetes-validations:
                    - rule: "cidr('10.0.0.0/8').containsIP(ip(self))"
                      message: address must be in 10.0.0.0/8
                memory:
                  type: string
                  x-kubernetes-validations:
                    - rule: "quantity(self).isLessThan(quantity('${memoryLimit}'))"
                      message: memory must be below ${memoryLimit}
                      reason: FieldValueForbidden
                version:
                  type: string
                  x-kubernetes-validations:
                    - rule: "semver(self, true).isGreaterThan(semver('1.0.0'))"
                      message: version must be above 1.0.0
                      reason: FieldValueForbidden
                host:
                  type: string
                  x-kubernetes-validations:
                    - rule: "!format.dns1123Subdomain().validate(self).hasValue()"
                      # the first message: join() over a list of unknown size is refused for its estimated cost
                      messageExpression: "format.dns1123Subdomain().validate(self).value()[0]"
                      reason: FieldValueForbidden
`;

const backend = (spec: Record<string, string>) => `
apiVersion: net.example.com/v1
kind: Backend
metadata:
  name: b1
spec:
${Object.entries(spec)
  .map(([k, v]) => `  ${k}: "${v}"`)
  .join("\n")}
`;
const good = { endpoint: "https://api.example.com:8443/v1", address: "10.1.2.3", memory: "512Mi", version: "v1.2", host: "api.example.com" };

describe.skipIf(!bin)("podflow serve with the real kubectl: CRD rules with Kubernetes' CEL libraries", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("creates a Backend whose url, ip, quantity, semver and format rules hold", async () => {
    expect((await k(["apply", "-f", "-"], { input: definition() })).out).toBe("customresourcedefinition.apiextensions.k8s.io/backends.net.example.com created\n");
    const r = await until(async () => {
      const res = await k(["apply", "-f", "-"], { input: backend(good) });
      return res.code === 0 ? res : undefined;
    }, 10_000);
    expect(r.out).toBe("backend.net.example.com/b1 created\n");
  });

  it("refuses a Backend that breaks them, with the libraries' errors and the rules' messages", async () => {
    const r = await k(["apply", "-f", "-"], { input: backend({ endpoint: "../relative", address: "10.1.2", memory: "2Gi", version: "0.9", host: "Bad_Host" }) });
    expect(r.code).not.toBe(0);
    const lines = r.err.split("\n");
    expect(lines[0]).toBe('The Backend "b1" is invalid: ');
    expect(lines).toContain('* spec.endpoint: Invalid value: "string": URL parse error during conversion from string: parse "../relative": invalid URI for request evaluating rule: endpoint must use https');
    expect(lines).toContain('* spec.address: Invalid value: "string": IP Address "10.1.2" parse error during conversion from string: ParseAddr("10.1.2"): IPv4 address too short evaluating rule: address must be in 10.0.0.0/8');
    expect(lines).toContain("* spec.memory: Forbidden: memory must be below 1Gi");
    expect(lines).toContain("* spec.version: Forbidden: version must be above 1.0.0");
    expect(lines).toContain(
      "* spec.host: Forbidden: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
    // nothing of it was stored
    expect((await k(["get", "backend", "b1", "-o", "jsonpath={.spec.memory}"])).out).toBe("512Mi");
  });

  it("lets an unchanged value through a rule tightened later, with the failure as a warning", async () => {
    expect((await k(["apply", "-f", "-"], { input: definition("256Mi") })).out).toBe("customresourcedefinition.apiextensions.k8s.io/backends.net.example.com configured\n");
    const r = await until(async () => {
      const res = await k(["apply", "-f", "-"], { input: backend({ ...good, version: "v1.3" }) });
      return res.err.includes("256Mi") ? res : undefined;
    }, 10_000);
    expect(r.code).toBe(0);
    expect(r.out).toBe("backend.net.example.com/b1 configured\n");
    expect(r.err).toBe("Warning: spec.memory: Forbidden: memory must be below 256Mi\n");
    // a changed value is held to the rule
    const f = await k(["apply", "-f", "-"], { input: backend({ ...good, memory: "384Mi" }) });
    expect(f.code).not.toBe(0);
    expect(f.err).toBe('The Backend "b1" is invalid: spec.memory: Forbidden: memory must be below 256Mi\n');
  });

  it("refuses a CRD whose rule passes a library's type where a string is expected", async () => {
    const bad = definition()
      .replaceAll("backends", "badbackends")
      .replace("singular: backend", "singular: badbackend")
      .replace("kind: Backend", "kind: BadBackend")
      .replace(`"cidr('10.0.0.0/8').containsIP(ip(self))"`, `"isIP(cidr(self))"`);
    const r = await k(["apply", "-f", "-"], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('The CustomResourceDefinition "badbackends.net.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[address].x-kubernetes-validations[0].rule: Invalid value: ');
    expect(r.err).toContain("compilation failed: ERROR: <input>:1:5: found no matching overload for 'isIP' applied to '(net.CIDR)'\n | isIP(cidr(self))\n | ....^");
  });
});

// The same libraries in a ValidatingAdmissionPolicy (its environment is the same base environment):
// a ConfigMap's endpoint must be an https URL and its address inside 10.0.0.0/8.
const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "cel-libs.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   [""]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["configmaps"]
  matchConditions:
    - name: has-endpoint
      expression: "has(object.data) && 'endpoint' in object.data && 'address' in object.data"
  validations:
    - expression: "url(object.data.endpoint).getScheme() == 'https'"
      message: endpoint must use https
    - expression: "cidr('10.0.0.0/8').containsIP(object.data.address)"
      messageExpression: "'address ' + object.data.address + ' is outside 10.0.0.0/8'"
`;
const policyBinding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "cel-libs-binding.example.com"
spec:
  policyName: "cel-libs.example.com"
  validationActions: [Deny]
`;
const configMap = (endpoint: string, address: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: c1
data:
  endpoint: "${endpoint}"
  address: "${address}"
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: a ValidatingAdmissionPolicy with Kubernetes' CEL libraries", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  const prefix = "ValidatingAdmissionPolicy 'cel-libs.example.com' with binding 'cel-libs-binding.example.com' denied request: ";

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("admits what the url and cidr expressions allow and denies the rest in Kubernetes' words", async () => {
    expect((await k(["apply", "-f", "-"], { input: policy })).code).toBe(0);
    expect((await k(["apply", "-f", "-"], { input: policyBinding })).code).toBe(0);
    const denied = await until(async () => {
      const res = await k(["apply", "-f", "-"], { input: configMap("http://plain.example.com/", "10.0.0.1") });
      return res.code !== 0 ? res : undefined;
    }, 10_000);
    expect(denied.err).toBe(`The configmaps "c1" is invalid: : ${prefix}endpoint must use https\n`);
    const outside = await k(["apply", "-f", "-"], { input: configMap("https://api.example.com/", "192.168.1.1") });
    expect(outside.err).toBe(`The configmaps "c1" is invalid: : ${prefix}address 192.168.1.1 is outside 10.0.0.0/8\n`);
    // a string that is no address leaves containsIP without an overload (cidr.go's MaybeNoSuchOverloadErr)
    const bad = await k(["apply", "-f", "-"], { input: configMap("https://api.example.com/", "10.0.0") });
    expect(bad.err).toBe(`The configmaps "c1" is invalid: : ${prefix}expression 'cidr('10.0.0.0/8').containsIP(object.data.address)' resulted in error: no such overload\n`);
    expect((await k(["apply", "-f", "-"], { input: configMap("https://api.example.com/", "10.20.30.40") })).out).toBe("configmap/c1 created\n");
  });
});
