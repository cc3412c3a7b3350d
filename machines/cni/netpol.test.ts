// The NetworkPolicy semantics table: each row a connection and whether a policy-enforcing plugin
// lets it through, from the NetworkPolicy API reference (networking/v1 NetworkPolicySpec, Peer,
// Port, IPBlock), the concepts page's examples (network-policies: default deny, allow all,
// test-network-policy, multi-port-egress) and kube-network-policies' evaluator
// (pkg/networkpolicy: evaluatePolicyDirection, evaluateSelectors, evaluatePorts, evaluateIPBlocks).

import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import { connectionAllowed, egressAllowed, ingressAllowed, type Connection, type PodInfo } from "./netpol.js";

const pod = (name: string, namespace: string, labels: Record<string, string>, nsLabels: Record<string, string> = {}, ports: PodInfo["ports"] = []): PodInfo => ({
  name, namespace, labels, namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...nsLabels }, ports, hostIP: "172.18.0.2",
});

const np = (name: string, namespace: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });

const nginx = pod("nginx", "default", { app: "nginx" }, {}, [{ name: "http", port: 80, protocol: "TCP" }]);
const busybox = pod("busybox", "default", { run: "busybox" });
const access = pod("busybox", "default", { run: "busybox", access: "true" });
const db = pod("db", "default", { role: "db" }, {}, [{ port: 6379, protocol: "TCP" }]);
const frontend = pod("frontend", "default", { role: "frontend" });
const otherNsFrontend = pod("frontend", "other", { role: "frontend" });
const projectPod = pod("web", "myproject-ns", { app: "web" }, { project: "myproject" });
const projectFrontend = pod("frontend", "myproject-ns", { role: "frontend" }, { project: "myproject" });

const tcp = (srcIP: string, dstIP: string, dstPort: number): Connection => ({ srcIP, dstIP, dstPort, protocol: "TCP" });

// declare-network-policy's access-nginx (as its note describes it: it selects app=nginx)
const accessNginx = np("access-nginx", "default", { podSelector: { matchLabels: { app: "nginx" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { access: "true" } } }] }] });
// concepts/services-networking/network-policies: networkpolicy.yaml (test-network-policy)
const testNetworkPolicy = np("test-network-policy", "default", {
  podSelector: { matchLabels: { role: "db" } },
  policyTypes: ["Ingress", "Egress"],
  ingress: [{ from: [{ ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } }, { namespaceSelector: { matchLabels: { project: "myproject" } } }, { podSelector: { matchLabels: { role: "frontend" } } }], ports: [{ protocol: "TCP", port: 6379 }] }],
  egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 5978 }] }],
});
const defaultDenyIngress = np("default-deny-ingress", "default", { podSelector: {}, policyTypes: ["Ingress"] });
const defaultDenyEgress = np("default-deny-egress", "default", { podSelector: {}, policyTypes: ["Egress"] });
const allowAllIngress = np("allow-all-ingress", "default", { podSelector: {}, ingress: [{}], policyTypes: ["Ingress"] });
const defaultDenyAll = np("default-deny-all", "default", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const multiPortEgress = np("multi-port-egress", "default", { podSelector: { matchLabels: { role: "db" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }] });

interface Row {
  what: string;
  policies: NetworkPolicy[];
  conn: Connection;
  src?: PodInfo;
  dst?: PodInfo;
  allowed: boolean;
}

const rows: Row[] = [
  { what: "no policy selects either pod: everything is allowed", policies: [], conn: tcp("10.244.0.5", "10.244.1.3", 80), src: busybox, dst: nginx, allowed: true },
  { what: "access-nginx: a pod without access=true is not let in", policies: [accessNginx], conn: tcp("10.244.0.5", "10.244.1.3", 80), src: busybox, dst: nginx, allowed: false },
  { what: "access-nginx: a pod labelled access=true is let in", policies: [accessNginx], conn: tcp("10.244.0.6", "10.244.1.3", 80), src: access, dst: nginx, allowed: true },
  { what: "access-nginx selects only app=nginx: traffic to another pod is not restricted", policies: [accessNginx], conn: tcp("10.244.0.5", "10.244.1.9", 6379), src: busybox, dst: db, allowed: true },
  { what: "a bare podSelector peer selects only pods of the policy's own namespace", policies: [accessNginx], conn: tcp("10.244.0.7", "10.244.1.3", 80), src: pod("x", "other", { access: "true" }), dst: nginx, allowed: false },
  { what: "traffic from the pod's own node is always let in", policies: [defaultDenyIngress], conn: tcp("172.18.0.2", "10.244.1.3", 80), dst: nginx, allowed: true },
  { what: "default-deny-ingress isolates every pod of the namespace", policies: [defaultDenyIngress], conn: tcp("10.244.0.5", "10.244.1.3", 80), src: busybox, dst: nginx, allowed: false },
  { what: "default-deny-ingress does not restrict egress", policies: [defaultDenyIngress], conn: tcp("10.244.0.5", "10.96.0.1", 443), src: busybox, allowed: true },
  { what: "default-deny-ingress does not reach another namespace's pods", policies: [defaultDenyIngress], conn: tcp("10.244.0.5", "10.244.2.4", 80), src: busybox, dst: otherNsFrontend, allowed: true },
  { what: "allow-all-ingress beside default-deny-ingress: policies are additive, the empty rule allows all", policies: [defaultDenyIngress, allowAllIngress], conn: tcp("10.244.0.5", "10.244.1.3", 80), src: busybox, dst: nginx, allowed: true },
  { what: "default-deny-egress: a selected pod cannot send anywhere", policies: [defaultDenyEgress], conn: tcp("10.244.0.5", "10.244.1.3", 80), src: busybox, dst: nginx, allowed: false },
  { what: "default-deny-egress: nor to an address outside the cluster", policies: [defaultDenyEgress], conn: tcp("10.244.0.5", "93.184.216.34", 80), src: busybox, allowed: false },
  { what: "default-deny-egress isolates senders, not receivers: an outside client gets in", policies: [defaultDenyEgress], conn: tcp("192.168.5.5", "10.244.1.3", 80), dst: nginx, allowed: true },
  { what: "default-deny-all: both directions", policies: [defaultDenyAll], conn: tcp("10.244.0.5", "10.244.2.4", 80), src: busybox, dst: otherNsFrontend, allowed: false },
  { what: "test-network-policy: role=frontend of its namespace on 6379", policies: [testNetworkPolicy], conn: tcp("10.244.0.8", "10.244.1.9", 6379), src: frontend, dst: db, allowed: true },
  { what: "test-network-policy: the port must match (6380 is refused)", policies: [testNetworkPolicy], conn: tcp("10.244.0.8", "10.244.1.9", 6380), src: frontend, dst: db, allowed: false },
  { what: "test-network-policy: the port's protocol must match (UDP 6379 is refused)", policies: [testNetworkPolicy], conn: { srcIP: "10.244.0.8", dstIP: "10.244.1.9", dstPort: 6379, protocol: "UDP" }, src: frontend, dst: db, allowed: false },
  { what: "test-network-policy: role=frontend of another namespace is not a podSelector peer", policies: [testNetworkPolicy], conn: tcp("10.244.2.8", "10.244.1.9", 6379), src: otherNsFrontend, dst: db, allowed: false },
  { what: "test-network-policy: any pod of a namespace labelled project=myproject", policies: [testNetworkPolicy], conn: tcp("10.244.2.9", "10.244.1.9", 6379), src: projectPod, dst: db, allowed: true },
  { what: "test-network-policy: an address of 172.17.0.0/16", policies: [testNetworkPolicy], conn: tcp("172.17.0.9", "10.244.1.9", 6379), dst: db, allowed: true },
  { what: "test-network-policy: but not one of the except block 172.17.1.0/24", policies: [testNetworkPolicy], conn: tcp("172.17.1.9", "10.244.1.9", 6379), dst: db, allowed: false },
  { what: "test-network-policy: egress to 10.0.0.0/24 on 5978", policies: [testNetworkPolicy], conn: tcp("10.244.1.9", "10.0.0.7", 5978), src: db, allowed: true },
  { what: "test-network-policy: egress to 10.0.0.0/24 on another port is refused", policies: [testNetworkPolicy], conn: tcp("10.244.1.9", "10.0.0.7", 80), src: db, allowed: false },
  { what: "test-network-policy: egress outside 10.0.0.0/24 is refused (DNS included)", policies: [testNetworkPolicy], conn: { srcIP: "10.244.1.9", dstIP: "10.244.0.3", dstPort: 53, protocol: "UDP" }, src: db, dst: pod("coredns", "kube-system", { "k8s-app": "kube-dns" }), allowed: false },
  { what: "multi-port-egress: 32000 to 32768 inclusive (32768)", policies: [multiPortEgress], conn: tcp("10.244.1.9", "10.0.0.7", 32768), src: db, allowed: true },
  { what: "multi-port-egress: the range's first port (32000)", policies: [multiPortEgress], conn: tcp("10.244.1.9", "10.0.0.7", 32000), src: db, allowed: true },
  { what: "multi-port-egress: past the range (32769)", policies: [multiPortEgress], conn: tcp("10.244.1.9", "10.0.0.7", 32769), src: db, allowed: false },
];

describe("NetworkPolicy semantics: the docs' examples", () => {
  for (const r of rows) {
    it(r.what, () => {
      expect(connectionAllowed(r.policies, r.conn, { ...(r.src ? { src: r.src } : {}), ...(r.dst ? { dst: r.dst } : {}) })).toBe(r.allowed);
    });
  }
});

describe("NetworkPolicy peers and ports (the API reference)", () => {
  const both = np("both", "default", { podSelector: { matchLabels: { role: "db" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { project: "myproject" } }, podSelector: { matchLabels: { role: "frontend" } } }] }] });
  it("namespaceSelector and podSelector in one peer: the pods matching podSelector in the selected namespaces", () => {
    expect(ingressAllowed([both], tcp("10.244.2.5", "10.244.1.9", 6379), { src: projectFrontend, dst: db })).toBe(true);
    expect(ingressAllowed([both], tcp("10.244.2.9", "10.244.1.9", 6379), { src: projectPod, dst: db })).toBe(false);
    expect(ingressAllowed([both], tcp("10.244.0.8", "10.244.1.9", 6379), { src: frontend, dst: db })).toBe(false);
  });

  it("namespaceSelector {} selects every namespace's pods, and only pods (not an outside address)", () => {
    const anyNs = np("any", "default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(ingressAllowed([anyNs], tcp("10.244.2.8", "10.244.1.3", 80), { src: otherNsFrontend, dst: nginx })).toBe(true);
    expect(ingressAllowed([anyNs], tcp("192.168.5.5", "10.244.1.3", 80), { dst: nginx })).toBe(false);
  });

  it("a named port matches the destination pod's container port of that name and protocol", () => {
    const named = np("named", "default", { podSelector: { matchLabels: { app: "nginx" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "http" }] }] });
    expect(ingressAllowed([named], tcp("10.244.0.5", "10.244.1.3", 80), { src: busybox, dst: nginx })).toBe(true);
    expect(ingressAllowed([named], tcp("10.244.0.5", "10.244.1.3", 8080), { src: busybox, dst: nginx })).toBe(false);
    // egress: resolved against the pod the connection goes to; an address that is no pod has no named ports
    const namedOut = np("named-out", "default", { podSelector: { matchLabels: { run: "busybox" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: "http" }] }] });
    expect(egressAllowed([namedOut], tcp("10.244.0.5", "10.244.1.3", 80), { src: busybox, dst: nginx })).toBe(true);
    expect(egressAllowed([namedOut], tcp("10.244.0.5", "93.184.216.34", 80), { src: busybox })).toBe(false);
  });

  it("a port entry without a port allows every port of its protocol", () => {
    const anyUdp = np("udp", "default", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP" }] }] });
    expect(egressAllowed([anyUdp], { srcIP: "10.244.0.5", dstIP: "10.96.0.10", dstPort: 53, protocol: "UDP" }, { src: busybox })).toBe(true);
    expect(egressAllowed([anyUdp], tcp("10.244.0.5", "10.96.0.10", 53), { src: busybox })).toBe(false);
  });

  it("ingress: [] with policyTypes Ingress denies all; egress rules without to allow every destination", () => {
    const none = np("none", "default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [] });
    expect(ingressAllowed([none], tcp("10.244.0.5", "10.244.1.3", 80), { src: busybox, dst: nginx })).toBe(false);
    const allOut = np("all-out", "default", { podSelector: {}, egress: [{}], policyTypes: ["Egress"] });
    expect(egressAllowed([defaultDenyEgress, allOut], tcp("10.244.0.5", "93.184.216.34", 80), { src: busybox })).toBe(true);
  });

  it("policyTypes unset: Ingress, plus Egress when there are egress rules (SetDefaults_NetworkPolicy)", () => {
    const onlyIngress = np("i", "default", { podSelector: {} });
    expect(egressAllowed([onlyIngress], tcp("10.244.0.5", "93.184.216.34", 80), { src: busybox })).toBe(true);
    expect(ingressAllowed([onlyIngress], tcp("10.244.0.5", "10.244.1.3", 80), { src: busybox, dst: nginx })).toBe(false);
    const withEgress = np("e", "default", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }] });
    expect(egressAllowed([withEgress], tcp("10.244.0.5", "93.184.216.34", 80), { src: busybox })).toBe(false);
  });

  it("egress needs the source's policy and ingress the destination's: both must allow", () => {
    const out = np("out", "default", { podSelector: { matchLabels: { run: "busybox" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "nginx" } } }] }] });
    expect(connectionAllowed([out], tcp("10.244.0.5", "10.244.1.3", 80), { src: busybox, dst: nginx })).toBe(true);
    expect(connectionAllowed([out, accessNginx], tcp("10.244.0.5", "10.244.1.3", 80), { src: busybox, dst: nginx })).toBe(false);
    expect(connectionAllowed([out], tcp("10.244.0.5", "10.244.1.9", 6379), { src: busybox, dst: db })).toBe(false);
  });
});
