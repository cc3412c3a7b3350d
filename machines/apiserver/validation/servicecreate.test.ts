// TestValidateServiceCreate and TestValidateServiceExternalTrafficPolicy (pkg/apis/core/validation/
// validation_test.go, v1.35), transcribed row by row: each row tweaks makeValidService() and counts
// the errors, as the Go table does.

import { describe, it, expect } from "vitest";
import { validateCreate } from "./index.js";
import { validateExternalTrafficPolicy } from "./service.js";
import { aggregate, makeValidService } from "./testing.js";


type Tweak = (s: any) => void;
const port = (name: string, p: number, protocol: string, targetPort: number | string, nodePort?: number) => ({ name, port: p, protocol, targetPort, ...(nodePort ? { nodePort } : {}) });
const lb = (allocate = true): Tweak => (s) => Object.assign(s.spec, { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: allocate });
const nodePortType: Tweak = (s) => Object.assign(s.spec, { type: "NodePort", externalTrafficPolicy: "Cluster" });
const both = (...tweaks: Tweak[]): Tweak => (s) => tweaks.forEach((t) => t(s));
const addPorts = (...ports: any[]): Tweak => (s) => s.spec.ports.push(...ports);
const ips = (policy: string | undefined, clusterIPs?: string[], families?: string[], clusterIP = clusterIPs?.[0]): Tweak => (s) => {
  if (policy) s.spec.ipFamilyPolicy = policy;
  if (clusterIPs) Object.assign(s.spec, { clusterIP, clusterIPs });
  if (families) s.spec.ipFamilies = families;
};
const headless: Tweak = (s) => Object.assign(s.spec, { clusterIP: "None", clusterIPs: ["None"] });
const externalName = (name: string): Tweak => (s) => Object.assign(s.spec, { type: "ExternalName", externalName: name });
const annotate = (k: string, v: string): Tweak => (s) => (s.metadata.annotations[k] = v);
const lbRanges = "service.beta.kubernetes.io/load-balancer-source-ranges";

const rows: [string, Tweak, number][] = [
  ["missing namespace", (s) => (s.metadata.namespace = ""), 1],
  ["invalid namespace", (s) => (s.metadata.namespace = "-123"), 1],
  ["missing name", (s) => (s.metadata.name = ""), 1],
  ["invalid name", (s) => (s.metadata.name = "-123"), 1],
  ["too long name", (s) => (s.metadata.name = "a".repeat(64)), 1],
  ["invalid generateName", (s) => (s.metadata.generateName = "-123"), 1],
  ["too long generateName", (s) => (s.metadata.generateName = "a".repeat(64)), 1],
  ["invalid label", (s) => (s.metadata.labels["NoUppercaseOrSpecialCharsLike=Equals"] = "bar"), 1],
  ["invalid annotation", (s) => (s.metadata.annotations["NoSpecialCharsLike=Equals"] = "bar"), 1],
  ["nil selector", (s) => delete s.spec.selector, 0],
  ["invalid selector", (s) => (s.spec.selector["NoSpecialCharsLike=Equals"] = "bar"), 1],
  ["missing session affinity", (s) => (s.spec.sessionAffinity = ""), 1],
  ["missing type", (s) => (s.spec.type = ""), 1],
  ["missing ports", (s) => delete s.spec.ports, 1],
  ["missing ports but headless", both((s) => delete s.spec.ports, headless), 0],
  ["empty port[0] name", (s) => (s.spec.ports[0].name = ""), 0],
  ["empty port[1] name", addPorts(port("", 12345, "TCP", 12345)), 1],
  ["empty multi-port port[0] name", both((s) => (s.spec.ports[0].name = ""), addPorts(port("p", 12345, "TCP", 12345))), 1],
  ["invalid port name", (s) => (s.spec.ports[0].name = "INVALID"), 1],
  ["missing protocol", (s) => (s.spec.ports[0].protocol = ""), 1],
  ["invalid protocol", (s) => (s.spec.ports[0].protocol = "INVALID"), 1],
  ["invalid cluster ip", ips(undefined, ["invalid"]), 1],
  ["missing port", (s) => (s.spec.ports[0].port = 0), 1],
  ["invalid port", (s) => (s.spec.ports[0].port = 65536), 1],
  ["invalid TargetPort int", (s) => (s.spec.ports[0].targetPort = 65536), 1],
  ["valid port headless", both((s) => Object.assign(s.spec.ports[0], { port: 11722, targetPort: 11722 }), headless), 0],
  ["invalid port headless 1 (tolerated in v1)", both((s) => Object.assign(s.spec.ports[0], { port: 11722, targetPort: 11721 }), headless), 0],
  ["invalid port headless 2 (tolerated in v1)", both((s) => Object.assign(s.spec.ports[0], { port: 11722, targetPort: "target" }), headless), 0],
  ...([["localhost", "127.0.0.1"], ["unspecified", "0.0.0.0"], ["loopback", "127.0.0.1"], ["host", "myhost.mydomain"]] as const).map(([n, ip]): [string, Tweak, number] => [`invalid publicIPs ${n}`, (s) => Object.assign(s.spec, { externalTrafficPolicy: "Cluster", externalIPs: [ip] }), 1]),
  ["valid publicIPs", (s) => Object.assign(s.spec, { externalTrafficPolicy: "Cluster", externalIPs: ["1.2.3.4"] }), 0],
  ["dup port name", both((s) => (s.spec.ports[0].name = "p"), addPorts(port("p", 12345, "TCP", 12345))), 1],
  ["valid load balancer protocol UDP 1", both(lb(), (s) => (s.spec.ports[0].protocol = "UDP")), 0],
  ["valid load balancer protocol UDP 2", both(lb(), (s) => (s.spec.ports[0] = port("q", 12345, "UDP", 12345))), 0],
  ["load balancer with mix protocol", both(lb(), addPorts(port("q", 12345, "UDP", 12345))), 0],
  ["valid 1", () => {}, 0],
  ["valid 2", (s) => Object.assign(s.spec.ports[0], { protocol: "UDP", targetPort: 12345 }), 0],
  ["valid 3", (s) => (s.spec.ports[0].targetPort = "http"), 0],
  ["valid cluster ip - none", headless, 0],
  ["valid cluster ip - empty", (s) => { delete s.spec.clusterIPs; s.spec.ports[0].targetPort = "http"; }, 0],
  ["valid type - clusterIP", (s) => (s.spec.type = "ClusterIP"), 0],
  ["valid type - loadbalancer", lb(), 0],
  ["valid type - loadbalancer with allocateLoadBalancerNodePorts=false", lb(false), 0],
  ["invalid type - missing AllocateLoadBalancerNodePorts for loadbalancer type", (s) => Object.assign(s.spec, { type: "LoadBalancer", externalTrafficPolicy: "Cluster" }), 1],
  ["valid type loadbalancer 2 ports", both(lb(), addPorts(port("q", 12345, "TCP", 12345))), 0],
  ["duplicate nodeports", both(nodePortType, addPorts(port("q", 1, "TCP", 1, 1), port("r", 2, "TCP", 2, 1))), 1],
  ["duplicate nodeports (different protocols)", both(nodePortType, addPorts(port("q", 1, "TCP", 1, 1), port("r", 2, "UDP", 2, 1), port("s", 3, "SCTP", 3, 1))), 0],
  ["invalid duplicate ports (with same protocol)", addPorts(port("q", 12345, "TCP", 8080), port("r", 12345, "TCP", 80)), 1],
  ["valid duplicate ports (with different protocols)", addPorts(port("q", 12345, "TCP", 8080), port("r", 12345, "UDP", 80), port("s", 12345, "SCTP", 8088)), 0],
  ["valid type - nodeport", nodePortType, 0],
  ["valid type loadbalancer with NodePort", both(lb(), addPorts(port("q", 12345, "TCP", 12345, 12345))), 0],
  ["valid type=NodePort service with NodePort", both(nodePortType, addPorts(port("q", 12345, "TCP", 12345, 12345))), 0],
  ["valid type=NodePort service without NodePort", both(nodePortType, addPorts(port("q", 12345, "TCP", 12345))), 0],
  ["valid cluster service without NodePort", addPorts(port("q", 12345, "TCP", 12345)), 0],
  ["invalid cluster service with NodePort", addPorts(port("q", 12345, "TCP", 12345, 12345)), 1],
  ["invalid public service with duplicate NodePort", both(nodePortType, addPorts(port("p1", 1, "TCP", 1, 1), port("p2", 2, "TCP", 2, 1))), 1],
  ["valid port type=LoadBalancer", both(lb(), addPorts(port("kubelet", 10250, "TCP", 12345))), 0],
  ["valid LoadBalancer source range annotation", both(lb(), annotate(lbRanges, "1.2.3.0/24,  5.6.0.0/16")), 0],
  ["valid empty LoadBalancer source range annotation", both(lb(), annotate(lbRanges, "")), 0],
  ["valid whitespace-only LoadBalancer source range annotation", both(lb(), annotate(lbRanges, "  ")), 0],
  ["invalid LoadBalancer source range annotation (hostname)", both(lb(), annotate(lbRanges, "foo.bar")), 1],
  ["invalid LoadBalancer source range annotation (invalid CIDR)", both(lb(), annotate(lbRanges, "1.2.3.4/33")), 1],
  ["invalid LoadBalancer source range annotation for non LoadBalancer type service", annotate(lbRanges, "1.2.3.0/24"), 1],
  ["invalid empty-but-set LoadBalancer source range annotation for non LoadBalancer type service", annotate(lbRanges, ""), 1],
  ["valid LoadBalancer source range", both(lb(), (s) => (s.spec.loadBalancerSourceRanges = ["1.2.3.0/24", "5.6.0.0/16"])), 0],
  ["valid LoadBalancer source range with whitespace", both(lb(), (s) => (s.spec.loadBalancerSourceRanges = ["1.2.3.0/24  ", " 5.6.0.0/16"])), 0],
  ["invalid empty LoadBalancer source range", both(lb(), (s) => (s.spec.loadBalancerSourceRanges = ["   "])), 1],
  ["invalid LoadBalancer source range (hostname)", both(lb(), (s) => (s.spec.loadBalancerSourceRanges = ["foo.bar"])), 1],
  ["invalid LoadBalancer source range (invalid CIDR)", both(lb(), (s) => (s.spec.loadBalancerSourceRanges = ["1.2.3.4/33"])), 1],
  ["invalid source range for non LoadBalancer type service", (s) => (s.spec.loadBalancerSourceRanges = ["1.2.3.0/24", "5.6.0.0/16"]), 1],
  ["invalid source range annotation ignored with valid source range field", both(lb(), annotate(lbRanges, "foo.bar"), (s) => (s.spec.loadBalancerSourceRanges = ["1.2.3.0/24", "5.6.0.0/16"])), 0],
  ["valid ExternalName", externalName("foo.bar.example.com"), 0],
  ["valid ExternalName (trailing dot)", externalName("foo.bar.example.com."), 0],
  ["invalid ExternalName clusterIP (valid IP)", both(externalName("foo.bar.example.com"), ips(undefined, ["1.2.3.4"])), 1],
  ["invalid ExternalName clusterIP (None)", both(externalName("foo.bar.example.com"), headless), 1],
  ["invalid ExternalName (not a DNS name)", externalName("-123"), 1],
  ["LoadBalancer type cannot have None ClusterIP", both(headless, lb()), 1],
  ["invalid node port with clusterIP None", both(nodePortType, addPorts(port("q", 1, "TCP", 1, 1)), headless), 1],
  ["invalid externalTraffic field", (s) => Object.assign(s.spec, { type: "LoadBalancer", allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "invalid" }), 1],
  ["nil internalTraffic field when feature gate is on", (s) => delete s.spec.internalTrafficPolicy, 1],
  ["internalTrafficPolicy field nil when type is ExternalName", both((s) => delete s.spec.internalTrafficPolicy, externalName("foo.bar.com")), 0],
  ["internalTrafficPolicy field is set when type is ExternalName", both((s) => (s.spec.internalTrafficPolicy = "Cluster"), externalName("foo.bar.com")), 0],
  ["invalid internalTraffic field", (s) => (s.spec.internalTrafficPolicy = "invalid"), 1],
  ["internalTrafficPolicy field set to Cluster", (s) => (s.spec.internalTrafficPolicy = "Cluster"), 0],
  ["internalTrafficPolicy field set to Local", (s) => (s.spec.internalTrafficPolicy = "Local"), 0],
  ["negative healthCheckNodePort field", (s) => Object.assign(s.spec, { type: "LoadBalancer", allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "Local", healthCheckNodePort: -1 }), 1],
  ["positive healthCheckNodePort field", (s) => Object.assign(s.spec, { type: "LoadBalancer", allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "Local", healthCheckNodePort: 31100 }), 0],
  ["invalid timeoutSeconds field", (s) => Object.assign(s.spec, { type: "ClusterIP", sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: -1 } } }), 1],
  ["sessionAffinityConfig can't be set when session affinity is None", both(lb(), (s) => Object.assign(s.spec, { sessionAffinity: "None", sessionAffinityConfig: { clientIP: { timeoutSeconds: 90 } } })), 1],
  ["invalid, service with invalid ipFamilies", ips(undefined, undefined, ["not-a-valid-ip-family"]), 1],
  ["invalid, service with invalid ipFamilies (2nd)", ips("RequireDualStack", undefined, ["IPv4", "not-a-valid-ip-family"]), 1],
  ["IPFamilyPolicy(singleStack) is set for two families (checked by the allocator)", ips("SingleStack", undefined, ["IPv4", "IPv6"]), 0],
  ["valid, IPFamilyPolicy(preferDualStack) is set for two families", ips("PreferDualStack", undefined, ["IPv4", "IPv6"]), 0],
  ["invalid, service with 2+ ipFamilies", ips("RequireDualStack", undefined, ["IPv4", "IPv6", "IPv4"]), 1],
  ["invalid, service with same ip families", ips("RequireDualStack", undefined, ["IPv6", "IPv6"]), 1],
  ["valid, nil service ipFamilies", (s) => delete s.spec.ipFamilies, 0],
  ["valid, service with valid ipFamilies (v4)", ips(undefined, undefined, ["IPv4"]), 0],
  ["valid, service with valid ipFamilies (v6)", ips(undefined, undefined, ["IPv6"]), 0],
  ["valid, service with valid ipFamilies(v4,v6)", ips("RequireDualStack", undefined, ["IPv4", "IPv6"]), 0],
  ["valid, service with valid ipFamilies(v6,v4)", ips("RequireDualStack", undefined, ["IPv6", "IPv4"]), 0],
  ["valid, service preferred dual stack with single family", ips("PreferDualStack", undefined, ["IPv6"]), 0],
  ["invalid, garbage single ip", ips(undefined, ["garbage-ip"]), 1],
  ["invalid, garbage ips", ips("RequireDualStack", ["garbage-ip", "garbage-second-ip"]), 2],
  ["invalid, garbage first ip", ips("RequireDualStack", ["garbage-ip", "2001::1"]), 1],
  ["invalid, garbage second ip", ips("RequireDualStack", ["2001::1", "garbage-ip"]), 1],
  ["invalid, NONE + IP", ips("RequireDualStack", ["None", "2001::1"]), 1],
  ["invalid, IP + NONE", ips("RequireDualStack", ["2001::1", "None"]), 1],
  ["invalid, EMPTY STRING + IP", ips("RequireDualStack", ["", "2001::1"]), 2],
  ["invalid, IP + EMPTY STRING", ips("RequireDualStack", ["2001::1", ""]), 1],
  ["invalid, same ip family (v6)", ips("RequireDualStack", ["2001::1", "2001::4"], ["IPv4", "IPv6"]), 2],
  ["invalid, same ip family (v4)", ips("RequireDualStack", ["10.0.0.1", "10.0.0.10"], ["IPv4", "IPv6"]), 2],
  ["invalid, more than two ips", ips("RequireDualStack", ["10.0.0.1", "2001::1", "10.0.0.10"], ["IPv4", "IPv6"]), 1],
  ["multi ip, dualstack not set (request for downgrade)", ips("SingleStack", ["10.0.0.1", "2001::1"], ["IPv4", "IPv6"]), 0],
  ["valid, headless-no-selector + multi family + gate off", both(ips("RequireDualStack", ["None"], ["IPv4", "IPv6"]), (s) => delete s.spec.selector), 0],
  ["valid, multi ip, single ipfamilies preferDualStack", ips("PreferDualStack", ["10.0.0.1", "2001::1"], ["IPv4"]), 0],
  ["valid, multi ip, single ipfamilies (must match when provided) + requireDualStack", ips("RequireDualStack", ["10.0.0.1", "2001::1"], ["IPv4"]), 0],
  ["invalid, families don't match (v4=>v6)", ips(undefined, ["10.0.0.1"], ["IPv6"]), 1],
  ["invalid, families don't match (v6=>v4)", ips(undefined, ["2001::1"], ["IPv4"]), 1],
  ["valid. no field set", () => {}, 0],
  ["valid, single ip", ips("SingleStack", ["10.0.0.1"]), 0],
  ["valid, single family", ips("SingleStack", undefined, ["IPv6"]), 0],
  ["valid, single ip + single family", ips("SingleStack", ["2001::1"], ["IPv6"]), 0],
  ["valid, single ip + single family (dual stack requested)", ips("PreferDualStack", ["2001::1"], ["IPv6"]), 0],
  ["valid, single ip, multi ipfamilies", ips("RequireDualStack", ["10.0.0.1"], ["IPv4", "IPv6"]), 0],
  ["valid, multi ips, multi ipfamilies (4,6)", ips("RequireDualStack", ["10.0.0.1", "2001::1"], ["IPv4", "IPv6"]), 0],
  ["valid, ips, multi ipfamilies (6,4)", ips("RequireDualStack", ["2001::1", "10.0.0.1"], ["IPv6", "IPv4"]), 0],
  ["valid, multi ips (6,4)", ips("RequireDualStack", ["2001::1", "10.0.0.1"]), 0],
  ["valid, multi ipfamilies (6,4)", ips("RequireDualStack", undefined, ["IPv6", "IPv4"]), 0],
  ["valid, multi ips (4,6)", ips("RequireDualStack", ["10.0.0.1", "2001::1"]), 0],
  ["valid,  multi ipfamilies (4,6)", ips("RequireDualStack", undefined, ["IPv4", "IPv6"]), 0],
  ["valid, dual stack", ips("RequireDualStack"), 0],
  ["valid appProtocol", (s) => (s.spec.ports = [{ port: 12345, targetPort: 12345, protocol: "TCP", appProtocol: "HTTP" }]), 0],
  ["valid custom appProtocol", (s) => (s.spec.ports = [{ port: 12345, targetPort: 12345, protocol: "TCP", appProtocol: "example.com/protocol" }]), 0],
  ["invalid appProtocol", (s) => (s.spec.ports = [{ port: 12345, targetPort: 12345, protocol: "TCP", appProtocol: "example.com/protocol_with{invalid}[characters]" }]), 1],
  ["invalid cluster ip != clusterIP in multi ip service", ips("RequireDualStack", ["10.0.0.1", "2001::1"], undefined, "10.0.0.10"), 1],
  ["invalid cluster ip != clusterIP in single ip service", ips(undefined, ["10.0.0.1"], undefined, "10.0.0.10"), 1],
  ["Use AllocateLoadBalancerNodePorts when type is not LoadBalancer", (s) => (s.spec.allocateLoadBalancerNodePorts = true), 1],
  ["valid LoadBalancerClass when type is LoadBalancer", both(lb(), (s) => (s.spec.loadBalancerClass = "test.com/test-load-balancer-class")), 0],
  ["invalid LoadBalancerClass", both(lb(), (s) => (s.spec.loadBalancerClass = "Bad/LoadBalancerClass")), 1],
  ["invalid: set LoadBalancerClass when type is not LoadBalancer", (s) => Object.assign(s.spec, { type: "ClusterIP", loadBalancerClass: "test.com/test-load-balancer-class" }), 1],
  ["topology annotations are mismatched", both(annotate("service.kubernetes.io/topology-aware-hints", "original"), annotate("service.kubernetes.io/topology-mode", "different")), 1],
  ["valid: trafficDistribution field set to PreferClose", (s) => (s.spec.trafficDistribution = "PreferClose"), 0],
  ["invalid: trafficDistribution field set to Random", (s) => (s.spec.trafficDistribution = "Random"), 1],
];

describe("TestValidateServiceCreate", () => {
  for (const [name, tweak, numErrs] of rows) {
    it(`${name}: ${numErrs} error(s)`, () => {
      const svc = makeValidService();
      tweak(svc);
      const errs = validateCreate(svc);
      expect(errs.length, aggregate(errs)).toBe(numErrs);
    });
  }
});

describe("TestValidateServiceExternalTrafficPolicy", () => {
  const cases: [string, Tweak, number][] = [
    ["valid loadBalancer service with externalTrafficPolicy and healthCheckNodePort set", (s) => Object.assign(s.spec, { type: "LoadBalancer", allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "Local", healthCheckNodePort: 34567 }), 0],
    ["valid nodePort service with externalTrafficPolicy set", (s) => Object.assign(s.spec, { type: "NodePort", externalTrafficPolicy: "Local" }), 0],
    ["valid clusterIP service with none of externalTrafficPolicy and healthCheckNodePort set", (s) => (s.spec.type = "ClusterIP"), 0],
    ["cannot set healthCheckNodePort field on loadBalancer service with externalTrafficPolicy!=Local", (s) => Object.assign(s.spec, { type: "LoadBalancer", allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "Cluster", healthCheckNodePort: 34567 }), 1],
    ["cannot set healthCheckNodePort field on nodePort service", (s) => Object.assign(s.spec, { type: "NodePort", externalTrafficPolicy: "Local", healthCheckNodePort: 34567 }), 1],
    ["cannot set externalTrafficPolicy or healthCheckNodePort fields on clusterIP service", (s) => Object.assign(s.spec, { type: "ClusterIP", externalTrafficPolicy: "Local", healthCheckNodePort: 34567 }), 2],
    ["cannot set externalTrafficPolicy field on ExternalName service", (s) => Object.assign(s.spec, { type: "ExternalName", externalTrafficPolicy: "Local" }), 1],
    ["externalTrafficPolicy is required on NodePort service", (s) => (s.spec.type = "NodePort"), 1],
    ["externalTrafficPolicy is required on LoadBalancer service", (s) => (s.spec.type = "LoadBalancer"), 1],
    ["externalTrafficPolicy is required on ClusterIP service with externalIPs", (s) => Object.assign(s.spec, { type: "ClusterIP", externalIPs: ["1.2.3,4"] }), 1],
  ];
  for (const [name, tweak, numErrs] of cases) {
    it(`${name}: ${numErrs} error(s)`, () => {
      const svc = makeValidService();
      tweak(svc);
      const errs = validateExternalTrafficPolicy(svc.spec);
      expect(errs.length, aggregate(errs)).toBe(numErrs);
    });
  }
});
