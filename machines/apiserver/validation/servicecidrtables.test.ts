// pkg/apis/networking/validation/validation_test.go's TestValidateIPAddress(Update) and
// TestValidateServiceCIDR(Update), row for row: the number of errors each row expects. One row
// differs from the stored test file: "badip-iprange-caps-ipv6" expects 2, from before IsValidCIDR
// moved to k8s.io/apimachinery's util/validation, whose v0.35 parseCIDR reports the bits set
// beyond the prefix and IsValidCIDR stops there (1).

import { describe, expect, it } from "vitest";
import { validateIPAddress, validateIPAddressUpdate, validateServiceCIDR, validateServiceCIDRUpdate } from "./networking.js";

const ip = (name: string, parentRef?: object) => ({ metadata: { name }, spec: parentRef === undefined ? {} : { parentRef } });
const svcRef = { group: "", resource: "services", name: "foo", namespace: "bar" };

describe("TestValidateIPAddress", () => {
  it.each([
    ["empty-ipaddress-bad-name", ip("test-name", svcRef), 1],
    ["empty-ipaddress-bad-name-no-parent-reference", ip("test-name"), 2],
    ["good-ipaddress", ip("192.168.1.1", svcRef), 0],
    ["good-ipaddress-gateway", ip("192.168.1.1", { group: "gateway.networking.k8s.io", resource: "gateway", name: "foo", namespace: "bar" }), 0],
    ["good-ipv6address", ip("2001:4860:4860::8888", svcRef), 0],
    ["non-canonica-ipv6address", ip("2001:4860:4860:0::8888", svcRef), 1],
    ["missing-ipaddress-reference", ip("192.168.1.1"), 1],
    ["wrong-ipaddress-reference", ip("192.168.1.1", { group: "custom.resource.com", resource: "services", name: "foo$%&", namespace: "" }), 1],
    ["wrong-ipaddress-reference-multiple-errors", ip("192.168.1.1", { group: ".cust@m.resource.com", resource: "", name: "", namespace: "bar$$$$$%@" }), 4],
  ] as const)("%s: %i errors", (_name, obj, n) => {
    expect(validateIPAddress(obj)).toHaveLength(n);
  });

  it("a non-canonical name says so", () => {
    expect(validateIPAddress(ip("2001:4860:4860:0::8888", svcRef))).toEqual([{ type: "FieldValueInvalid", field: "metadata.name", badValue: "2001:4860:4860:0::8888", detail: 'must be in canonical form ("2001:4860:4860::8888")' }]);
  });
});

describe("TestValidateIPAddressUpdate", () => {
  const old = { metadata: { name: "192.168.1.1", resourceVersion: "1" }, spec: { parentRef: { group: "custom.resource.com", resource: "services", name: "foo", namespace: "bar" } } };
  it.each([
    ["Successful update, no changes", old, false],
    ["Failed update, update spec.ParentRef", { ...old, spec: { parentRef: { ...old.spec.parentRef, resource: "Gateway" } } }, true],
    ["Failed update, delete spec.ParentRef", { ...old, spec: {} }, true],
  ] as const)("%s", (_name, obj, fails) => {
    expect(validateIPAddressUpdate(structuredClone(obj), old).length > 0).toBe(fails);
  });
});

describe("TestValidateServiceCIDR", () => {
  const sc = (cidrs?: string[]) => ({ metadata: { name: "test-name" }, spec: cidrs === undefined ? {} : { cidrs } });
  it.each([
    ["empty-iprange", sc(), 1],
    ["three-ipranges", sc(["192.168.0.0/24", "fd00::/64", "10.0.0.0/16"]), 1],
    ["good-iprange-ipv4", sc(["192.168.0.0/24"]), 0],
    ["good-iprange-ipv6", sc(["fd00:1234::/64"]), 0],
    ["good-iprange-ipv4-ipv6", sc(["192.168.0.0/24", "fd00:1234::/64"]), 0],
    ["not-iprange-ipv4", sc(["asdasdasd"]), 1],
    ["iponly-iprange-ipv4", sc(["192.168.0.1"]), 1],
    ["badip-iprange-ipv4", sc(["192.168.0.1/24"]), 1],
    ["badip-iprange-ipv6", sc(["fd00:1234::2/64"]), 1],
    ["badip-iprange-caps-ipv6", sc(["FD00:1234::2/64"]), 1],
    ["good-iprange-ipv4-bad-ipv6", sc(["192.168.0.0/24", "FD00:1234::/64"]), 1],
    ["good-iprange-ipv6-bad-ipv4", sc(["192.168.007.0/24", "fd00:1234::/64"]), 1],
  ] as const)("%s: %i errors", (_name, obj, n) => {
    expect(validateServiceCIDR(obj)).toHaveLength(n);
  });
});

describe("TestValidateServiceCIDRUpdate", () => {
  const old = { metadata: { name: "mysvc", resourceVersion: "1" }, spec: { cidrs: ["192.168.0.0/24", "fd00:1234::/64"] } };
  it.each([
    ["Successful update, no changes", old.spec.cidrs, false],
    ["Failed update, update spec.CIDRs single stack", ["10.0.0.0/16"], true],
    ["Failed update, update spec.CIDRs dual stack", ["10.0.0.0/24", "fd00:1234::/64"], true],
  ] as const)("%s", (_name, cidrs, fails) => {
    expect(validateServiceCIDRUpdate({ ...old, spec: { cidrs: [...cidrs] } }, old).length > 0).toBe(fails);
  });

  // kubernetes#131263: a single-stack ServiceCIDR may become dual-stack, its first CIDR kept
  it("a single-stack ServiceCIDR may gain the other family, not change its first CIDR", () => {
    const single = { metadata: { name: "kubernetes", resourceVersion: "1" }, spec: { cidrs: ["10.96.0.0/12"] } };
    expect(validateServiceCIDRUpdate({ ...single, spec: { cidrs: ["10.96.0.0/12", "fd00:10:96::/112"] } }, single)).toEqual([]);
    expect(validateServiceCIDRUpdate({ ...single, spec: { cidrs: ["10.97.0.0/16", "fd00:10:96::/112"] } }, single)).toEqual([{ type: "FieldValueInvalid", field: "spec.cidrs[0]", badValue: "10.97.0.0/16", detail: "field is immutable" }]);
  });
});
