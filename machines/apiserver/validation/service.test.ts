import { describe, it, expect } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

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
    expect(messages(validateUpdate(next, old))).toEqual(['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']);
  });
});

// Rows of TestValidateServiceCreate (the session affinity, external IP, appProtocol and dual-stack
// cases); like the Go table, each edit is made to a valid Service and counts the errors.
describe("ValidateService: affinity, external IPs, appProtocol, families", () => {
  const cases: [string, (s: any) => void, string[]][] = [
    ["a ClientIP timeout of 0 is invalid", (s) => Object.assign(s, { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }), [
      "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"]],
    ["a ClientIP timeout over a day is invalid", (s) => Object.assign(s, { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }), [
      "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400"]],
    ["a ClientIP affinity without its config", (s) => Object.assign(s, { sessionAffinity: "ClientIP", sessionAffinityConfig: undefined }), ["spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"]],
    ["a ClientIP affinity config without clientIP", (s) => Object.assign(s, { sessionAffinity: "ClientIP", sessionAffinityConfig: {} }), ["spec.sessionAffinityConfig.clientIP: Required value: when session affinity type is ClientIP"]],
    ["sessionAffinityConfig can't be set when session affinity is None", (s) => Object.assign(s, { sessionAffinity: "None", sessionAffinityConfig: { clientIP: { timeoutSeconds: 90 } } }), [
      "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"]],
    ["an unknown session affinity", (s) => (s.sessionAffinity = "Sticky"), ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
    ["invalid externalIPs: not an IP", (s) => Object.assign(s, { externalTrafficPolicy: "Cluster", externalIPs: ["www.google.com"] }), ['spec.externalIPs[0]: Invalid value: "www.google.com": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ["invalid externalIPs: unspecified", (s) => Object.assign(s, { externalTrafficPolicy: "Cluster", externalIPs: ["0.0.0.0"] }), ['spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']],
    ["invalid externalIPs: loopback", (s) => Object.assign(s, { externalTrafficPolicy: "Cluster", externalIPs: ["127.0.0.1"] }), ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ["invalid externalIPs: link-local", (s) => Object.assign(s, { externalTrafficPolicy: "Cluster", externalIPs: ["169.254.169.254"] }), ['spec.externalIPs[0]: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ["invalid externalIPs: link-local multicast", (s) => Object.assign(s, { externalTrafficPolicy: "Cluster", externalIPs: ["224.0.0.1"] }), ['spec.externalIPs[0]: Invalid value: "224.0.0.1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']],
    ["valid externalIPs", (s) => Object.assign(s, { externalIPs: ["1.2.3.4", "2001:db8::1"], externalTrafficPolicy: "Cluster" }), []],
    ["valid appProtocol", (s) => (s.ports[0].appProtocol = "HTTP"), []],
    ["valid domain-prefixed appProtocol", (s) => (s.ports[0].appProtocol = "example.com/protocol"), []],
    ["invalid appProtocol", (s) => (s.ports[0].appProtocol = "example.com/protocol_with{invalid}[characters]"), [
      `spec.ports[0].appProtocol: Invalid value: "example.com/protocol_with{invalid}[characters]": name part a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`.replace("name part a valid label key", "name part")]],
    ["an unknown ipFamilyPolicy", (s) => (s.ipFamilyPolicy = "Whatever"), ['spec.ipFamilyPolicy: Unsupported value: "Whatever": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"']],
    ["an unknown ipFamily", (s) => (s.ipFamilies = ["IPv5"]), ['spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"']],
    ["duplicate ipFamilies", (s) => (s.ipFamilies = ["IPv4", "IPv4"]), ['spec.ipFamilies[1]: Duplicate value: "IPv4"']],
    ["a cluster IP of the wrong family", (s) => Object.assign(s, { clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.1"], ipFamilies: ["IPv6"] }), ['spec.clusterIPs[0]: Invalid value: "10.0.0.1": expected an IPv6 value as indicated by `ipFamilies[0]`']],
    ["two cluster IPs of one family", (s) => Object.assign(s, { clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.1", "10.0.0.2"], ipFamilies: ["IPv4", "IPv6"] }), [
      'spec.clusterIPs: Invalid value: ["10.0.0.1","10.0.0.2"]: may specify no more than one IP for each IP family',
      'spec.clusterIPs[1]: Invalid value: "10.0.0.2": expected an IPv6 value as indicated by `ipFamilies[1]`']],
    ["clusterIPs[0] must match clusterIP", (s) => Object.assign(s, { clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.2"] }), ['spec.clusterIPs: Invalid value: ["10.0.0.2"]: first value must match `clusterIP`']],
    ["'None' must be the only cluster IP", (s) => Object.assign(s, { clusterIP: "None", clusterIPs: ["None", "10.0.0.1"] }), ['spec.clusterIPs: Invalid value: ["None","10.0.0.1"]: \'None\' must be the first and only value']],
    // legacy fields: out of canonical form only warns (GetWarningsForService); no address is refused
    ["a cluster IP out of canonical form", (s) => Object.assign(s, { clusterIP: "2001:DB8::1", clusterIPs: ["2001:DB8::1"], ipFamilies: ["IPv6"] }), []],
    ["a cluster IP that is no address", (s) => Object.assign(s, { clusterIP: "10.0.0.256", clusterIPs: ["10.0.0.256"] }), ['spec.clusterIPs[0]: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ["two ports on one protocol and port", (s) => (s.ports = [{ name: "a", port: 80, protocol: "TCP", targetPort: 80 }, { name: "b", port: 80, protocol: "TCP", targetPort: 81 }]), [
      'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}']],
    ["loadBalancerSourceRanges only on LoadBalancers", (s) => (s.loadBalancerSourceRanges = ["10.0.0.0/8"]), ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    // without StrictIPCIDRValidation (v1.35) host bits and leading zeros only warn
    ["a LoadBalancer source range must be a CIDR", (s) => Object.assign(s, { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true, loadBalancerSourceRanges: ["10.0.0.1/8", "010.0.0.0/8", "bad", "10.0.0.0/33"] }), [
      'spec.LoadBalancerSourceRanges[2]: Invalid value: "bad": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.LoadBalancerSourceRanges[3]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ["a LoadBalancer needs allocateLoadBalancerNodePorts (reported without spec.)", (s) => Object.assign(s, { type: "LoadBalancer", externalTrafficPolicy: "Cluster" }), ["allocateLoadBalancerNodePorts: Required value"]],
    ["loadBalancerClass only on LoadBalancers", (s) => (s.loadBalancerClass = "example.com/lb"), ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ["a healthCheckNodePort needs a Local LoadBalancer", (s) => (s.healthCheckNodePort = 30000), ["spec.healthCheckNodePort: Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const svc = service();
      edit(svc.spec);
      expect(messages(validateCreate(svc))).toEqual(want);
    });
  }
});

// Rows of TestValidateServiceUpdate: the cluster IP never changes once set, except to or from ExternalName.
describe("ValidateServiceUpdate (TestValidateServiceUpdate)", () => {
  const base = () => {
    const s = service();
    s.metadata.uid = "u";
    s.metadata.resourceVersion = "1";
    return s;
  };
  const cases: [string, (o: any, n: any) => void, number][] = [
    ["`None` ClusterIP can NOT be removed", (o, n) => {
      Object.assign(o, { clusterIP: "None", clusterIPs: ["None"] });
      Object.assign(n, { clusterIP: "", clusterIPs: undefined });
    }, 1],
    ["ClusterIP can NOT be changed to None", (o, n) => {
      Object.assign(o, { clusterIP: "1.2.3.4", clusterIPs: ["1.2.3.4"] });
      Object.assign(n, { clusterIP: "None", clusterIPs: ["None"] });
    }, 1],
    ["Service with ClusterIP type cannot change its set ClusterIP", (o, n) => {
      Object.assign(o, { clusterIP: "1.2.3.4", clusterIPs: ["1.2.3.4"] });
      Object.assign(n, { clusterIP: "1.2.3.5", clusterIPs: ["1.2.3.5"] });
    }, 1],
    ["Service with ClusterIP type can change its empty ClusterIP", (o, n) => {
      Object.assign(o, { clusterIP: "", clusterIPs: undefined });
      Object.assign(n, { clusterIP: "1.2.3.5", clusterIPs: ["1.2.3.5"] });
    }, 0],
    ["Service with ClusterIP type cannot change its set ClusterIP when changing type to NodePort", (o, n) => {
      Object.assign(o, { clusterIP: "1.2.3.4", clusterIPs: ["1.2.3.4"] });
      Object.assign(n, { type: "NodePort", externalTrafficPolicy: "Cluster", clusterIP: "1.2.3.5", clusterIPs: ["1.2.3.5"] });
    }, 1],
    ["Service with ClusterIP type can change its empty ClusterIP when changing type to LoadBalancer", (o, n) => {
      Object.assign(o, { clusterIP: "", clusterIPs: undefined });
      Object.assign(n, { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true, clusterIP: "1.2.3.5", clusterIPs: ["1.2.3.5"] });
    }, 0],
    ["Service with LoadBalancer type can change its AllocateLoadBalancerNodePorts from true to false", (o, n) => {
      Object.assign(o, { type: "LoadBalancer", allocateLoadBalancerNodePorts: true });
      Object.assign(n, { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: false });
    }, 0],
    ["Service with ExternalName type can change its set ClusterIP when changing type to ClusterIP", (o, n) => {
      Object.assign(o, { type: "ExternalName", clusterIP: "1.2.3.4", clusterIPs: ["1.2.3.4"] });
      Object.assign(n, { type: "ClusterIP", clusterIP: "1.2.3.5", clusterIPs: ["1.2.3.5"] });
    }, 0],
    ["invalid: convert to ExternalName keeping IPs, families and policy", (o, n) => {
      Object.assign(o, { clusterIP: "10.0.0.10", clusterIPs: ["10.0.0.10"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" });
      Object.assign(n, { type: "ExternalName", externalName: "foo", clusterIP: "10.0.0.10", clusterIPs: ["10.0.0.10"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", internalTrafficPolicy: undefined });
    }, 3],
    ["valid: convert to ExternalName", (o, n) => {
      Object.assign(o, { clusterIP: "10.0.0.10", clusterIPs: ["10.0.0.10"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" });
      Object.assign(n, { type: "ExternalName", externalName: "foo", clusterIP: "", clusterIPs: undefined, ipFamilies: undefined, ipFamilyPolicy: undefined, internalTrafficPolicy: undefined });
    }, 0],
    ["same ServiceIPFamily, change IPFamilyPolicy singleStack => requireDualStack", (o, n) => {
      Object.assign(o, { ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] });
      Object.assign(n, { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4"] });
    }, 0],
    ["the primary ipFamily may not change", (o, n) => {
      Object.assign(o, { clusterIP: "", clusterIPs: undefined, ipFamilies: ["IPv4"] });
      Object.assign(n, { clusterIP: "", clusterIPs: undefined, ipFamilies: ["IPv6"] });
    }, 1],
  ];
  for (const [name, tweak, numErrs] of cases) {
    it(name, () => {
      const old = base();
      const next = structuredClone(old);
      tweak(old.spec, next.spec);
      for (const s of [old.spec, next.spec]) for (const k of Object.keys(s)) if (s[k] === undefined) delete s[k];
      expect(validateUpdate(next, old)).toHaveLength(numErrs);
    });
  }
});
