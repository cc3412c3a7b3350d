import { describe, it, expect } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { dnsRecords, resolveName, candidateNames, srvWeight, chaseCnames, addressFromReverse } from "./dns.logic.js";

const services: Service[] = [
  { metadata: { name: "web", namespace: "shop" }, spec: { clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, protocol: "TCP" }, { port: 81 }] } },
  { metadata: { name: "db", namespace: "shop" }, spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432, protocol: "TCP" }] } },
  { metadata: { name: "ext", namespace: "shop" }, spec: { type: "ExternalName", externalName: "example.com" } },
  { metadata: { name: "alias", namespace: "front" }, spec: { type: "ExternalName", externalName: "web.shop.svc.cluster.local" } },
  { metadata: { name: "alias2", namespace: "front" }, spec: { type: "ExternalName", externalName: "alias.front.svc.cluster.local." } },
  { metadata: { name: "loop", namespace: "front" }, spec: { type: "ExternalName", externalName: "loop.front.svc.cluster.local" } },
];
const slices: EndpointSlice[] = [
  {
    metadata: { name: "db-x", namespace: "shop", labels: { "kubernetes.io/service-name": "db" } },
    addressType: "IPv4",
    ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
    endpoints: [
      { addresses: ["10.244.1.5"], hostname: "db-0", conditions: { ready: true } },
      { addresses: ["10.244.2.6"], conditions: { ready: true } },
      { addresses: ["10.244.2.7"], hostname: "db-2", conditions: { ready: false, serving: true, terminating: true } },
    ],
  },
];
const zone = dnsRecords(services, slices);
const values = (name: string, ns?: string) => {
  const a = resolveName(zone, name, ns);
  return a.rcode === "NOERROR" ? a.records.map((r) => r.value) : a.rcode;
};

describe("cluster DNS records (CoreDNS kubernetes plugin)", () => {
  it.each([
    { name: "a ClusterIP Service resolves to its ClusterIP", q: "web.shop.svc.cluster.local", want: ["10.96.0.20"] },
    { name: "a headless Service resolves to its ready endpoints only", q: "db.shop.svc.cluster.local", want: ["10.244.1.5", "10.244.2.6"] },
    { name: "a pod with hostname/subdomain gets its own name", q: "db-0.db.shop.svc.cluster.local", want: ["10.244.1.5"] },
    { name: "a headless endpoint without hostname is named by its dashed IP", q: "10-244-2-6.db.shop.svc.cluster.local", want: ["10.244.2.6"] },
    { name: "a terminating endpoint has no record", q: "db-2.db.shop.svc.cluster.local", want: "NXDOMAIN" },
    { name: "an ExternalName Service is a CNAME", q: "ext.shop.svc.cluster.local", want: ["example.com"] },
    { name: "pod A records are synthesised from the dashed IP", q: "10-244-9-9.shop.pod.cluster.local", want: ["10.244.9.9"] },
    { name: "names are case-insensitive", q: "WEB.shop.svc.cluster.local", want: ["10.96.0.20"] },
    { name: "an unknown Service is NXDOMAIN", q: "nope.shop.svc.cluster.local", want: "NXDOMAIN" },
  ])("$name", ({ q, want }) => expect(values(q)).toEqual(want));

  it("a named ClusterIP port gets one SRV record pointing at the Service, weight 100", () => {
    const a = resolveName(zone, "_http._tcp.web.shop.svc.cluster.local");
    expect(a.rcode === "NOERROR" && a.records).toEqual([
      { name: "_http._tcp.web.shop.svc.cluster.local", type: "SRV", value: "web.shop.svc.cluster.local", ttl: 5, srv: { priority: 0, weight: 100, port: 80 } },
    ]);
  });

  it("a headless named port gets one SRV per ready endpoint, weight split evenly", () => {
    const a = resolveName(zone, "_pg._tcp.db.shop.svc.cluster.local");
    expect(a.rcode === "NOERROR" && a.records.map((r) => [r.value, r.srv?.weight, r.srv?.port])).toEqual([
      ["db-0.db.shop.svc.cluster.local", 50, 5432],
      ["10-244-2-6.db.shop.svc.cluster.local", 50, 5432],
    ]);
    expect(srvWeight(3)).toBe(33);
  });
});

describe("resolution from a ClusterFirst pod (search path, ndots:5)", () => {
  it.each([
    { name: "a bare Service name resolves in the pod's namespace", q: "web", ns: "shop", want: ["10.96.0.20"] },
    { name: "svc.ns resolves through svc.cluster.local", q: "web.shop", ns: "default", want: ["10.96.0.20"] },
    { name: "svc.ns.svc resolves through cluster.local", q: "web.shop.svc", ns: "default", want: ["10.96.0.20"] },
    { name: "a bare name from another namespace is NXDOMAIN", q: "web", ns: "default", want: "NXDOMAIN" },
    { name: "a trailing dot skips the search list", q: "web.", ns: "shop", want: "NXDOMAIN" },
  ])("$name", ({ q, ns, want }) => expect(values(q, ns)).toEqual(want));

  it("tries the search list before the bare name when it has fewer than 5 dots", () => {
    expect(candidateNames("web.shop", "default")).toEqual([
      "web.shop.default.svc.cluster.local",
      "web.shop.svc.cluster.local",
      "web.shop.cluster.local",
      "web.shop",
    ]);
  });

  it("tries the name as given first when it has 5 or more dots", () => {
    expect(candidateNames("_pg._tcp.db.shop.svc.cluster.local", "shop")[0]).toBe("_pg._tcp.db.shop.svc.cluster.local");
  });

  // resolv.conf(5): ndots is the number of dots a name must have for an initial absolute query; Go's
  // resolver tests `count(name, '.') >= conf.ndots` (net/dnsclient_unix.go): exactly 5 dots is enough
  it("tries a name with exactly 5 dots as given first, one with 4 last", () => {
    expect(candidateNames("a.db.shop.svc.cluster.local", "shop")[0]).toBe("a.db.shop.svc.cluster.local");
    expect(candidateNames("db.shop.svc.cluster.local", "shop")[0]).toBe("db.shop.svc.cluster.local.shop.svc.cluster.local");
  });
});

describe("an ExternalName Service's CNAME, followed as CoreDNS answers it", () => {
  const chase = (q: string) => {
    const a = resolveName(zone, q);
    if (a.rcode !== "NOERROR") throw new Error(q);
    const c = chaseCnames(zone, a.queried, a.records);
    return { name: c.name, addresses: c.records.filter((r) => r.type === "A").map((r) => r.value), cnames: c.cnames };
  };
  it("a target in the cluster's zone is resolved there: the CNAME, then the target's address", () => {
    expect(chase("alias.front.svc.cluster.local")).toEqual({ name: "web.shop.svc.cluster.local", addresses: ["10.96.0.20"], cnames: [["alias.front.svc.cluster.local", "web.shop.svc.cluster.local"]] });
  });
  it("a chain of ExternalNames is followed to its end (a fully-qualified name's dot dropped)", () => {
    expect(chase("alias2.front.svc.cluster.local")).toEqual({
      name: "web.shop.svc.cluster.local",
      addresses: ["10.96.0.20"],
      cnames: [["alias2.front.svc.cluster.local", "alias.front.svc.cluster.local"], ["alias.front.svc.cluster.local", "web.shop.svc.cluster.local"]],
    });
  });
  it("a target outside the zone goes upstream, which a simulated cluster has none of: the CNAME alone", () => {
    expect(chase("ext.shop.svc.cluster.local")).toEqual({ name: "example.com", addresses: [], cnames: [["ext.shop.svc.cluster.local", "example.com"]] });
  });
  it("a CNAME loop stops after eight records", () => {
    expect(chase("loop.front.svc.cluster.local").cnames).toHaveLength(8);
  });
});

// dnsutil.ExtractAddressFromReverse: the labels reversed and read by net.ParseIP, "" when it cannot
describe("the address of a reverse name", () => {
  it("reads in-addr.arpa's octets and ip6.arpa's nibbles backwards, a trailing dot or not", () => {
    expect(addressFromReverse("10.0.96.10.in-addr.arpa.")).toBe("10.96.0.10");
    expect(addressFromReverse(`a.0.0.0.${"0.".repeat(16)}6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa`)).toBe("fd00:10:96::a");
  });
  it("is none for a short name, an octet net.ParseIP refuses, or another zone", () => {
    expect(addressFromReverse("0.96.10.in-addr.arpa")).toBeUndefined();
    expect(addressFromReverse("010.0.96.10.in-addr.arpa")).toBeUndefined();
    expect(addressFromReverse("1.0.96.256.in-addr.arpa")).toBeUndefined();
    expect(addressFromReverse(`0.${"0.".repeat(20)}ip6.arpa`)).toBeUndefined();
    expect(addressFromReverse("kubernetes.default.svc.cluster.local")).toBeUndefined();
  });
});
