// pkg/apis/networking/validation/validation_test.go, row by row (the stored copy of the v1.3x line):
// TestValidateNetworkPolicy, TestValidateNetworkPolicyUpdate, TestValidateIngress,
// TestValidateIngressRuleValue, TestValidateIngressCreate, TestValidateIngressUpdate,
// TestValidateIngressClass, TestValidateIngressClassUpdate, TestValidateIngressTLS,
// TestValidateEmptyIngressTLS, TestValidateIngressStatusUpdate. Every expectation is the Go row's:
// the error fields where the Go test compares fields, the whole message where it compares Error().

import { describe, expect, it } from "vitest";
import type { FieldError } from "../status.js";
import { messages } from "./testing.js";
import { validateCreate, validateUpdate } from "./index.js";
import { validateNetworkPolicy } from "./networking.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const clone = <T>(o: T): T => structuredClone(o);
const fields = (errs: FieldError[]) => errs.map((e) => e.field);
const subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe("TestValidateNetworkPolicy", () => {
  type NP = any;
  const base = (): NP => ({ kind: "NetworkPolicy", metadata: { name: "foo", namespace: "bar" }, spec: { podSelector: { matchLabels: { a: "b" } } } });
  const custom = (...tweaks: ((np: NP) => void)[]) => { const np = base(); for (const t of tweaks) t(np); return np; };
  // makePort: port 0, "" and "0" mean no port; endPort 0 means none.
  const port = (protocol: string | undefined, p: number | string, endPort = 0) => {
    const r: any = {};
    if (protocol !== undefined) r.protocol = protocol;
    if (p !== 0 && p !== "" && p !== "0") r.port = p;
    if (endPort !== 0) r.endPort = endPort;
    return r;
  };
  const ingressEmpty = (np: NP) => { np.spec.ingress = [{}]; };
  const ingressFromEmpty = (np: NP) => { if (!np.spec.ingress) ingressEmpty(np); np.spec.ingress[0].from = [{}]; };
  const ingressFromIfEmpty = (np: NP) => { if (!np.spec.ingress) ingressEmpty(np); if (!np.spec.ingress[0].from) ingressFromEmpty(np); };
  const ingressEmptyPorts = (np: NP) => { np.spec.ingress = [{ ports: [{}] }]; };
  const ingressPorts = (...ports: any[]) => (np: NP) => { if (!np.spec.ingress) ingressEmpty(np); np.spec.ingress[0].ports = ports.map(clone); };
  const ingressFromPodSelector = (k: string, v: string) => (np: NP) => { ingressFromIfEmpty(np); np.spec.ingress[0].from[0].podSelector = { matchLabels: { [k]: v } }; };
  const ingressFromNamespaceSelector = (np: NP) => { ingressFromIfEmpty(np); np.spec.ingress[0].from[0].namespaceSelector = { matchLabels: { c: "d" } }; };
  const ingressFromIPBlockV4 = (np: NP) => { ingressFromIfEmpty(np); np.spec.ingress[0].from[0].ipBlock = { cidr: "192.168.0.0/16", except: ["192.168.3.0/24", "192.168.4.0/24"] }; };
  const ingressFromIPBlockV6 = (np: NP) => { ingressFromIfEmpty(np); np.spec.ingress[0].from[0].ipBlock = { cidr: "fd00:192:168::/48", except: ["fd00:192:168:3::/64", "fd00:192:168:4::/64"] }; };
  const egressEmpty = (np: NP) => { np.spec.egress = [{}]; };
  const egressToEmpty = (np: NP) => { if (!np.spec.egress) egressEmpty(np); np.spec.egress[0].to = [{}]; };
  const egressToIfEmpty = (np: NP) => { if (!np.spec.egress) egressEmpty(np); if (!np.spec.egress[0].to) egressToEmpty(np); };
  const egressToNamespaceSelector = (np: NP) => { egressToIfEmpty(np); np.spec.egress[0].to[0].namespaceSelector = { matchLabels: { c: "d" } }; };
  const egressToPodSelector = (np: NP) => { egressToIfEmpty(np); np.spec.egress[0].to[0].podSelector = { matchLabels: { c: "d" } }; };
  const egressToIPBlockV4 = (np: NP) => { egressToIfEmpty(np); np.spec.egress[0].to[0].ipBlock = { cidr: "192.168.0.0/16", except: ["192.168.3.0/24", "192.168.4.0/24"] }; };
  const egressToIPBlockV6 = (np: NP) => { egressToIfEmpty(np); np.spec.egress[0].to[0].ipBlock = { cidr: "fd00:192:168::/48", except: ["fd00:192:168:3::/64", "fd00:192:168:4::/64"] }; };
  const egressPorts = (...ports: any[]) => (np: NP) => { if (!np.spec.egress) egressEmpty(np); np.spec.egress[0].ports = ports.map(clone); };
  const policyTypesEgress = (np: NP) => { np.spec.policyTypes = ["Egress"]; };
  const policyTypesIngressEgress = (np: NP) => { np.spec.policyTypes = ["Ingress", "Egress"]; };

  const successCases: NP[] = [
    custom(ingressEmpty),
    custom(ingressFromEmpty, ingressEmptyPorts),
    custom(ingressPorts(port(undefined, 80), port("TCP", 0), port("TCP", 443), port("UDP", "dns"), port("SCTP", 7777))),
    custom(ingressFromPodSelector("c", "d")),
    custom(ingressFromNamespaceSelector),
    custom(ingressFromPodSelector("e", "f"), ingressFromNamespaceSelector),
    custom(egressToNamespaceSelector, ingressFromIPBlockV4),
    custom(ingressFromIPBlockV4),
    custom(egressToIPBlockV4, policyTypesEgress),
    custom(egressToIPBlockV4, policyTypesIngressEgress),
    custom(egressPorts(port(undefined, 80), port("TCP", 0), port("TCP", 443), port("UDP", "dns"), port("SCTP", 7777))),
    custom(egressToNamespaceSelector, ingressFromIPBlockV6),
    custom(ingressFromIPBlockV6),
    custom(egressToIPBlockV6, policyTypesEgress),
    custom(egressToIPBlockV6, policyTypesIngressEgress),
    custom(egressPorts(port(undefined, 32000, 32768), port("UDP", "dns"))),
    custom(egressToNamespaceSelector, egressPorts(port(undefined, 30000, 32768), port(undefined, 32000, 32768)), ingressFromPodSelector("e", "f"), ingressPorts(port("TCP", 32768, 32768))),
  ];
  successCases.forEach((np, i) => it(`success case ${i}`, () => expect(messages(validateNetworkPolicy(np))).toEqual([])));

  const invalidSelector = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };
  const errorCases: [string, NP][] = [
    ["namespaceSelector and ipBlock", custom(ingressFromNamespaceSelector, ingressFromIPBlockV4)],
    ["podSelector and ipBlock", custom(egressToPodSelector, egressToIPBlockV4)],
    ["missing from and to type", custom(ingressFromEmpty, egressToEmpty)],
    ["invalid spec.podSelector", custom(ingressFromNamespaceSelector, (np) => { np.spec = { podSelector: { matchLabels: invalidSelector } }; })],
    ["invalid ingress.ports.protocol", custom(ingressPorts(port("ICMP", 80)))],
    ["invalid ingress.ports.port (int)", custom(ingressPorts(port("TCP", 123456789)))],
    ["invalid ingress.ports.port (str)", custom(ingressPorts(port("TCP", "!@#$")))],
    ["invalid ingress.from.podSelector", custom(ingressFromEmpty, (np) => { np.spec.ingress[0].from[0].podSelector = { matchLabels: invalidSelector }; })],
    ["invalid egress.to.podSelector", custom(egressToEmpty, (np) => { np.spec.egress[0].to[0].podSelector = { matchLabels: invalidSelector }; })],
    ["invalid egress.ports.protocol", custom(egressPorts(port("ICMP", 80)))],
    ["invalid egress.ports.port (int)", custom(egressPorts(port("TCP", 123456789)))],
    ["invalid egress.ports.port (str)", custom(egressPorts(port("TCP", "!@#$")))],
    ["invalid ingress.from.namespaceSelector", custom(ingressFromEmpty, (np) => { np.spec.ingress[0].from[0].namespaceSelector = { matchLabels: invalidSelector }; })],
    ["missing cidr field", custom(ingressFromIPBlockV4, (np) => { np.spec.ingress[0].from[0].ipBlock.cidr = ""; })],
    ["invalid cidr format", custom(ingressFromIPBlockV4, (np) => { np.spec.ingress[0].from[0].ipBlock.cidr = "192.168.5.6"; })],
    ["invalid ipv6 cidr format", custom(ingressFromIPBlockV6, (np) => { np.spec.ingress[0].from[0].ipBlock.cidr = "fd00:192:168::"; })],
    ["except field is an empty string", custom(ingressFromIPBlockV4, (np) => { np.spec.ingress[0].from[0].ipBlock.except = [""]; })],
    ["except field is an space string", custom(ingressFromIPBlockV4, (np) => { np.spec.ingress[0].from[0].ipBlock.except = [" "]; })],
    ["except field is an invalid ip", custom(ingressFromIPBlockV4, (np) => { np.spec.ingress[0].from[0].ipBlock.except = ["300.300.300.300"]; })],
    ["except IP is outside of CIDR range", custom(ingressFromEmpty, (np) => { np.spec.ingress[0].from[0].ipBlock = { cidr: "192.168.8.0/24", except: ["192.168.9.1/32"] }; })],
    ["except IP is not strictly within CIDR range", custom(ingressFromEmpty, (np) => { np.spec.ingress[0].from[0].ipBlock = { cidr: "192.168.0.0/24", except: ["192.168.0.0/24"] }; })],
    ["except IPv6 is outside of CIDR range", custom(ingressFromEmpty, (np) => { np.spec.ingress[0].from[0].ipBlock = { cidr: "fd00:192:168:1::/64", except: ["fd00:192:168:2::/64"] }; })],
    ["invalid policyTypes", custom(egressToIPBlockV4, (np) => { np.spec.policyTypes = ["foo", "bar"]; })],
    ["too many policyTypes", custom(egressToIPBlockV4, (np) => { np.spec.policyTypes = ["foo", "bar", "baz"]; })],
    ["multiple ports defined, one port range is invalid", custom(egressToNamespaceSelector, egressPorts(port("UDP", 35000, 32768), port(undefined, 32000, 32768)))],
    ["endPort defined with named/string port", custom(egressToNamespaceSelector, egressPorts(port("UDP", "dns", 32768), port(undefined, 32000, 32768)))],
    ["endPort defined without port defined", custom(egressToNamespaceSelector, egressPorts(port("TCP", 0, 32768)))],
    ["port is greater than endPort", custom(egressToNamespaceSelector, egressPorts(port("SCTP", 35000, 32768)))],
    ["multiple invalid port ranges defined", custom(egressToNamespaceSelector, egressPorts(port("UDP", 35000, 32768), port("TCP", 0, 32768), port("TCP", "https", 32768)))],
    ["invalid endport range defined", custom(egressToNamespaceSelector, egressPorts(port("TCP", 30000, 65537)))],
  ];
  for (const [name, np] of errorCases) it(`error: ${name}`, () => expect(validateNetworkPolicy(np).length).toBeGreaterThan(0));
});

describe("TestValidateNetworkPolicyUpdate", () => {
  const np = (name: string, podSelector: any) => ({ kind: "NetworkPolicy", metadata: { name, namespace: "bar", resourceVersion: "1" }, spec: { podSelector, ingress: [] } });
  it("no change", () => expect(validateUpdate(np("foo", { matchLabels: { a: "b" } }), np("foo", { matchLabels: { a: "b" } }))).toEqual([]));
  it("change spec", () => expect(validateUpdate(np("foo", { matchLabels: { a: "b" } }), np("foo", {}))).toEqual([]));
  it("change name is an error", () => expect(validateUpdate(np("baz", {}), np("foo", {})).length).toBeGreaterThan(0));
});

// The Ingress tables' shared pieces.
const serviceBackend = { name: "defaultbackend", port: { number: 80 } };
const defaultBackend = { service: serviceBackend };
const resourceBackend = { apiGroup: "example.com", kind: "foo", name: "bar" };
const rule = (host: string, path: string, pathType: string, backend: any = defaultBackend) => ({ host, http: { paths: [{ path, pathType, backend: clone(backend) }] } });

describe("TestValidateIngress (error fields)", () => {
  const baseIngress = () => ({
    kind: "Ingress", metadata: { name: "foo", namespace: "default" },
    spec: { defaultBackend: clone(defaultBackend), rules: [rule("foo.bar.com", "/foo", "ImplementationSpecific")] },
    status: { loadBalancer: { ingress: [{ ip: "127.0.0.1" }] } },
  }) as any;
  const both = { service: serviceBackend, resource: resourceBackend };
  const rows: [string, (ing: any) => void, string[]][] = [
    ["empty path (implementation specific)", (ing) => { ing.spec.rules[0].http.paths[0].path = ""; }, []],
    ["valid path", (ing) => { ing.spec.rules[0].http.paths[0].path = "/valid"; }, []],
    ["backend with no service", (ing) => { ing.spec.defaultBackend.service.name = ""; }, ["spec.defaultBackend.service.name"]],
    ["invalid path type", (ing) => { ing.spec.rules[0].http.paths[0].pathType = "foo"; }, ["spec.rules[0].http.paths[0].pathType"]],
    ["empty path (prefix)", (ing) => { ing.spec.rules[0].http.paths[0].path = ""; ing.spec.rules[0].http.paths[0].pathType = "Prefix"; }, ["spec.rules[0].http.paths[0].path"]],
    ["no paths", (ing) => { ing.spec.rules[0].http.paths = []; }, ["spec.rules[0].http.paths"]],
    ["invalid host (foobar:80)", (ing) => { ing.spec.rules[0].host = "foobar:80"; }, ["spec.rules[0].host"]],
    ["invalid host (127.0.0.1)", (ing) => { ing.spec.rules[0].host = "127.0.0.1"; }, ["spec.rules[0].host"]],
    ["valid wildcard host", (ing) => { ing.spec.rules[0].host = "*.bar.com"; }, []],
    ["invalid wildcard host (foo.*.bar.com)", (ing) => { ing.spec.rules[0].host = "foo.*.bar.com"; }, ["spec.rules[0].host"]],
    ["invalid wildcard host (*)", (ing) => { ing.spec.rules[0].host = "*"; }, ["spec.rules[0].host"]],
    ["path resource backend and service name are not allowed together", (ing) => { ing.spec.rules[0] = { host: "foo.bar.com", http: { paths: [{ path: "/foo", pathType: "ImplementationSpecific", backend: clone(both) }] } }; }, ["spec.rules[0].http.paths[0].backend"]],
    ["path resource backend and service port are not allowed together", (ing) => { ing.spec.rules[0] = { host: "foo.bar.com", http: { paths: [{ path: "/foo", pathType: "ImplementationSpecific", backend: clone(both) }] } }; }, ["spec.rules[0].http.paths[0].backend"]],
    ["spec.backend resource and service name are not allowed together", (ing) => { ing.spec.defaultBackend = clone(both); }, ["spec.defaultBackend"]],
    ["spec.backend resource and service port are not allowed together", (ing) => { ing.spec.defaultBackend = clone(both); }, ["spec.defaultBackend"]],
  ];
  for (const [name, tweak, want] of rows) {
    it(name, () => {
      const ing = baseIngress();
      tweak(ing);
      expect(fields(validateCreate(ing))).toEqual(want);
    });
  }
});

describe("TestValidateIngressRuleValue (through a rule, so the path is spec.rules[0] for testing)", () => {
  const p = "spec.rules[0].http.paths[0].path";
  const rows: [string, string, string, string[]][] = [
    ["implementation specific: no leading slash", "ImplementationSpecific", "foo", [`${p}: Invalid value: "foo": must be an absolute path`]],
    ["implementation specific: leading slash", "ImplementationSpecific", "/foo", []],
    ["implementation specific: many slashes", "ImplementationSpecific", "/foo/bar/foo", []],
    ["implementation specific: repeating slashes", "ImplementationSpecific", "/foo//bar/foo", []],
    ["prefix: no leading slash", "Prefix", "foo", [`${p}: Invalid value: "foo": must be an absolute path`]],
    ["prefix: leading slash", "Prefix", "/foo", []],
    ["prefix: many slashes", "Prefix", "/foo/bar/foo", []],
    ["prefix: repeating slashes", "Prefix", "/foo//bar/foo", [`${p}: Invalid value: "/foo//bar/foo": must not contain '//'`]],
    ["exact: no leading slash", "Exact", "foo", [`${p}: Invalid value: "foo": must be an absolute path`]],
    ["exact: leading slash", "Exact", "/foo", []],
    ["exact: many slashes", "Exact", "/foo/bar/foo", []],
    ["exact: repeating slashes", "Exact", "/foo//bar/foo", [`${p}: Invalid value: "/foo//bar/foo": must not contain '//'`]],
    ["prefix: with /./", "Prefix", "/foo/./foo", [`${p}: Invalid value: "/foo/./foo": must not contain '/./'`]],
    ["exact: with /../", "Exact", "/foo/../foo", [`${p}: Invalid value: "/foo/../foo": must not contain '/../'`]],
    ["prefix: with %2f", "Prefix", "/foo/%2f/foo", [`${p}: Invalid value: "/foo/%2f/foo": must not contain '%2f'`]],
    ["exact: with %2F", "Exact", "/foo/%2F/foo", [`${p}: Invalid value: "/foo/%2F/foo": must not contain '%2F'`]],
  ];
  for (const [name, pathType, path, want] of rows) {
    it(name, () => {
      const ing = { kind: "Ingress", metadata: { name: "foo", namespace: "default" }, spec: { rules: [{ http: { paths: [{ path, pathType, backend: { service: serviceBackend } }] } }] } };
      expect(messages(validateCreate(ing))).toEqual(want);
    });
  }
});

const ingressBase = (rules?: any[]) => ({ kind: "Ingress", metadata: { name: "test123", namespace: "test123", resourceVersion: "1234" }, spec: { defaultBackend: clone(defaultBackend), ...(rules ? { rules } : {}) } }) as any;
const invalidSecret = `spec.tls[0].secretName: Invalid value: "invalid name": ${subdomainMsg}`;

describe("TestValidateIngressCreate", () => {
  const rows: [string, (ing: any) => void, string[]][] = [
    ["class field set", (ing) => { ing.spec.ingressClassName = "bar"; }, []],
    ["class annotation set", (ing) => { ing.metadata.annotations = { "kubernetes.io/ingress.class": "foo" }; }, []],
    ["class field and annotation set with same value", (ing) => { ing.spec.ingressClassName = "foo"; ing.metadata.annotations = { "kubernetes.io/ingress.class": "foo" }; }, []],
    ["class field and annotation set with different value", (ing) => { ing.spec.ingressClassName = "bar"; ing.metadata.annotations = { "kubernetes.io/ingress.class": "foo" }; },
      ['annotations.kubernetes.io/ingress.class: Invalid value: "foo": must match `ingressClassName` when both are specified']],
    ["valid regex path", (ing) => { ing.spec.rules = [rule("foo.bar.com", "/([a-z0-9]*)", "ImplementationSpecific")]; }, []],
    ["invalid regex path allowed (v1)", (ing) => { ing.spec.rules = [rule("foo.bar.com", "/([a-z0-9]*)[", "ImplementationSpecific")]; }, []],
    ["Spec.Backend.Resource field allowed on create", (ing) => { ing.spec.defaultBackend = { resource: resourceBackend }; }, []],
    ["Paths.Backend.Resource field allowed on create", (ing) => { ing.spec.rules = [rule("foo.bar.com", "/([a-z0-9]*)", "ImplementationSpecific", { resource: resourceBackend })]; }, []],
    ["valid secret", (ing) => { ing.spec.tls = [{ secretName: "valid" }]; }, []],
    ["invalid secret", (ing) => { ing.spec.tls = [{ secretName: "invalid name" }]; }, [invalidSecret]],
    ["valid rules with wildcard host", (ing) => { ing.spec.tls = [{ hosts: ["*.bar.com"] }]; ing.spec.rules = [rule("*.foo.com", "/foo", "Exact")]; }, []],
    ["invalid rules with wildcard host", (ing) => { ing.spec.tls = [{ hosts: ["*.bar.com"] }]; ing.spec.rules = [rule("*.foo.com", "foo", "Exact")]; },
      ['spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path']],
  ];
  for (const [name, tweak, want] of rows) {
    it(name, () => {
      const ing = ingressBase([]);
      tweak(ing);
      expect(messages(validateCreate(ing))).toEqual(want);
    });
  }
});

describe("TestValidateIngressUpdate", () => {
  const impl = (path: string, backend: any = defaultBackend) => [rule("foo.bar.com", path, "ImplementationSpecific", backend)];
  const res = { resource: resourceBackend };
  const rows: [string, (next: any, old: any) => void, string[]][] = [
    ["class field set", (n) => { n.spec.ingressClassName = "bar"; }, []],
    ["class annotation set", (n) => { n.metadata.annotations = { "kubernetes.io/ingress.class": "foo" }; }, []],
    ["class field and annotation set", (n) => { n.spec.ingressClassName = "bar"; n.metadata.annotations = { "kubernetes.io/ingress.class": "foo" }; }, []],
    ["valid regex path -> valid regex path", (n, o) => { o.spec.rules = impl("/([a-z0-9]*)"); n.spec.rules = impl("/([a-z0-9%]*)"); }, []],
    ["valid regex path -> invalid regex path", (n, o) => { o.spec.rules = impl("/([a-z0-9]*)"); n.spec.rules = impl("/bar["); }, []],
    ["invalid regex path -> valid regex path", (n, o) => { o.spec.rules = impl("/bar["); n.spec.rules = impl("/([a-z0-9]*)"); }, []],
    ["invalid regex path -> invalid regex path", (n, o) => { o.spec.rules = impl("/foo["); n.spec.rules = impl("/bar["); }, []],
    ["new Backend.Resource allowed on update", (n, o) => { o.spec.defaultBackend = clone(defaultBackend); n.spec.defaultBackend = clone(res); }, []],
    ["old DefaultBackend.Resource allowed on update", (n, o) => { o.spec.defaultBackend = clone(res); n.spec.defaultBackend = clone(res); }, []],
    ["changing spec.backend from resource -> no resource", (n, o) => { o.spec.defaultBackend = clone(res); n.spec.defaultBackend = clone(defaultBackend); }, []],
    ["changing path backend from resource -> no resource", (n, o) => { o.spec.rules = impl("/foo[", res); n.spec.rules = impl("/bar["); }, []],
    ["changing path backend from resource -> resource", (n, o) => { o.spec.rules = impl("/foo[", res); n.spec.rules = impl("/bar[", res); }, []],
    ["changing path backend from non-resource -> non-resource", (n, o) => { o.spec.rules = impl("/foo["); n.spec.rules = impl("/bar["); }, []],
    ["changing path backend from non-resource -> resource", (n, o) => { o.spec.rules = impl("/foo["); n.spec.rules = impl("/bar[", res); }, []],
    ["change valid secret -> invalid secret", (n, o) => { o.spec.tls = [{ secretName: "valid" }]; n.spec.tls = [{ secretName: "invalid name" }]; }, [invalidSecret]],
    ["change invalid secret -> invalid secret", (n, o) => { o.spec.tls = [{ secretName: "invalid name 1" }]; n.spec.tls = [{ secretName: "invalid name 2" }]; }, []],
    ["change valid rules with wildcard host -> invalid rules", (n, o) => {
      o.spec.tls = [{ hosts: ["*.bar.com"] }]; o.spec.rules = [rule("*.foo.com", "/foo", "Exact")];
      n.spec.tls = [{ hosts: ["*.bar.com"] }]; n.spec.rules = [rule("*.foo.com", "foo", "Exact")];
    }, ['spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path']],
    ["change invalid rules with wildcard host -> invalid rules", (n, o) => {
      o.spec.tls = [{ hosts: ["*.bar.com"] }]; o.spec.rules = [rule("*.foo.com", "foo", "Exact")];
      n.spec.tls = [{ hosts: ["*.bar.com"] }]; n.spec.rules = [rule("*.foo.com", "bar", "Exact")];
    }, []],
  ];
  for (const [name, tweak, want] of rows) {
    it(name, () => {
      const next = ingressBase();
      const old = ingressBase();
      tweak(next, old);
      expect(messages(validateUpdate(next, old))).toEqual(want);
    });
  }
});

describe("TestValidateIngressClass", () => {
  const ic = (name: string, controller: string, parameters?: any) => ({ kind: "IngressClass", metadata: { name }, spec: { controller, ...(parameters ? { parameters } : {}) } });
  const params = (apiGroup: string | undefined, kind: string, name: string, scope?: string, namespace?: string) => {
    const p: any = { kind, name };
    if (apiGroup !== undefined) p.apiGroup = apiGroup;
    if (scope !== undefined) p.scope = scope;
    if (namespace !== undefined) p.namespace = namespace;
    return p;
  };
  const labelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const rows: [string, any, string[]][] = [
    ["valid name, valid controller", ic("test123", "foo.co/bar"), []],
    ["invalid name, valid controller", ic("test*123", "foo.co/bar"), [`metadata.name: Invalid value: "test*123": ${subdomainMsg}`]],
    ["valid name, empty controller", ic("test123", ""), ["spec.controller: Required value"]],
    ["valid name, controller max length", ic("test123", "foo.co/" + "a".repeat(243)), []],
    ["valid name, controller too long", ic("test123", "foo.co/" + "a".repeat(244)), ["spec.controller: Too long: may not be more than 250 bytes"]],
    ["valid name, valid controller, valid params", ic("test123", "foo.co/bar", params("example.com", "foo", "bar", "Cluster")), []],
    ["valid name, valid controller, invalid params (no kind)", ic("test123", "foo.co/bar", params("example.com", "", "bar", "Cluster")), ["spec.parameters.kind: Required value: kind is required"]],
    ["valid name, valid controller, invalid params (no name)", ic("test123", "foo.co/bar", params("example.com", "foo", "", "Cluster")), ["spec.parameters.name: Required value: name is required"]],
    ["valid name, valid controller, invalid params (bad kind)", ic("test123", "foo.co/bar", params(undefined, "foo/", "bar", "Cluster")), [`spec.parameters.kind: Invalid value: "foo/": may not contain '/'`]],
    ["valid name, valid controller, invalid params (bad scope)", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "bad-scope")), [`spec.parameters.scope: Unsupported value: "bad-scope": supported values: "Cluster", "Namespace"`]],
    ["valid name, valid controller, valid Namespace scope", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "Namespace", "foo-ns")), []],
    ["valid name, valid controller, valid scope, invalid namespace", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "Namespace", "foo_ns")), [`spec.parameters.namespace: Invalid value: "foo_ns": ${labelMsg}`]],
    ["valid name, valid controller, valid Cluster scope", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "Cluster")), []],
    ["valid name, valid controller, invalid scope", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", undefined, "foo_ns")), ["spec.parameters.scope: Required value"]],
    ["namespace not set when scope is Namespace", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "Namespace")), ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]],
    ["namespace is forbidden when scope is Cluster", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "Cluster", "foo-ns")), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]],
    ["empty namespace is forbidden when scope is Cluster", ic("test123", "foo.co/bar", params(undefined, "foo", "bar", "Cluster", "")), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]],
  ];
  for (const [name, obj, want] of rows) it(name, () => expect(messages(validateCreate(obj))).toEqual(want));
});

describe("TestValidateIngressClassUpdate", () => {
  const ic = (controller: string, resourceVersion?: string, parameters?: any) => ({ kind: "IngressClass", metadata: { name: "test123", ...(resourceVersion ? { resourceVersion } : {}) }, spec: { controller, ...(parameters ? { parameters } : {}) } });
  it("name change", () => expect(messages(validateUpdate(ic("foo.co/bar", "2"), ic("foo.co/different")))).toEqual(['spec.controller: Invalid value: "foo.co/bar": field is immutable']));
  it("parameters change", () => expect(messages(validateUpdate(ic("foo.co/bar", "2", { apiGroup: "v1", kind: "ConfigMap", name: "foo", scope: "Namespace", namespace: "bar" }), ic("foo.co/bar")))).toEqual([]));
});

describe("TestValidateIngressTLS and TestValidateEmptyIngressTLS", () => {
  const valid = (host: string, tls: any[], withDefault = true, path = "/foo") => ({
    kind: "Ingress", metadata: { name: "foo", namespace: "default" },
    spec: { ...(withDefault ? { defaultBackend: clone(defaultBackend) } : {}), rules: [rule(host, path, "ImplementationSpecific")], tls },
  });
  it("spec.tls[0].hosts[0]: Invalid value: 'foo.*.bar.com'", () => {
    const errs = validateCreate(valid("*.foo.bar.com", [{ hosts: ["foo.*.bar.com"] }]));
    expect(errs[0]?.field).toBe("spec.tls[0].hosts[0]");
    expect(messages(errs)[0]).toContain(" Invalid value");
  });
  it("spec.tls[0].hosts: Valid value: '*.bar.com'", () => expect(validateCreate(valid("*.bar.com", [{ hosts: ["*.bar.com"] }]))).toEqual([]));
  // TestValidateEmptyIngressTLS: no default backend, a path-less ImplementationSpecific rule, port 443.
  const empty = (tls: any) => ({ kind: "Ingress", metadata: { name: "foo", namespace: "default" }, spec: { rules: [{ host: "foo.bar.com", http: { paths: [{ pathType: "ImplementationSpecific", backend: { service: { name: "defaultbackend", port: { number: 443 } } } }] } }], tls: [tls] } });
  it("an empty TLS entry is valid", () => expect(validateCreate(empty({}))).toEqual([]));
  it("a TLS entry with empty hosts is valid", () => expect(validateCreate(empty({ hosts: [] }))).toEqual([]));
});

describe("TestValidateIngressStatusUpdate", () => {
  const valid = (lb: any) => ({
    kind: "Ingress", metadata: { name: "foo", namespace: "default", resourceVersion: "9" },
    spec: { defaultBackend: clone(defaultBackend), rules: [{ host: "foo.bar.com", http: { paths: [{ path: "/foo", backend: clone(defaultBackend) }] } }] },
    status: { loadBalancer: { ingress: [lb] } },
  });
  const old = valid({ ip: "127.0.0.1", hostname: "foo.bar.com" });
  it("a new IP and hostname are valid", () => expect(validateUpdate(valid({ ip: "127.0.0.2", hostname: "foo.com" }), old, "status")).toEqual([]));
  const errorCases: [string, any][] = [
    ["status.loadBalancer.ingress[0].ip: Invalid value", valid({ ip: "abcd", hostname: "foo.com" })],
    ["status.loadBalancer.ingress[0].hostname: Invalid value", valid({ ip: "127.0.0.1", hostname: "127.0.0.1" })],
  ];
  for (const [k, obj] of errorCases) {
    it(k, () => {
      const errs = validateUpdate(obj, old, "status");
      const [field, text] = k.split(":");
      expect(errs[0]?.field).toBe(field);
      expect(messages(errs)[0]).toContain(text);
    });
  }
});
