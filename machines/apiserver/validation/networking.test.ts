// networking.k8s.io/v1 validation, rows after pkg/apis/networking/validation/validation_test.go
// (TestValidateNetworkPolicy, TestValidateIngressCreate, TestValidateIngressClass and their
// update tests); messages as validation.go words them.
import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const np = (spec: unknown) => ({ kind: "NetworkPolicy", metadata: { name: "np", namespace: "default" }, spec });
const svcBackend = (name = "svc", port: unknown = { number: 80 }) => ({ service: { name, port } });
const ing = (spec: unknown, metadata: Record<string, unknown> = {}) => ({ kind: "Ingress", metadata: { name: "ing", namespace: "default", ...metadata }, spec });
const rule = (path: unknown) => ({ host: "foo.bar.com", http: { paths: [path] } });
const ic = (spec: unknown) => ({ kind: "IngressClass", metadata: { name: "ic" }, spec });

describe("NetworkPolicy (ValidateNetworkPolicy)", () => {
  const cases: [string, unknown, string[]][] = [
    ["the docs' policy is valid", np({ podSelector: { matchLabels: { role: "db" } }, policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } }, { namespaceSelector: { matchLabels: { project: "myproject" } } }], ports: [{ protocol: "TCP", port: 6379 }] }] }), []],
    ["a named port and a port range are valid", np({ podSelector: {}, ingress: [{ ports: [{ port: "http" }, { port: 32000, endPort: 32768 }] }] }), []],
    ["a pod and a namespace selector together are one peer", np({ podSelector: {}, ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }), []],
    ["an interface-style CIDR is allowed while StrictIPCIDRValidation is off", np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.1/24" } }] }] }), []],
    ["a peer must say something", np({ podSelector: {}, ingress: [{ from: [{}] }] }), ["spec.ingress[0].from[0]: Required value: must specify a peer"]],
    ["ipBlock excludes other peers", np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.168.0.0/16" }, podSelector: {} }] }] }),
      ["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"]],
    ["an unsupported protocol", np({ podSelector: {}, ingress: [{ ports: [{ protocol: "ICMP", port: 80 }] }] }),
      ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"']],
    ["a port out of range", np({ podSelector: {}, egress: [{ ports: [{ port: 66000 }] }] }), ["spec.egress[0].ports[0].port: Invalid value: 66000: must be between 1 and 65535, inclusive"]],
    // ValidateNetworkPolicyPort refuses only endPort < port: a range of one port is valid
    ["endPort equal to port", np({ podSelector: {}, egress: [{ ports: [{ port: 32000, endPort: 32000 }] }] }), []],
    ["endPort below port", np({ podSelector: {}, egress: [{ ports: [{ port: 35000, endPort: 32000 }] }] }), ["spec.egress[0].ports[0].endPort: Invalid value: 32000: must be greater than or equal to `port`"]],
    ["endPort with a named port", np({ podSelector: {}, egress: [{ ports: [{ port: "https", endPort: 32000 }] }] }), ["spec.egress[0].ports[0].endPort: Invalid value: 32000: may not be specified when `port` is non-numeric"]],
    ["endPort without port", np({ podSelector: {}, egress: [{ ports: [{ endPort: 32000 }] }] }), ["spec.egress[0].ports[0].endPort: Invalid value: 32000: may not be specified when `port` is not specified"]],
    ["ipBlock needs a cidr", np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "" } }] }] }), ["spec.ingress[0].from[0].ipBlock.cidr: Required value"]],
    ["a malformed cidr", np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.168.5.6" } }] }] }),
      ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "192.168.5.6": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ["an except outside the cidr", np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.168.8.0/24", except: ["192.169.8.0/24"] } }] }] }),
      ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.169.8.0/24": must be a strict subset of `cidr`']],
    ["an except equal to the cidr", np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "192.168.0.0/16", except: ["192.168.0.0/16"] } }] }] }),
      ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`']],
    ["an unknown policy type", np({ podSelector: {}, policyTypes: ["foo"] }), ['spec.policyTypes[0]: Unsupported value: "foo": supported values: "Ingress", "Egress"']],
    ["more than two policy types", np({ podSelector: {}, policyTypes: ["Ingress", "Egress", "Ingress"] }),
      ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes']],
    ["an invalid selector value", np({ podSelector: { matchLabels: { a: "b c" } } }), [expect.stringMatching(/^spec\.podSelector\.matchLabels: Invalid value: "b c": a valid label must be/) as unknown as string]],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateCreate(obj))).toEqual(want));

  it("an update may keep a CIDR the stored policy already has, however written (AllowCIDRsEvenIfInvalid)", () => {
    const spec = { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "bad" } }] }] };
    const old = { ...np(spec), metadata: { name: "np", namespace: "default", resourceVersion: "1", uid: "u" } };
    expect(messages(validateUpdate({ ...old, spec: { ...spec, policyTypes: ["Ingress"] } }, old))).toEqual([]);
    expect(messages(validateCreate(np(spec)))).toEqual(['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "bad": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
  });
});

describe("Ingress (ValidateIngressCreate, ValidateIngressUpdate, ValidateIngressStatusUpdate)", () => {
  const path = (p: Record<string, unknown>) => ({ path: "/foo", pathType: "Prefix", backend: svcBackend(), ...p });
  const cases: [string, unknown, string[]][] = [
    ["a resource default backend alone is valid", ing({ defaultBackend: { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "static-assets" } } }), []],
    ["rules or a default backend", ing({}), ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]],
    ["an IP address is no host", ing({ rules: [{ host: "127.0.0.1", http: { paths: [path({})] } }] }), ['spec.rules[0].host: Invalid value: "127.0.0.1": must be a DNS name, not an IP address']],
    ["a wildcard host is valid", ing({ rules: [{ host: "*.bar.com", http: { paths: [path({})] } }] }), []],
    ["a wildcard only as the first label", ing({ rules: [{ host: "foo.*.bar.com", http: { paths: [path({})] } }] }),
      ["spec.rules[0].host: Invalid value: \"foo.*.bar.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["http needs paths", ing({ rules: [{ host: "foo.bar.com", http: { paths: [] } }] }), ["spec.rules[0].http.paths: Required value"]],
    ["pathType is required", ing({ rules: [rule({ path: "/foo", backend: svcBackend() })] }), ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]],
    ["a Prefix path is absolute", ing({ rules: [rule(path({ path: "foo" }))] }), ['spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path']],
    ["an Exact path without '//'", ing({ rules: [rule(path({ path: "/foo//bar", pathType: "Exact" }))] }), ["spec.rules[0].http.paths[0].path: Invalid value: \"/foo//bar\": must not contain '//'"]],
    ["a Prefix path not ending in '/..'", ing({ rules: [rule(path({ path: "/foo/.." }))] }), ["spec.rules[0].http.paths[0].path: Invalid value: \"/foo/..\": cannot end with '/..'"]],
    ["an ImplementationSpecific path may be empty", ing({ rules: [rule(path({ path: "", pathType: "ImplementationSpecific" }))] }), []],
    ["a backend is a resource or a service", ing({ rules: [rule(path({ backend: {} }))] }), ['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required']],
    ["not both", ing({ rules: [rule(path({ backend: { ...svcBackend(), resource: { kind: "Bucket", name: "b" } } }))] }),
      ['spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends']],
    ["a service port by name or number", ing({ rules: [rule(path({ backend: svcBackend("svc", {}) }))] }), ["spec.rules[0].http.paths[0].backend: Required value: port name or number is required"]],
    ["not both port name and number", ing({ rules: [rule(path({ backend: svcBackend("svc", { name: "http", number: 80 }) }))] }),
      ['spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number']],
    ["a backend Service name is a DNS-1035 label", ing({ rules: [rule(path({ backend: svcBackend("1svc") }))] }),
      ["spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
    ["a TLS secret name is a DNS subdomain", ing({ tls: [{ hosts: ["foo.bar.com"], secretName: "Bad_Name" }], rules: [rule(path({}))] }),
      ["spec.tls[0].secretName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["the class annotation must agree with ingressClassName", ing({ ingressClassName: "a", rules: [rule(path({}))] }, { annotations: { "kubernetes.io/ingress.class": "b" } }),
      ['annotations.kubernetes.io/ingress.class: Invalid value: "b": must match `ingressClassName` when both are specified']],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateCreate(obj))).toEqual(want));

  it("an update keeps an invalid TLS secret name the stored Ingress has (allowInvalidSecretName)", () => {
    const spec = { tls: [{ secretName: "Bad_Name" }], rules: [rule({ path: "/foo", pathType: "Prefix", backend: svcBackend() })] };
    const old = ing(spec, { resourceVersion: "1", uid: "u" });
    expect(messages(validateUpdate(old, old))).toEqual([]);
  });

  it("status: a load-balancer hostname may not be an IP address", () => {
    const old = ing({ rules: [rule({ path: "/", pathType: "Prefix", backend: svcBackend() })] }, { resourceVersion: "1", uid: "u" });
    const next = { ...old, status: { loadBalancer: { ingress: [{ hostname: "10.0.0.1" }, { ip: "nope" }] } } };
    expect(messages(validateUpdate(next, old, "status"))).toEqual([
      'status.loadBalancer.ingress[0].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      'status.loadBalancer.ingress[1].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });
});

describe("IngressClass (ValidateIngressClass, ValidateIngressClassUpdate)", () => {
  const cases: [string, unknown, string[]][] = [
    ["the docs' class is valid", ic({ controller: "example.com/ingress-controller", parameters: { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "external-lb", scope: "Cluster" } }), []],
    ["a controller is required", ic({}), ["spec.controller: Required value"]],
    ["the controller is a domain-prefixed path", ic({ controller: "foo" }), ['spec.controller: Invalid value: "foo": must be a domain-prefixed path (such as "acme.io/foo")']],
    ["at most 250 characters", ic({ controller: `foo.co/${"a".repeat(250)}` }), ["spec.controller: Too long: may not be more than 250 bytes"]],
    ["a parameters scope is Cluster or Namespace", ic({ controller: "foo.co/bar", parameters: { kind: "k", name: "n", scope: "Global" } }),
      ['spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"']],
    ["a Namespace scope needs a namespace", ic({ controller: "foo.co/bar", parameters: { kind: "k", name: "n", scope: "Namespace" } }),
      ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]],
    ["a Cluster scope has none", ic({ controller: "foo.co/bar", parameters: { kind: "k", name: "n", scope: "Cluster", namespace: "ns" } }),
      ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]],
    ["kind and name are path segments", ic({ controller: "foo.co/bar", parameters: { kind: "a/b", name: "..", scope: "Cluster" } }),
      ["spec.parameters.kind: Invalid value: \"a/b\": may not contain '/'", "spec.parameters.name: Invalid value: \"..\": may not be '..'"]],
  ];
  for (const [name, obj, want] of cases) it(name, () => expect(messages(validateCreate(obj))).toEqual(want));

  it("the controller is immutable", () => {
    const old = { ...ic({ controller: "foo.co/bar" }), metadata: { name: "ic", resourceVersion: "1", uid: "u" } };
    expect(messages(validateUpdate({ ...old, spec: { controller: "foo.co/baz" } }, old))).toEqual(['spec.controller: Invalid value: "foo.co/baz": field is immutable']);
  });
});
