// discovery.k8s.io/v1 EndpointSlice validation: the rows of pkg/apis/discovery/validation/validation_test.go
// (TestValidateEndpointSlice, TestValidateEndpointSliceCreate, TestValidateEndpointSliceUpdate), each with
// the number of errors Kubernetes expects, and the messages of the deprecatedTopology rules.
import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const meta = { name: "hello", namespace: "world" };
const slice = (addressType: string | undefined, ports: unknown[] | undefined, endpoints: unknown[] | undefined, metadata: object = meta) =>
  ({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata, addressType, ports, endpoints });
const http = [{ name: "http", protocol: "TCP" }];
const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.1.2.${i % 255}`);
const ports = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `http-${i}`, protocol: "TCP" }));
const endpoints = (n: number) => Array.from({ length: n }, (_, i) => ({ addresses: [`10.1.2.${i % 255}`] }));
const topology = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`topology-${i}`, "example"]));
const zones = (...names: string[]) => ({ forZones: names.map((name) => ({ name })) });

describe("TestValidateEndpointSlice", () => {
  const rows: [string, object, number][] = [
    ["good-slice", slice("IPv4", http, [{ addresses: ips(1), hostname: "valid-123" }]), 0],
    ["good-ipv6", slice("IPv6", http, [{ addresses: ["a00:100::4"], hostname: "valid-123" }]), 0],
    ["good-fqdns", slice("FQDN", http, [{ addresses: ["foo.example.com", "example.com", "example.com.", "hyphens-are-good.example.com"], hostname: "valid-123" }]), 0],
    ["all-protocols", slice("IPv4", [{ name: "tcp", protocol: "TCP" }, { name: "udp", protocol: "UDP" }, { name: "sctp", protocol: "SCTP" }], [{ addresses: ips(1), hostname: "valid-123" }]), 0],
    ["app-protocols", slice("IPv4", [{ name: "one", protocol: "TCP", appProtocol: "HTTP" }, { name: "two", protocol: "TCP", appProtocol: "https" },
      { name: "three", protocol: "TCP", appProtocol: "my-protocol" }, { name: "four", protocol: "TCP", appProtocol: "example.com/custom-protocol" }], [{ addresses: ips(1), hostname: "valid-123" }]), 0],
    ["empty-port-name", slice("IPv4", [{ name: "", protocol: "TCP" }, { name: "http", protocol: "TCP" }], [{ addresses: ips(1) }]), 0],
    ["long-port-name", slice("IPv4", [{ name: "a".repeat(63), protocol: "TCP" }], [{ addresses: ips(1) }]), 0],
    ["empty-ports-and-endpoints", slice("IPv4", [], []), 0],
    ["max-endpoints", slice("IPv4", ports(1), endpoints(1000)), 0],
    ["max-ports", slice("IPv4", ports(20000), undefined), 0],
    ["max-addresses", slice("IPv4", http, [{ addresses: ips(100) }]), 0],
    ["max-topology-keys", slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: topology(16) }]), 0],
    ["valid-hints", slice("IPv4", http, [{ addresses: ips(1), hints: zones("zone-a") }]), 0],
    ["duplicate-port-name", slice("IPv4", [{ name: "", protocol: "TCP" }, { name: "", protocol: "TCP" }], []), 1],
    ["bad-port-name-caps", slice("IPv4", [{ name: "aCapital", protocol: "TCP" }], []), 1],
    ["bad-port-name-chars", slice("IPv4", [{ name: "almost_valid", protocol: "TCP" }], []), 1],
    ["bad-port-name-length", slice("IPv4", [{ name: "a".repeat(64), protocol: "TCP" }], []), 1],
    ["invalid-port-protocol", slice("IPv4", [{ name: "http", protocol: "foo" }], undefined), 1],
    ["too-many-ports", slice("IPv4", ports(20001), undefined), 1],
    ["too-many-endpoints", slice("IPv4", ports(1), endpoints(1001)), 1],
    ["no-endpoint-addresses", slice("IPv4", http, [{ addresses: [] }]), 1],
    ["too-many-addresses", slice("IPv4", http, [{ addresses: ips(101) }]), 1],
    ["bad-topology-key", slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: { "--INVALID": "example" } }]), 1],
    ["too-many-topology-keys", slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: topology(17) }]), 1],
    ["bad-hostname", slice("IPv4", http, [{ addresses: ips(1), hostname: "--INVALID" }]), 1],
    ["bad-meta", slice("IPv4", http, [{ addresses: ips(1), hostname: "valid-123" }], { name: "*&^", namespace: "foo" }), 1],
    ["bad-ip", slice("IPv4", http, [{ addresses: ["123.456.789.012"], hostname: "valid-123" }]), 1],
    ["bad-ipv4", slice("IPv4", http, [{ addresses: ["123.456.789.012", "2001:4860:4860::8888"], hostname: "valid-123" }]), 2],
    ["bad-ipv6", slice("IPv6", http, [{ addresses: ["123.456.789.012", "2001:4860:4860:defg"], hostname: "valid-123" }]), 2],
    ["bad-fqdns", slice("FQDN", http, [{ addresses: ["foo.*", "FOO.example.com", "underscores_are_bad.example.com", "*.example.com"], hostname: "valid-123" }]), 4],
    ["bad-app-protocol", slice("IPv4", [{ name: "http", protocol: "TCP", appProtocol: "--" }], [{ addresses: ips(1), hostname: "valid-123" }]), 1],
    ["invalid-hints", slice("IPv4", http, [{ addresses: ips(1), hints: zones("inv@lid") }]), 1],
    ["overlapping-hints", slice("IPv4", http, [{ addresses: ips(1), hints: zones("zone-a", "zone-b", "zone-a") }]), 1],
    ["too-many-hints", slice("IPv4", http, [{ addresses: ips(1), hints: zones("zone-a", "zone-b", "zone-c", "zone-d", "zone-e", "zone-f", "zone-g", "zone-h", "zone-i") }]), 1],
    ["empty-everything", slice(undefined, undefined, undefined, {}), 3],
    ["zone-key-topology", slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: { "topology.kubernetes.io/zone": "zone1" } }]), 1],
    ["special-ipv4", slice("IPv4", http, [{ addresses: ["127.0.0.1"], hostname: "valid-123" }]), 1],
    ["special-ipv6", slice("IPv6", http, [{ addresses: ["fe80::9656:d028:8652:66b6"], hostname: "valid-123" }]), 1],
  ];
  it.each(rows)("%s", (_n, o, count) => expect(messages(validateCreate(o))).toHaveLength(count));

  it("deprecatedTopology's errors: too many labels, a bad key, the reserved zone key", () => {
    expect(messages(validateCreate(slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: topology(17) }]))))
      .toEqual(["endpoints[0].deprecatedTopology: Too many: 17: must have at most 16 items"]);
    expect(messages(validateCreate(slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: { "--INVALID": "example" } }]))))
      .toEqual([`endpoints[0].deprecatedTopology: Invalid value: "--INVALID": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`]);
    expect(messages(validateCreate(slice("IPv4", http, [{ addresses: ips(1), deprecatedTopology: { "topology.kubernetes.io/zone": "zone1" } }]))))
      .toEqual(["endpoints[0].deprecatedTopology[topology.kubernetes.io/zone]: Internal error: reserved key was not removed in conversion"]);
  });
});

describe("TestValidateEndpointSliceCreate", () => {
  it.each([
    ["good-slice", slice("IPv4", http, [{ addresses: ips(1), hostname: "valid-123" }]), 0],
    ["good-slice-node-name", slice("IPv4", http, [{ addresses: ips(1), hostname: "valid-123", nodeName: "valid-node-name" }]), 0],
    ["bad-node-name", slice("IPv4", http, [{ addresses: ips(1), hostname: "valid-123", nodeName: "INvalid-node-name" }]), 1],
    ["deprecated-address-type", slice("IP", http, [{ addresses: ips(1) }]), 1],
    ["bad-address-type", slice("other", http, [{ addresses: ips(1) }]), 1],
  ] as const)("%s", (_n, o, count) => expect(messages(validateCreate(o))).toHaveLength(count));
});

describe("TestValidateEndpointSliceUpdate", () => {
  const m = { name: "es1", namespace: "test", uid: "u1", resourceVersion: "1" };
  it.each([
    ["valid and identical slices", slice("IPv6", undefined, undefined, m), slice("IPv6", undefined, undefined, m), 0],
    ["invalid node name set", slice("IPv4", undefined, [{ addresses: ["10.1.2.3"] }], m), slice("IPv4", undefined, [{ addresses: ["10.1.2.3"], nodeName: "INVALID foo" }], m), 1],
    ["deprecated address type", slice("IP", undefined, undefined, m), slice("IP", undefined, undefined, m), 1],
    ["valid and identical slices with different address types", slice("other", undefined, undefined, m), slice("IPv4", undefined, undefined, m), 1],
    ["invalid slices with valid address types", slice("IPv4", undefined, undefined, m), slice("IPv4", [{ name: "", protocol: "invalid" }], undefined, m), 1],
  ] as const)("%s", (_n, old, next, count) => expect(messages(validateUpdate(next, old))).toHaveLength(count));
});
