import { describe, it, expect } from "vitest";
import { allocate, release, newIPAM, newIPAMv6, nodePodCIDR, nodePodCIDRv6, podCIDRFor, reserveV6, ipToInt, intToIp, cidrContains, ipFor, type IPAMState } from "./ipam.js";

describe("IPv4 helpers", () => {
  it.each([
    { name: "10.244.1.5 round-trips", ip: "10.244.1.5" },
    { name: "the top address round-trips without sign trouble", ip: "255.255.255.255" },
    { name: "the zero address round-trips", ip: "0.0.0.0" },
  ])("$name", ({ ip }) => {
    expect(intToIp(ipToInt(ip))).toBe(ip);
  });

  it.each([
    { name: "a malformed octet is NaN", ip: "10.0.0.256" },
    { name: "too few octets is NaN", ip: "10.0.0" },
  ])("$name", ({ ip }) => expect(ipToInt(ip)).toBeNaN());

  it.each([
    { name: "the network address is inside its CIDR", cidr: "10.244.1.0/24", ip: "10.244.1.0", want: true },
    { name: "the broadcast address is inside its CIDR", cidr: "10.244.1.0/24", ip: "10.244.1.255", want: true },
    { name: "the next subnet is outside", cidr: "10.244.1.0/24", ip: "10.244.2.0", want: false },
    { name: "the /12 Service CIDR ends at 10.111.255.255", cidr: "10.96.0.0/12", ip: "10.112.0.0", want: false },
  ])("$name", ({ cidr, ip, want }) => expect(cidrContains(cidr, ip)).toBe(want));
});

describe("podCIDRFor (node IPAM cidrset)", () => {
  it.each([
    { name: "the first node gets 10.244.0.0/24", i: 0, want: "10.244.0.0/24" },
    { name: "the second node gets 10.244.1.0/24", i: 1, want: "10.244.1.0/24" },
    { name: "the 256th node gets the last /24", i: 255, want: "10.244.255.0/24" },
  ])("$name", ({ i, want }) => expect(podCIDRFor("10.244.0.0/16", i)).toBe(want));

  it("the 257th node finds no CIDR left", () => {
    expect(() => podCIDRFor("10.244.0.0/16", 256)).toThrow(
      "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range",
    );
  });
});

describe("nodePodCIDR (the range allocator's AllocateNext)", () => {
  it.each([
    { name: "the 256th node of a /16 gets its last /24", cluster: "10.244.0.0/16", i: 255, want: "10.244.255.0/24" },
    { name: "the 257th node of a /16 gets no podCIDR at all", cluster: "10.244.0.0/16", i: 256, want: undefined },
    { name: "the 1000th node of a /16 gets none either", cluster: "10.244.0.0/16", i: 999, want: undefined },
    { name: "a /14 has a /24 for the 301st node", cluster: "10.0.0.0/14", i: 300, want: "10.1.44.0/24" },
  ])("$name", ({ cluster, i, want }) => expect(nodePodCIDR(cluster, i)).toBe(want));
});

describe("host-local IPAM", () => {
  it("the first container gets .2 because .1 is the gateway", () => {
    const r = allocate(newIPAM("10.244.1.0/24"), "c1");
    expect(r.ok && r.ip).toBe("10.244.1.2");
    expect(r.ok && r.gateway).toBe("10.244.1.1");
    expect(r.ok && r.cidr).toBe("10.244.1.2/24");
  });

  it("allocates round-robin: a released address is not reused until the range wraps", () => {
    let s = newIPAM("10.244.1.0/24");
    const a = allocate(s, "c1");
    s = a.state;
    s = allocate(s, "c2").state;
    s = release(s, "c1");
    const c = allocate(s, "c3");
    expect(c.ok && c.ip).toBe("10.244.1.4");
  });

  it("wraps to the start of the range after the last address, skipping the gateway", () => {
    const s: IPAMState = { ...newIPAM("10.244.1.0/24"), lastReservedIP: "10.244.1.254" };
    const r = allocate(s, "c1");
    expect(r.ok && r.ip).toBe("10.244.1.2");
  });

  it("refuses a second address for the same container", () => {
    const a = allocate(newIPAM("10.244.1.0/24"), "c1");
    const b = allocate(a.state, "c1");
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error).toBe("10.244.1.2 has been allocated to c1, duplicate allocation is not allowed");
  });

  it("fails with host-local's message when the range is exhausted and never hands an IP out twice", () => {
    let s = newIPAM("10.244.1.0/24");
    const seen = new Set<string>();
    for (let i = 0; i < 253; i++) {
      const r = allocate(s, `c${i}`);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(seen.has(r.ip)).toBe(false);
        seen.add(r.ip);
        s = r.state;
      }
    }
    const r = allocate(s, "one-too-many");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBe("failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254");
    }
  });

  it("releasing an unknown container changes nothing", () => {
    const s = allocate(newIPAM("10.244.1.0/24"), "c1").state;
    expect(release(s, "nope")).toBe(s);
    expect(ipFor(s, "c1")).toBe("10.244.1.2");
  });

  it("a /30 has exactly one allocatable address after the gateway", () => {
    const a = allocate(newIPAM("10.0.0.0/30"), "c1");
    expect(a.ok && a.ip).toBe("10.0.0.2");
    const b = allocate(a.state, "c2");
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error).toBe("failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.2");
  });
});

// A dual-stack node's second range: kind's fd00:10:244::/56 cut into node-ipam's /64s, host-local's
// IPv6 range over it (gateway the subnet's ::1, the first pod ::2, round robin after the last).
describe("IPv6 node podCIDRs and host-local's IPv6 range", () => {
  it.each([
    { name: "the first node gets fd00:10:244::/64", i: 0, want: "fd00:10:244::/64" },
    { name: "the second node gets fd00:10:244:1::/64", i: 1, want: "fd00:10:244:1::/64" },
    { name: "the 256th node gets the last /64 of the /56", i: 255, want: "fd00:10:244:ff::/64" },
    { name: "a /56 holds no 257th /64", i: 256, want: undefined },
  ])("$name", ({ i, want }) => expect(nodePodCIDRv6("fd00:10:244::/56", i)).toBe(want));

  it("hands out ::2, then ::3, skipping the gateway ::1, and again a released one only after wrapping", () => {
    let s = newIPAMv6("fd00:10:244:1::/64");
    expect({ gateway: s.gateway, start: s.rangeStart }).toEqual({ gateway: "fd00:10:244:1::1", start: "fd00:10:244:1::1" });
    const a = reserveV6(s, "a");
    expect(a.ok && [a.ip, a.cidr]).toEqual(["fd00:10:244:1::2", "fd00:10:244:1::2/64"]);
    s = a.state;
    s = release(s, "a");
    const b = reserveV6(s, "b");
    expect(b.ok && b.ip).toBe("fd00:10:244:1::3");
  });
});
