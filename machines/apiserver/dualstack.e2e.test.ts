// A dual-stack cluster (kind's networking.ipFamily: dual) through a running API server: the Service
// REST's IP family fields as pkg/registry/core/service/storage sets them (storage_test.go's
// TestCreateInitIPFields "dualstack:v4v6" rows, TestUpdateIPFields' upgrade and downgrade), one
// ClusterIP per family from kind's service subnets 10.96.0.0/16 and fd00:10:96::/112, each held by an
// IPAddress; and, on either cluster, the REST's BeginCreate/BeginUpdate order: the family checks come
// before the strategy's validation, and an update that names no policy keeps the stored one.

import { afterAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { prefixContainsIP } from "../common/servicecidr.js";

const v4 = "IPv4";
const v6 = "IPv6";
const dual = createCluster({ nodes: 1, seed: 24, ipFamily: "dual" });
const single = createCluster({ nodes: 1, seed: 24 });
afterAll(async () => {
  await dual.stop();
  await single.stop();
});
let n = 0;

function create(c: Cluster, spec: Record<string, unknown>, name = `svc-${++n}`) {
  const body = { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { ports: [{ port: 80 }], ...spec } };
  return c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body });
}
function update(c: Cluster, body: any) {
  return c.requestSync({ verb: "update", group: "", resource: "services", namespace: "default", name: body.metadata.name, body });
}
const remove = (c: Cluster, name: string) => c.requestSync({ verb: "delete", group: "", resource: "services", namespace: "default", name });
const ipAddressNames = (c: Cluster) => (c.list("IPAddress") as any[]).map((a) => a.metadata.name);

type Want = { policy: string; families: string[] } | "error";
// TestCreateInitIPFields, cluster "dualstack:v4v6", ClusterIPs unset: SingleStack (or no policy) keeps
// one family (the cluster's first when none is named) and refuses two; PreferDualStack and
// RequireDualStack get both families, the named one first.
const headful: [string, string | undefined, string[] | undefined, Want][] = [
  ["Policy:unset_Families:unset", undefined, undefined, { policy: "SingleStack", families: [v4] }],
  ["Policy:unset_Families:v4", undefined, [v4], { policy: "SingleStack", families: [v4] }],
  ["Policy:unset_Families:v6", undefined, [v6], { policy: "SingleStack", families: [v6] }],
  ["Policy:unset_Families:v4v6", undefined, [v4, v6], "error"],
  ["Policy:unset_Families:v6v4", undefined, [v6, v4], "error"],
  ["Policy:SingleStack_Families:unset", "SingleStack", undefined, { policy: "SingleStack", families: [v4] }],
  ["Policy:SingleStack_Families:v6", "SingleStack", [v6], { policy: "SingleStack", families: [v6] }],
  ["Policy:SingleStack_Families:v4v6", "SingleStack", [v4, v6], "error"],
  ["Policy:PreferDualStack_Families:unset", "PreferDualStack", undefined, { policy: "PreferDualStack", families: [v4, v6] }],
  ["Policy:PreferDualStack_Families:v4", "PreferDualStack", [v4], { policy: "PreferDualStack", families: [v4, v6] }],
  ["Policy:PreferDualStack_Families:v6", "PreferDualStack", [v6], { policy: "PreferDualStack", families: [v6, v4] }],
  ["Policy:PreferDualStack_Families:v6v4", "PreferDualStack", [v6, v4], { policy: "PreferDualStack", families: [v6, v4] }],
  ["Policy:RequireDualStack_Families:unset", "RequireDualStack", undefined, { policy: "RequireDualStack", families: [v4, v6] }],
  ["Policy:RequireDualStack_Families:v6", "RequireDualStack", [v6], { policy: "RequireDualStack", families: [v6, v4] }],
  ["Policy:RequireDualStack_Families:v4v6", "RequireDualStack", [v4, v6], { policy: "RequireDualStack", families: [v4, v6] }],
];

const subnetOf = (f: string) => (f === v4 ? "10.96.0.0/16" : "fd00:10:96::/112");

describe("TestCreateInitIPFields on a dual-stack cluster (ClusterIPs unset)", () => {
  it.each(headful)("%s", (_name, policy, families, want) => {
    const r = create(dual, { selector: { app: "x" }, ...(policy ? { ipFamilyPolicy: policy } : {}), ...(families ? { ipFamilies: families } : {}) });
    if (want === "error") {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.status.code).toBe(422);
      return;
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const spec = r.object.spec;
    expect({ policy: spec.ipFamilyPolicy, families: spec.ipFamilies }).toEqual(want);
    // one address per family, in the families' order, each from that family's service subnet
    expect(spec.clusterIPs).toHaveLength(want.families.length);
    want.families.forEach((f, i) => expect(prefixContainsIP(subnetOf(f), spec.clusterIPs[i]), `${f} ${spec.clusterIPs[i]}`).toBe(true));
    expect(spec.clusterIP).toBe(spec.clusterIPs[0]);
    remove(dual, r.object.metadata.name);
  });

  it("gives a headless Service without a selector RequireDualStack and both families, and no address", () => {
    const r = create(dual, { clusterIP: "None" });
    expect(r.ok && { policy: r.object.spec.ipFamilyPolicy, families: r.object.spec.ipFamilies, ips: r.object.spec.clusterIPs }).toEqual({ policy: "RequireDualStack", families: [v4, v6], ips: ["None"] });
  });
});

describe("a dual-stack Service's addresses", () => {
  it("are taken as named, one per family, each held by an IPAddress that goes with the Service", () => {
    const r = create(dual, { selector: { app: "x" }, ipFamilyPolicy: "RequireDualStack", clusterIP: "10.96.0.77", clusterIPs: ["10.96.0.77", "fd00:10:96::77"] }, "named");
    expect(r.ok && r.object.spec.clusterIPs).toEqual(["10.96.0.77", "fd00:10:96::77"]);
    expect(r.ok && r.object.spec.ipFamilies).toEqual([v4, v6]);
    expect(ipAddressNames(dual)).toEqual(expect.arrayContaining(["10.96.0.77", "fd00:10:96::77"]));
    // the IPv6 address is taken now: alloc.go's allocIPs refuses it by name
    const again = create(dual, { selector: { app: "x" }, ipFamilyPolicy: "SingleStack", clusterIP: "fd00:10:96::77" });
    expect(!again.ok && again.status.message).toBe(`Service "svc-${n}" is invalid: spec.clusterIPs: Invalid value: ["fd00:10:96::77"]: failed to allocate IP fd00:10:96::77: provided IP is already allocated`);
    remove(dual, "named");
    expect(ipAddressNames(dual)).not.toContain("fd00:10:96::77");
    expect(ipAddressNames(dual)).not.toContain("10.96.0.77");
  });

  it("upgrade with RequireDualStack and downgrade with SingleStack (TestUpdateIPFields)", () => {
    const made = create(dual, { selector: { app: "x" } }, "updown");
    expect(made.ok && made.object.spec.clusterIPs).toHaveLength(1);
    if (!made.ok) return;
    const up = update(dual, { ...made.object, spec: { ...made.object.spec, ipFamilyPolicy: "RequireDualStack", ipFamilies: [v4] } });
    expect(up.ok && { families: up.object.spec.ipFamilies, n: up.object.spec.clusterIPs.length }).toEqual({ families: [v4, v6], n: 2 });
    if (!up.ok) return;
    const secondary = up.object.spec.clusterIPs[1];
    expect(prefixContainsIP("fd00:10:96::/112", secondary)).toBe(true);
    expect(up.object.spec.clusterIPs[0]).toBe(made.object.spec.clusterIP);
    // dropping the secondary needs SingleStack: the REST's own words, before validation's
    const reduced = update(dual, { ...up.object, spec: { ...up.object.spec, ipFamilyPolicy: "RequireDualStack", ipFamilies: [v4], clusterIPs: [up.object.spec.clusterIP] } });
    expect(!reduced.ok && reduced.status.message).toBe(`Service "updown" is invalid: [spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be 'SingleStack' to release the secondary cluster IP, spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be 'SingleStack' to release the secondary IP family]`);
    // SingleStack with the same IPs and families is the clear intent to downgrade: both are trimmed
    const down = update(dual, { ...up.object, spec: { ...up.object.spec, ipFamilyPolicy: "SingleStack" } });
    expect(down.ok && { families: down.object.spec.ipFamilies, ips: down.object.spec.clusterIPs }).toEqual({ families: [v4], ips: [made.object.spec.clusterIP] });
    expect(ipAddressNames(dual)).not.toContain(secondary);
    remove(dual, "updown");
  });

  it("an update that names no policy keeps the stored PreferDualStack and both addresses", () => {
    const made = create(dual, { selector: { app: "x" }, ipFamilyPolicy: "PreferDualStack" }, "keep");
    if (!made.ok) throw new Error(made.status.message);
    const { ipFamilyPolicy: _p, ipFamilies: _f, ...spec } = made.object.spec;
    const r = update(dual, { ...made.object, spec: { ...spec, ports: [{ port: 81 }] } });
    expect(r.ok && { policy: r.object.spec.ipFamilyPolicy, families: r.object.spec.ipFamilies, ips: r.object.spec.clusterIPs }).toEqual({ policy: "PreferDualStack", families: [v4, v6], ips: made.object.spec.clusterIPs });
    remove(dual, "keep");
  });

  it("the default ServiceCIDR covers both subnets; the kubernetes Service stays single-stack IPv4", () => {
    expect((dual.get("ServiceCIDR", "kubernetes") as any).spec.cidrs).toEqual(["10.96.0.0/16", "fd00:10:96::/112"]);
    const k = dual.get("Service", "kubernetes", "default") as any;
    expect({ ips: k.spec.clusterIPs, policy: k.spec.ipFamilyPolicy, families: k.spec.ipFamilies }).toEqual({ ips: ["10.96.0.1"], policy: "SingleStack", families: [v4] });
  });
});

describe("an IPv6 ServiceCIDR wider than 2^32 addresses", () => {
  // hostsPerNetwork: an IPv6 range offers every address but its subnet's own (2^64 - 1 for a /64),
  // and allocateNextService starts from a random offset over all of them
  it("gives Services addresses from the whole /64, not only its low 32 bits", async () => {
    const made = dual.requestSync({ verb: "create", group: "networking.k8s.io", resource: "servicecidrs", body: { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name: "wide" }, spec: { cidrs: ["fd00:77::/64"] } } });
    expect(made.ok).toBe(true);
    await dual.settle();
    const ips: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = create(dual, { selector: { app: "x" }, ipFamilies: [v6] }, `wide-${i}`);
      if (!r.ok) throw new Error(r.status.message);
      ips.push(r.object.spec.clusterIP);
    }
    const wide = ips.filter((ip) => prefixContainsIP("fd00:77::/64", ip));
    expect(wide.length).toBeGreaterThan(0);
    // fd00:77::hhhh:hhhh:llll:llll: some host bit above the low 32 is set
    for (const ip of wide) expect(prefixContainsIP("fd00:77::/96", ip)).toBe(false);
    for (let i = 0; i < 6; i++) remove(dual, `wide-${i}`);
  });
});

describe("on a single-stack cluster", () => {
  it("refuses RequireDualStack with initIPFamilyFields' words", () => {
    const r = create(single, { selector: { app: "x" }, ipFamilyPolicy: "RequireDualStack" });
    expect(!r.ok && r.status.message).toBe(`Service "svc-${n}" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services`);
  });

  it("checks the IP families in BeginCreate, before the strategy validates the name and ports", () => {
    const r = create(single, { selector: { app: "x" }, ipFamilyPolicy: "RequireDualStack", ports: [{ port: 0 }] }, "Bad_Name");
    expect(!r.ok && r.status.message).toBe(`Service "Bad_Name" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services`);
  });

  it("an update that names no policy keeps PreferDualStack (not the SingleStack a create gets)", () => {
    const made = create(single, { selector: { app: "x" }, ipFamilyPolicy: "PreferDualStack" }, "prefer");
    if (!made.ok) throw new Error(made.status.message);
    expect(made.object.spec.ipFamilies).toEqual([v4]);
    const { ipFamilyPolicy: _p, ...spec } = made.object.spec;
    const r = update(single, { ...made.object, spec });
    expect(r.ok && r.object.spec.ipFamilyPolicy).toBe("PreferDualStack");
    remove(single, "prefer");
  });
});
