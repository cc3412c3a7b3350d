// TestValidateServiceUpdate (pkg/apis/core/validation/validation_test.go, v1.35), transcribed row by
// row: each row tweaks two copies of makeValidService() (old, new) and counts the errors.

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { aggregate, makeValidService } from "./testing.js";


type Tweak = (s: any) => void;
const spec = (fields: any): Tweak => (s) => {
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) delete s.spec[k];
    else s.spec[k] = v;
  }
};
const ip = (...clusterIPs: string[]) => ({ clusterIP: clusterIPs[0] ?? "", clusterIPs: clusterIPs.length ? clusterIPs : undefined });
const lbOld = { type: "LoadBalancer", allocateLoadBalancerNodePorts: true };
const lbNew = { type: "LoadBalancer", externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true };
const npNew = { type: "NodePort", externalTrafficPolicy: "Cluster" };
const dual = "RequireDualStack";
const single = "SingleStack";

// [name, old tweak, new tweak, numErrs]
const rows: [string, Tweak, Tweak, number][] = [
  ["no change", () => {}, () => {}, 0],
  ["change name", () => {}, (s) => (s.metadata.name += "2"), 1],
  ["change namespace", () => {}, (s) => (s.metadata.namespace += "2"), 1],
  ["change label valid", () => {}, (s) => (s.metadata.labels.key = "other-value"), 0],
  ["add label", () => {}, (s) => (s.metadata.labels.key2 = "value2"), 0],
  ["change cluster IP", spec(ip("1.2.3.4")), spec(ip("8.6.7.5")), 1],
  ["remove cluster IP", spec(ip("1.2.3.4")), spec(ip()), 1],
  ["change affinity", () => {}, spec({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 90 } } }), 0],
  ["remove affinity", () => {}, spec({ sessionAffinity: "" }), 1],
  ["change type", () => {}, spec(lbNew), 0],
  ["remove type", () => {}, spec({ type: "" }), 1],
  ["change type -> nodeport", () => {}, spec(npNew), 0],
  ["add loadBalancerSourceRanges", spec(lbOld), spec({ ...lbNew, loadBalancerSourceRanges: ["10.0.0.0/8"] }), 0],
  ["update loadBalancerSourceRanges", spec({ ...lbOld, loadBalancerSourceRanges: ["10.0.0.0/8"] }), spec({ ...lbNew, loadBalancerSourceRanges: ["10.100.0.0/16"] }), 0],
  ["LoadBalancer type cannot have None ClusterIP", () => {}, spec({ ...ip("None"), ...lbNew }), 1],
  ["`None` ClusterIP can NOT be changed", spec({ type: "ClusterIP", ...ip("None") }), spec({ type: "ClusterIP", ...ip("1.2.3.4") }), 1],
  ["`None` ClusterIP can NOT be removed", spec(ip("None")), spec(ip()), 1],
  ["ClusterIP can NOT be changed to None", spec(ip("1.2.3.4")), spec(ip("None")), 1],
  ["Service with ClusterIP type cannot change its set ClusterIP", spec({ type: "ClusterIP", ...ip("1.2.3.4") }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 1],
  ["Service with ClusterIP type can change its empty ClusterIP", spec({ type: "ClusterIP", ...ip() }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 0],
  ["Service with ClusterIP type cannot change its set ClusterIP when changing type to NodePort", spec({ type: "ClusterIP", ...ip("1.2.3.4") }), spec({ ...npNew, ...ip("1.2.3.5") }), 1],
  ["Service with ClusterIP type can change its empty ClusterIP when changing type to NodePort", spec({ type: "ClusterIP", ...ip() }), spec({ ...npNew, ...ip("1.2.3.5") }), 0],
  ["Service with ClusterIP type cannot change its ClusterIP when changing type to LoadBalancer", spec({ type: "ClusterIP", ...ip("1.2.3.4") }), spec({ ...lbNew, ...ip("1.2.3.5") }), 1],
  ["Service with ClusterIP type can change its empty ClusterIP when changing type to LoadBalancer", spec({ type: "ClusterIP", ...ip() }), spec({ ...lbNew, ...ip("1.2.3.5") }), 0],
  ["Service with LoadBalancer type can change its AllocateLoadBalancerNodePorts from true to false", spec(lbOld), spec({ ...lbNew, allocateLoadBalancerNodePorts: false }), 0],
  ["Service with LoadBalancer type can change its AllocateLoadBalancerNodePorts from false to true", spec({ ...lbOld, allocateLoadBalancerNodePorts: false }), spec(lbNew), 0],
  ["Service with NodePort type cannot change its set ClusterIP", spec({ type: "NodePort", ...ip("1.2.3.4") }), spec({ ...npNew, ...ip("1.2.3.5") }), 1],
  ["Service with NodePort type can change its empty ClusterIP", spec({ type: "NodePort", ...ip() }), spec({ ...npNew, ...ip("1.2.3.5") }), 0],
  ["Service with NodePort type cannot change its set ClusterIP when changing type to ClusterIP", spec({ type: "NodePort", ...ip("1.2.3.4") }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 1],
  ["Service with NodePort type can change its empty ClusterIP when changing type to ClusterIP", spec({ type: "NodePort", ...ip() }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 0],
  ["Service with NodePort type cannot change its set ClusterIP when changing type to LoadBalancer", spec({ type: "NodePort", ...ip("1.2.3.4") }), spec({ ...lbNew, ...ip("1.2.3.5") }), 1],
  ["Service with NodePort type can change its empty ClusterIP when changing type to LoadBalancer", spec({ type: "NodePort", ...ip() }), spec({ ...lbNew, ...ip("1.2.3.5") }), 0],
  ["Service with LoadBalancer type cannot change its set ClusterIP", spec({ ...lbOld, ...ip("1.2.3.4") }), spec({ ...lbNew, ...ip("1.2.3.5") }), 1],
  ["Service with LoadBalancer type can change its empty ClusterIP", spec({ ...lbOld, ...ip() }), spec({ ...lbNew, ...ip("1.2.3.5") }), 0],
  ["Service with LoadBalancer type cannot change its set ClusterIP when changing type to ClusterIP", spec({ ...lbOld, ...ip("1.2.3.4") }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 1],
  ["Service with LoadBalancer type can change its empty ClusterIP when changing type to ClusterIP", spec({ ...lbOld, ...ip() }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 0],
  ["Service with LoadBalancer type cannot change its set ClusterIP when changing type to NodePort", spec({ ...lbOld, ...ip("1.2.3.4") }), spec({ ...npNew, ...ip("1.2.3.5") }), 1],
  ["Service with LoadBalancer type can change its empty ClusterIP when changing type to NodePort", spec({ ...lbOld, ...ip() }), spec({ ...npNew, ...ip("1.2.3.5") }), 0],
  ["Service with ExternalName type can change its empty ClusterIP when changing type to ClusterIP", spec({ type: "ExternalName", ...ip() }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 0],
  ["Service with ExternalName type can change its set ClusterIP when changing type to ClusterIP", spec({ type: "ExternalName", ...ip("1.2.3.4") }), spec({ type: "ClusterIP", ...ip("1.2.3.5") }), 0],
  ["invalid node port with clusterIP None", (s) => { spec({ type: "NodePort", ...ip() })(s); s.spec.ports.push({ name: "q", port: 1, protocol: "TCP", nodePort: 1, targetPort: 1 }); },
    (s) => { spec({ ...npNew, ...ip("None") })(s); s.spec.ports.push({ name: "q", port: 1, protocol: "TCP", nodePort: 1, targetPort: 1 }); }, 1],
  ["convert from ExternalName", spec({ type: "ExternalName" }), spec({ type: "ClusterIP" }), 0],
  ["invalid: convert to ExternalName", spec({ type: "ClusterIP", ...ip("10.0.0.10"), ipFamilies: ["IPv4"], ipFamilyPolicy: single }), spec({ type: "ExternalName", externalName: "foo", ...ip("10.0.0.10"), ipFamilies: ["IPv4"], ipFamilyPolicy: single }), 3],
  ["valid: convert to ExternalName", spec({ type: "ClusterIP", ...ip("10.0.0.10"), ipFamilies: ["IPv4"], ipFamilyPolicy: single }), spec({ type: "ExternalName", externalName: "foo" }), 0],
  ["same ServiceIPFamily", spec({ type: "ClusterIP", ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ipFamilies: ["IPv4"] }), 0],
  ["same ServiceIPFamily, change IPFamilyPolicy to singleStack", spec({ type: "ClusterIP", ipFamilyPolicy: undefined, ipFamilies: ["IPv4"] }), spec({ ipFamilyPolicy: single, type: "ClusterIP", ipFamilies: ["IPv4"] }), 0],
  ["same ServiceIPFamily, change IPFamilyPolicy singleStack => requireDualStack", spec({ type: "ClusterIP", ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), spec({ ipFamilyPolicy: dual, type: "ClusterIP", ipFamilies: ["IPv4"] }), 0],
  ["add a new ServiceIPFamily", spec({ ipFamilyPolicy: dual, type: "ClusterIP", ipFamilies: ["IPv4"] }), spec({ ipFamilyPolicy: dual, type: "ClusterIP", ipFamilies: ["IPv4", "IPv6"] }), 0],
  ["ExternalName while changing Service IPFamily", spec({ externalName: "somename", type: "ExternalName" }), spec({ externalName: "somename", type: "ExternalName" }), 0],
  ["setting ipfamily from nil to v4", spec({ ipFamilies: undefined }), spec({ externalName: "somename", ipFamilies: ["IPv4"] }), 0],
  ["setting ipfamily from nil to v6", spec({ ipFamilies: undefined }), spec({ externalName: "somename", ipFamilies: ["IPv6"] }), 0],
  ["change primary ServiceIPFamily", spec({ ...ip("1.2.3.4"), type: "ClusterIP", ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilies: ["IPv6"] }), 2],
  // The Go row sets the old service's policy twice (the second time to RequireDualStack); the new one keeps none.
  ["valid: upgrade to dual stack with requiredDualStack", spec({ ...ip("1.2.3.4"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilies: ["IPv4"] }), 0],
  ["valid: upgrade to dual stack with preferDualStack", spec({ ...ip("1.2.3.4"), type: "ClusterIP", ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilyPolicy: "PreferDualStack", ipFamilies: ["IPv4"] }), 0],
  ["valid: upgrade to dual stack, no specific secondary ip", spec({ ...ip("1.2.3.4"), type: "ClusterIP", ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), 0],
  ["valid: upgrade to dual stack, with specific secondary ip", spec({ ...ip("1.2.3.4"), type: "ClusterIP", ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4", "2001::1"), ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), 0],
  ["valid: downgrade from dual to single", spec({ ...ip("1.2.3.4", "2001::1"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), 0],
  ["valid: change families for a headless service", spec({ ...ip("None"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("None"), ipFamilyPolicy: dual, ipFamilies: ["IPv6", "IPv4"] }), 0],
  ["valid: upgrade a headless service", spec({ ...ip("None"), type: "ClusterIP", ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("None"), ipFamilyPolicy: dual, ipFamilies: ["IPv6", "IPv4"] }), 0],
  ["valid: downgrade a headless service", spec({ ...ip("None"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("None"), ipFamilyPolicy: single, ipFamilies: ["IPv6"] }), 0],
  ["invalid flip families", spec({ clusterIP: "1.2.3.40", clusterIPs: ["1.2.3.4", "2001::1"], type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("2001::1", "1.2.3.5"), ipFamilyPolicy: dual, ipFamilies: ["IPv6", "IPv4"] }), 4],
  ["invalid change first ip, in dualstack service", spec({ ...ip("1.2.3.4", "2001::1"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("1.2.3.5", "2001::1"), ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), 1],
  ["invalid, change second ip in dualstack service", spec({ ...ip("1.2.3.4", "2001::1"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4", "2002::1"), ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), 1],
  ["downgrade keeping the families (trimmed by the strategy)", spec({ ...ip("1.2.3.4", "2001::1"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilyPolicy: single, ipFamilies: ["IPv4", "IPv6"] }), 0],
  ["invalid, downgrade without changing to singleStack", spec({ ...ip("1.2.3.4", "2001::1"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("1.2.3.4"), ipFamilyPolicy: dual, ipFamilies: ["IPv4"] }), 2],
  ["invalid, downgrade and change primary ip", spec({ ...ip("1.2.3.4", "2001::1"), type: "ClusterIP", ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), spec({ type: "ClusterIP", ...ip("1.2.3.5"), ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), 1],
  ["invalid: upgrade to dual stack and change primary", spec({ ...ip("1.2.3.4"), type: "ClusterIP", ipFamilyPolicy: single, ipFamilies: ["IPv4"] }), spec({ type: "ClusterIP", ...ip("1.2.3.5"), ipFamilyPolicy: dual, ipFamilies: ["IPv4", "IPv6"] }), 1],
  ["update to valid app protocol", spec({ ports: [{ name: "a", port: 443, targetPort: 3000, protocol: "TCP" }] }), spec({ ports: [{ name: "a", port: 443, targetPort: 3000, protocol: "TCP", appProtocol: "https" }] }), 0],
  ["update to invalid app protocol", spec({ ports: [{ name: "a", port: 443, targetPort: 3000, protocol: "TCP" }] }), spec({ ports: [{ name: "a", port: 443, targetPort: 3000, protocol: "TCP", appProtocol: "~https" }] }), 1],
  ["Set AllocateLoadBalancerNodePorts when type is not LoadBalancer", () => {}, spec({ allocateLoadBalancerNodePorts: true }), 1],
  ["update LoadBalancer type of service without change LoadBalancerClass", spec({ ...lbOld, loadBalancerClass: "test.com/test-old" }), spec({ ...lbNew, loadBalancerClass: "test.com/test-old" }), 0],
  ["invalid: change LoadBalancerClass when update service", spec({ ...lbOld, loadBalancerClass: "test.com/test-old" }), spec({ ...lbNew, loadBalancerClass: "test.com/test-new" }), 1],
  ["invalid: unset LoadBalancerClass when update service", spec({ ...lbOld, loadBalancerClass: "test.com/test-old" }), spec({ ...lbNew, loadBalancerClass: undefined }), 1],
  ["invalid: set LoadBalancerClass when update service", spec({ ...lbOld, loadBalancerClass: undefined }), spec({ ...lbNew, loadBalancerClass: "test.com/test-new" }), 1],
  ["update to LoadBalancer type of service with valid LoadBalancerClass", spec({ type: "ClusterIP" }), spec({ ...lbNew, loadBalancerClass: "test.com/test-load-balancer-class" }), 0],
  ["update to LoadBalancer type of service without LoadBalancerClass", spec({ type: "ClusterIP" }), spec({ ...lbNew, loadBalancerClass: undefined }), 0],
  ["invalid: set invalid LoadBalancerClass when update service to LoadBalancer", spec({ type: "ClusterIP" }), spec({ ...lbNew, loadBalancerClass: "Bad/LoadBalancerclass" }), 2],
  ["invalid: set LoadBalancerClass when update service to non LoadBalancer type of service (ClusterIP)", spec({ type: "ClusterIP" }), spec({ type: "ClusterIP", loadBalancerClass: "test.com/test-load-balancer-class" }), 2],
  ["invalid: set LoadBalancerClass when update service to non LoadBalancer type of service (ExternalName)", spec({ type: "ExternalName" }), spec({ type: "ExternalName", loadBalancerClass: "test.com/test-load-balancer-class" }), 3],
  ["invalid: set LoadBalancerClass when update service to non LoadBalancer type of service (NodePort)", spec({ type: "NodePort" }), spec({ ...npNew, loadBalancerClass: "test.com/test-load-balancer-class" }), 2],
  ["invalid: set LoadBalancerClass when update from LoadBalancer service to ClusterIP", spec({ ...lbOld, loadBalancerClass: "test.com/test-load-balancer-class" }), spec({ type: "ClusterIP", loadBalancerClass: "test.com/test-load-balancer-class" }), 2],
  ["invalid: set LoadBalancerClass when update from LoadBalancer service to ExternalName", spec({ ...lbOld, loadBalancerClass: "test.com/test-load-balancer-class" }), spec({ type: "ExternalName", loadBalancerClass: "test.com/test-load-balancer-class" }), 3],
  ["invalid: set LoadBalancerClass when update from LoadBalancer service to NodePort", spec({ ...lbOld, loadBalancerClass: "test.com/test-load-balancer-class" }), spec({ ...npNew, loadBalancerClass: "test.com/test-load-balancer-class" }), 2],
  ["update internalTrafficPolicy from Cluster to Local", spec({ internalTrafficPolicy: "Cluster" }), spec({ internalTrafficPolicy: "Local" }), 0],
  ["update internalTrafficPolicy from Local to Cluster", spec({ internalTrafficPolicy: "Local" }), spec({ internalTrafficPolicy: "Cluster" }), 0],
  ["topology annotations are mismatched", () => {}, (s) => Object.assign(s.metadata.annotations, { "service.kubernetes.io/topology-aware-hints": "original", "service.kubernetes.io/topology-mode": "different" }), 1],
];

describe("TestValidateServiceUpdate", () => {
  for (const [name, tweakOld, tweakNew, numErrs] of rows) {
    it(`${name}: ${numErrs} error(s)`, () => {
      const old = makeValidService();
      const next = makeValidService();
      tweakOld(old);
      tweakNew(next);
      const errs = validateUpdate(next, old);
      expect(errs.length, aggregate(errs)).toBe(numErrs);
    });
  }
});
