// canDeleteCIDR and containingServiceCIDRs (pkg/controller/servicecidrs): a ServiceCIDR another
// one contains can always go; otherwise an allocator's IPAddress lying only in it keeps it; a
// user's IPAddress (another manager) never does.

import { describe, expect, it } from "vitest";
import { canDelete, containing, overlapping } from "./servicecidrs.logic.js";

const sc = (name: string, ...cidrs: string[]) => ({ metadata: { name }, spec: { cidrs } });
const allocated = (name: string) => ({ metadata: { name, labels: { "ipaddress.kubernetes.io/ip-family": "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" } } });
const users = (name: string) => ({ metadata: { name, labels: {} } });

describe("canDeleteCIDR", () => {
  const kubernetes = sc("kubernetes", "10.96.0.0/12");
  const extra = sc("extra", "10.200.0.0/24");
  it("is blocked by an allocated address only the ServiceCIDR holds", () => {
    expect(canDelete(extra, [kubernetes, extra], [allocated("10.200.0.5")])).toBe(false);
  });
  it("is not blocked by addresses elsewhere, by a user's IPAddress, or by the network address", () => {
    expect(canDelete(extra, [kubernetes, extra], [allocated("10.96.0.10"), users("10.200.0.5"), allocated("10.200.0.0")])).toBe(true);
  });
  it("is never blocked when another ServiceCIDR contains it or repeats it", () => {
    expect(canDelete(sc("inner", "10.96.0.0/24"), [kubernetes, sc("inner", "10.96.0.0/24")], [allocated("10.96.0.10")])).toBe(true);
    expect(canDelete(sc("twin", "10.200.0.0/24"), [extra, sc("twin", "10.200.0.0/24")], [allocated("10.200.0.5")])).toBe(true);
  });
  it("a wider ServiceCIDR with no parent is blocked only by an address no other ServiceCIDR holds", () => {
    // the /24 does not contain the /16, but an address in both would not be orphaned
    expect(canDelete(sc("wide", "10.200.0.0/16"), [sc("wide", "10.200.0.0/16"), extra], [allocated("10.200.0.5")])).toBe(true);
    expect(canDelete(sc("wide", "10.200.0.0/16"), [sc("wide", "10.200.0.0/16"), extra], [allocated("10.200.9.5")])).toBe(false);
  });
});

describe("the ServiceCIDRs an event concerns", () => {
  it("an allocator's IPAddress concerns those holding it; a user's none", () => {
    const all = [sc("kubernetes", "10.96.0.0/12"), sc("inner", "10.96.0.0/24"), sc("extra", "10.200.0.0/24")];
    expect(containing(allocated("10.96.0.10"), all)).toEqual(["kubernetes", "inner"]);
    expect(containing(users("10.96.0.10"), all)).toEqual([]);
  });
  it("an added ServiceCIDR concerns those it overlaps", () => {
    const all = [sc("kubernetes", "10.96.0.0/12"), sc("extra", "10.200.0.0/24")];
    expect(overlapping(sc("inner", "10.96.0.0/24"), all)).toEqual(["kubernetes"]);
  });
});
