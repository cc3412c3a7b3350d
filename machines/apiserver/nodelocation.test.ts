import { describe, expect, it } from "vitest";
import { isGlobalUnicast, kubeletConnection, nodeProxyLocation } from "./nodelocation.js";
import { parseIPSloppy } from "../common/ip.js";

const node = (addresses: unknown, port?: unknown) => ({ status: { addresses, ...(port === undefined ? {} : { daemonEndpoints: { kubeletEndpoint: { Port: port } } }) } });

describe("kubeletConnection: GetPreferredNodeAddress with kubeadm's InternalIP,ExternalIP,Hostname and the reported port", () => {
  it.each([
    ["the InternalIP wins over a Hostname listed first", node([{ type: "Hostname", address: "h" }, { type: "InternalIP", address: "10.0.0.2" }]), { host: "10.0.0.2", port: "10250" }],
    ["an ExternalIP serves when there is no InternalIP", node([{ type: "Hostname", address: "h" }, { type: "ExternalIP", address: "1.2.3.4" }]), { host: "1.2.3.4", port: "10250" }],
    ["a Hostname serves last", node([{ type: "InternalDNS", address: "d" }, { type: "Hostname", address: "h" }]), { host: "h", port: "10250" }],
    ["a reported port is used", node([{ type: "InternalIP", address: "10.0.0.2" }], 10255), { host: "10.0.0.2", port: "10255" }],
    ["a reported port of 0 is the default", node([{ type: "InternalIP", address: "10.0.0.2" }], 0), { host: "10.0.0.2", port: "10250" }],
    ["a negative port is the default", node([{ type: "InternalIP", address: "10.0.0.2" }], -5), { host: "10.0.0.2", port: "10250" }],
  ])("%s", (_name, n, want) => {
    expect(kubeletConnection(n)).toEqual(want);
  });

  it.each([
    ["no addresses", node(undefined), "no preferred addresses found; known addresses: []"],
    ["DNS names only", node([{ type: "InternalDNS", address: "a.example" }, { type: "ExternalDNS", address: "" }]), "no preferred addresses found; known addresses: [{InternalDNS a.example} {ExternalDNS }]"],
  ])("a node with %s is a plain 500", (_name, n, message) => {
    expect(kubeletConnection(n)).toEqual({ error: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 } });
  });
});

describe("isGlobalUnicast: net.IP.IsGlobalUnicast", () => {
  it.each([
    ["10.0.0.1", true], ["172.18.0.2", true], ["8.8.8.8", true], ["127.0.0.1", false], ["0.0.0.0", false], ["255.255.255.255", false],
    ["169.254.1.1", false], ["224.0.0.1", false], ["::1", false], ["::", false], ["fe80::1", false], ["ff02::1", false], ["2001:db8::1", true],
    ["::ffff:127.0.0.1", false], ["::ffff:10.0.0.1", true],
  ])("%s is %s", (ip, want) => {
    expect(isGlobalUnicast(parseIPSloppy(ip)!.bytes)).toBe(want);
  });
});

describe("nodeProxyLocation: ResourceLocation", () => {
  it("refuses an address that is no global unicast one", () => {
    expect(nodeProxyLocation(node([{ type: "InternalIP", address: "127.0.0.1" }]), "")).toMatchObject({ error: { code: 400, reason: "BadRequest", message: "address not allowed" } });
  });
  it("keeps a requested port that differs from the kubelet's, and the kubelet's otherwise", () => {
    const n = node([{ type: "InternalIP", address: "10.0.0.2" }]);
    expect(nodeProxyLocation(n, "8080")).toEqual({ host: "10.0.0.2", port: "8080" });
    expect(nodeProxyLocation(n, "10250")).toEqual({ host: "10.0.0.2", port: "10250" });
    expect(nodeProxyLocation(n, "")).toEqual({ host: "10.0.0.2", port: "10250" });
  });
});
