// Address tables of pkg/apis/core/validation/validation_test.go (000f2605): TestPodIPsValidation and
// TestHostIPsValidation (a pods/status write from every row's pod as the old object), TestValidateNodeCIDRs
// (a Node create) and TestValidateNonSpecialIP (an Endpoints address, where ValidateNonSpecialIP judges
// it). The Go tables say only "fails" or "passes", and are checked so.

import { describe, it, expect } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { makeContainer } from "./testing.js";


const statusPod = (name: string, status: any) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns", resourceVersion: "1" },
  spec: { containers: [makeContainer("ctr", (c) => (c.image = "image"))], restartPolicy: "Always", dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30 },
  status,
});
const ipRows = (kind: "podIPs" | "hostIPs"): [string, string[] | undefined, boolean][] => [
  ["nil-ips", undefined, false],
  [kind === "podIPs" ? "empty-podips-list" : "empty-HostIPs-list", [], false],
  ["single-ip-family-6", ["::1"], false],
  ["single-ip-family-4", ["1.1.1.1"], false],
  ["dual-stack-4-6", ["1.1.1.1", "::1"], false],
  ["dual-stack-6-4", ["::1", "1.1.1.1"], false],
  ["invalid-pod-ip", ["this-is-not-an-ip"], true],
  ["dualstack-same-ip-family-6", ["::1", "::2"], true],
  ["dualstack-same-ip-family-4", ["1.1.1.1", "2.2.2.2"], true],
  ["dualstack-repeated-ip-family-6", ["1.1.1.1", "::1", "::2"], true],
  ["dualstack-repeated-ip-family-4", ["1.1.1.1", "::1", "2.2.2.2"], true],
  ["dualstack-duplicate-ip-family-4", ["1.1.1.1", "1.1.1.1", "::1"], true],
  ["dualstack-duplicate-ip-family-6", ["1.1.1.1", "::1", "::1"], true],
];

for (const kind of ["podIPs", "hostIPs"] as const) {
  // makePod / makePodWithHostIPs: hostIP is hostIPs[0], as the kubelet reports it.
  const status = (ips: string[] | undefined) => (ips === undefined ? {} : kind === "podIPs" ? { podIPs: ips.map((ip) => ({ ip })) } : { hostIPs: ips.map((ip) => ({ ip })), ...(ips.length > 0 ? { hostIP: ips[0] } : {}) });
  const rows = ipRows(kind);
  describe(kind === "podIPs" ? "TestPodIPsValidation" : "TestHostIPsValidation", () => {
    for (const [name, ips, fails] of rows) {
      it(`${name}, against every row's pod as the old one`, () => {
        for (const [, oldIPs] of rows) {
          const errs = validateUpdate(statusPod(name, status(ips)), statusPod(name, status(oldIPs)), "status");
          if (fails) expect(errs.length).toBeGreaterThan(0);
          else expect(errs).toEqual([]);
        }
      });
    }
  });
}

describe("TestValidateNodeCIDRs", () => {
  const node = (name: string, podCIDRs?: string[]) => ({
    apiVersion: "v1", kind: "Node", metadata: { name }, spec: podCIDRs === undefined ? {} : { podCIDRs },
    status: { addresses: [{ type: "ExternalIP", address: "something" }], capacity: { cpu: "10", memory: "0" } },
  });
  const rows: [string, string[] | undefined, boolean][] = [
    ["nil-pod-cidr", undefined, false],
    ["empty-pod-cidr", [], false],
    ["single-pod-cidr-4", ["192.168.0.0/16"], false],
    ["single-pod-cidr-6", ["2000::/10"], false],
    ["multi-pod-cidr-6-4", ["2000::/10", "192.168.0.0/16"], false],
    ["multi-pod-cidr-4-6", ["192.168.0.0/16", "2000::/10"], false],
    ["invalid-pod-cidr", ["this-is-not-a-valid-cidr"], true],
    ["duplicate-pod-cidr-4", ["10.0.0.1/16", "10.0.0.1/16"], true],
    ["duplicate-pod-cidr-6", ["2000::/10", "2000::/10"], true],
    ["not-a-dualstack-no-v4", ["2000::/10", "3000::/10"], true],
    ["not-a-dualstack-no-v6", ["10.0.0.0/16", "10.1.0.0/16"], true],
    ["not-a-dualstack-repeated-v6", ["2000::/10", "10.0.0.0/16", "3000::/10"], true],
    ["not-a-dualstack-repeated-v4", ["10.0.0.0/16", "3000::/10", "10.1.0.0/16"], true],
  ];
  for (const [name, cidrs, fails] of rows) {
    it(name, () => {
      const errs = validateCreate(node(name, cidrs));
      if (fails) expect(errs.length).toBeGreaterThan(0);
      else expect(errs).toEqual([]);
    });
  }
});

describe("TestValidateNonSpecialIP (an Endpoints address)", () => {
  const ep = (ip: string) => ({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "e", namespace: "default" }, subsets: [{ addresses: [{ ip }], ports: [{ port: 80, protocol: "TCP" }] }] });
  const valid: [string, string][] = [["ipv4", "10.1.2.3"], ["ipv4 class E", "244.1.2.3"], ["ipv6", "2000::1"]];
  for (const [name, ip] of valid) it(`${name} (${ip}) is accepted`, () => expect(validateCreate(ep(ip))).toEqual([]));
  const invalid: [string, string][] = [["ipv4 unspecified", "0.0.0.0"], ["ipv6 unspecified", "::0"], ["ipv4 localhost", "127.0.0.0"], ["ipv4 localhost", "127.255.255.255"], ["ipv6 localhost", "::1"], ["ipv6 link local", "fe80::"], ["ipv6 local multicast", "ff02::"]];
  for (const [name, ip] of invalid) {
    it(`${name} (${ip}) is refused at the address`, () => {
      const errs = validateCreate(ep(ip));
      expect(errs.length).toBeGreaterThan(0);
      expect(errs.every((e) => e.field === "subsets[0].addresses[0].ip")).toBe(true);
    });
  }
});
