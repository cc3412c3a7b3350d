// pkg/kubelet/network/dns/dns_test.go (stored copy 04791b49, of the line with the ExpandedDNSConfig gate):
// TestFormDNSSearchFitsLimits, TestFormDNSNameserversFitsLimits, TestMergeDNSOptions, TestGetPodDNSType,
// TestGetPodDNSCustom; and pkg/kubelet/kubelet_pods_test.go (stored copy 8817320): TestNodeHostsFileContent,
// TestManagedHostsFileContent. Every expectation is the Go row's.
// ExpandedDNSConfig is GA in v1.35 (32 search paths, 2048 characters): the rows run with it on are ported,
// and those with it off whose result is the same under it on; "invalid: 7 search paths" (6 paths, gate off)
// is left out. The event column (DNSConfigForming) is left out: podflow's kubelet records no such event.
// Left out: TestParseResolvConf (podflow's node resolver configuration is fixed, not read from a file),
// TestGetPodDNS (it needs a kubelet with --resolv-conf "", whose fallback podflow does not model) and
// TestGetPodDNSType's invalid-policy row (validation refuses the policy before a kubelet sees it).

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { effectiveDNSPolicy, formDNSNameserversFitsLimits, formDNSSearchFitsLimits, mergeDNSOptions, podDNSConfig } from "./dns.js";
import { managedHostsFileContent, nodeHostsFileContent } from "./containerfiles.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("TestFormDNSSearchFitsLimits", () => {
  // 2048 = 128 + 127 * 15 + 15
  const list2048 = ["A".repeat(128), ...Array.from({ length: 15 }, () => "A".repeat(127))];
  const upTo32 = ["testNS.svc.TEST", "svc.TEST", "TEST", ...Array.from({ length: 29 }, (_, i) => String(i + 4))];
  const rows: [string, string[], string[]][] = [
    ["valid: 3 search paths", ["testNS.svc.TEST", "svc.TEST", "TEST"], ["testNS.svc.TEST", "svc.TEST", "TEST"]],
    ["valid: 5 search paths", ["testNS.svc.TEST", "svc.TEST", "TEST", "AAA", "BBB"], ["testNS.svc.TEST", "svc.TEST", "TEST", "AAA", "BBB"]],
    ["invalid: longer than 256 characters in search path list", ["testNS.svc.TEST", "svc.TEST", "TEST", "AAA", "B".repeat(256), "BBB"], ["testNS.svc.TEST", "svc.TEST", "TEST", "AAA", "BBB"]],
    ["valid ExpandedDNSConfig: 2048 characters in search path list", list2048, list2048],
    ["invalid ExpandedDNSConfig: 2050 characters in search path list", [...list2048, "B"], list2048],
    ["invalid ExpandedDNSConfig: 256 characters search path", ["testNS.svc.TEST", "svc.TEST", "TEST", "AAA", "B".repeat(256), "BBB"], ["testNS.svc.TEST", "svc.TEST", "TEST", "AAA", "BBB"]],
    ["valid ExpandedDNSConfig: 32 search paths", upTo32, upTo32],
    ["invalid ExpandedDNSConfig: 33 search paths", [...upTo32, "33"], upTo32],
  ];
  for (const [name, hostNames, want] of rows) it(name, () => expect(formDNSSearchFitsLimits(hostNames)).toEqual(want));
});

describe("TestFormDNSNameserversFitsLimits", () => {
  const rows: [string, string[], string[]][] = [
    ["valid: 1 nameserver", ["127.0.0.1"], ["127.0.0.1"]],
    ["valid: 3 nameservers", ["127.0.0.1", "10.0.0.10", "8.8.8.8"], ["127.0.0.1", "10.0.0.10", "8.8.8.8"]],
    ["invalid: 4 nameservers, trimmed to 3", ["127.0.0.1", "10.0.0.10", "8.8.8.8", "1.2.3.4"], ["127.0.0.1", "10.0.0.10", "8.8.8.8"]],
  ];
  for (const [name, servers, want] of rows) it(name, () => expect(formDNSNameserversFitsLimits(servers)).toEqual(want));
});

describe("TestMergeDNSOptions", () => {
  // the Go test compares the options as sets ("Options order may be changed after conversion")
  const rows: [string, string[], any[], string[]][] = [
    ["Empty dnsConfigOptions", ["ndots:5", "debug"], [], ["ndots:5", "debug"]],
    ["No duplicated entries", ["ndots:5", "debug"], [{ name: "single-request" }, { name: "attempts", value: "3" }], ["ndots:5", "debug", "single-request", "attempts:3"]],
    ["Overwrite duplicated entries", ["ndots:5", "debug"], [{ name: "ndots", value: "3" }, { name: "debug" }, { name: "single-request" }, { name: "attempts", value: "3" }], ["ndots:3", "debug", "single-request", "attempts:3"]],
  ];
  for (const [name, existing, added, want] of rows) it(name, () => expect(new Set(mergeDNSOptions(existing, added))).toEqual(new Set(want)));
});

describe("TestGetPodDNSType", () => {
  const pod = (dnsPolicy: string, hostNetwork = false) => ({ metadata: { name: "test_pod", namespace: "testNS" }, spec: { dnsPolicy, hostNetwork, containers: [] } }) as unknown as Pod;
  // podDNSCluster, podDNSHost and podDNSNone are ClusterFirst, Default and None here
  const rows: [string, string, boolean, string][] = [
    ["valid DNSClusterFirst without hostnetwork", "ClusterFirst", false, "ClusterFirst"],
    ["valid DNSClusterFirstWithHostNet with hostnetwork", "ClusterFirstWithHostNet", true, "ClusterFirst"],
    ["valid DNSClusterFirstWithHostNet without hostnetwork", "ClusterFirstWithHostNet", false, "ClusterFirst"],
    ["valid DNSDefault without hostnetwork", "Default", false, "Default"],
    ["valid DNSDefault with hostnetwork", "Default", true, "Default"],
    ["DNSClusterFirst with hostnetwork, fallback to DNSDefault", "ClusterFirst", true, "Default"],
    ["valid DNSNone", "None", false, "None"],
  ];
  for (const [name, policy, hostNetwork, want] of rows) it(name, () => expect(effectiveDNSPolicy(pod(policy, hostNetwork))).toBe(want));
});

describe("TestGetPodDNSCustom", () => {
  // the configurer: cluster nameserver 10.0.0.10, domain kubernetes.io, a resolv.conf "nameserver 8.8.8.8 / search host.domain"
  const host = { servers: ["8.8.8.8"], searches: ["host.domain"], options: [] };
  const cluster = { servers: ["10.0.0.10"], domain: "kubernetes.io" };
  const dnsConfig = (nameservers: string[], searches: string[]) => ({ nameservers, searches, options: [{ name: "ndots", value: "3" }, { name: "debug" }] });
  const pod = (dnsPolicy: string, config: any, hostNetwork = false) => ({ metadata: { name: "test_pod", namespace: "testNS" }, spec: { dnsPolicy, hostNetwork, ...(config ? { dnsConfig: config } : {}), containers: [] } }) as unknown as Pod;
  const rows: [string, Pod, { servers: string[]; searches: string[]; options: string[] }][] = [
    ["DNSNone without DNSConfig should have empty DNS settings", pod("None", undefined), { servers: [], searches: [], options: [] }],
    ["DNSNone with DNSConfig should have a merged DNS settings", pod("None", dnsConfig(["203.0.113.1"], ["my.domain", "second.domain"])), { servers: ["203.0.113.1"], searches: ["my.domain", "second.domain"], options: ["ndots:3", "debug"] }],
    ["DNSClusterFirst with DNSConfig should have a merged DNS settings", pod("ClusterFirst", dnsConfig(["10.0.0.11"], ["my.domain"])),
      { servers: ["10.0.0.10", "10.0.0.11"], searches: ["testNS.svc.kubernetes.io", "svc.kubernetes.io", "kubernetes.io", "host.domain", "my.domain"], options: ["ndots:3", "debug"] }],
    ["DNSClusterFirstWithHostNet with DNSConfig should have a merged DNS settings", pod("ClusterFirstWithHostNet", dnsConfig(["10.0.0.11"], ["my.domain"]), true),
      { servers: ["10.0.0.10", "10.0.0.11"], searches: ["testNS.svc.kubernetes.io", "svc.kubernetes.io", "kubernetes.io", "host.domain", "my.domain"], options: ["ndots:3", "debug"] }],
    ["DNSDefault with DNSConfig should have a merged DNS settings", pod("Default", dnsConfig(["10.0.0.11"], ["my.domain"])), { servers: ["8.8.8.8", "10.0.0.11"], searches: ["host.domain", "my.domain"], options: ["ndots:3", "debug"] }],
  ];
  for (const [name, p, want] of rows) {
    it(name, () => {
      const got = podDNSConfig(p, host, cluster);
      expect([got.servers, got.searches]).toEqual([want.servers, want.searches]);
      // dnsConfigsAreEqual compares the options as sets
      expect(new Set(got.options)).toEqual(new Set(want.options));
    });
  }
});

const localhostLines = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

describe("TestNodeHostsFileContent", () => {
  const file1 = `# hosts file for testing.\n${localhostLines}123.45.67.89\tsome.domain\n`;
  const file2 = `# another hosts file for testing.\n${localhostLines}12.34.56.78\tanother.domain\n`;
  const header = "# Kubernetes-managed hosts file (host network).\n";
  const rows: [string, any[], string, string][] = [
    ["hosts_test_file1", [], file1, header + file1],
    ["hosts_test_file2", [], file2, header + file2],
    ["hosts_test_file1_with_host_aliases", [{ ip: "123.45.67.89", hostnames: ["foo", "bar", "baz"] }], file1, `${header}${file1}\n# Entries added by HostAliases.\n123.45.67.89\tfoo\tbar\tbaz\n`],
    ["hosts_test_file2_with_host_aliases", [{ ip: "123.45.67.89", hostnames: ["foo", "bar", "baz"] }, { ip: "456.78.90.123", hostnames: ["park", "doo", "boo"] }], file2,
      `${header}${file2}\n# Entries added by HostAliases.\n123.45.67.89\tfoo\tbar\tbaz\n456.78.90.123\tpark\tdoo\tboo\n`],
  ];
  for (const [name, aliases, raw, want] of rows) it(name, () => expect(nodeHostsFileContent(raw, aliases)).toBe(want));
});

describe("TestManagedHostsFileContent", () => {
  const header = `# Kubernetes-managed hosts file.\n${localhostLines}`;
  const rows: [string, string[], string, string, any[], string][] = [
    ["one IP, no domain", ["123.45.67.89"], "podFoo", "", [], `${header}123.45.67.89\tpodFoo\n`],
    ["one IP with a domain", ["203.0.113.1"], "podFoo", "domainFoo", [], `${header}203.0.113.1\tpodFoo.domainFoo\tpodFoo\n`],
    ["one host alias", ["203.0.113.1"], "podFoo", "domainFoo", [{ ip: "123.45.67.89", hostnames: ["foo", "bar", "baz"] }],
      `${header}203.0.113.1\tpodFoo.domainFoo\tpodFoo\n\n# Entries added by HostAliases.\n123.45.67.89\tfoo\tbar\tbaz\n`],
    ["two host aliases", ["203.0.113.1"], "podFoo", "domainFoo", [{ ip: "123.45.67.89", hostnames: ["foo", "bar", "baz"] }, { ip: "456.78.90.123", hostnames: ["park", "doo", "boo"] }],
      `${header}203.0.113.1\tpodFoo.domainFoo\tpodFoo\n\n# Entries added by HostAliases.\n123.45.67.89\tfoo\tbar\tbaz\n456.78.90.123\tpark\tdoo\tboo\n`],
    ["dual-stack IPs", ["203.0.113.1", "fd00::6"], "podFoo", "domainFoo", [], `${header}203.0.113.1\tpodFoo.domainFoo\tpodFoo\nfd00::6\tpodFoo.domainFoo\tpodFoo\n`],
  ];
  for (const [name, ips, hostName, domain, aliases, want] of rows) it(name, () => expect(managedHostsFileContent(ips, hostName, domain, aliases)).toBe(want));
});
