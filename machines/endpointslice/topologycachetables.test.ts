// k8s.io/endpointslice/topologycache, row by row: topologycache_test.go's TestAddHints and
// TestSetNodes, utils_test.go's Test_redistributeHints, Test_getGivingAndReceivingZones and
// Test_getHintsByZone. Kubernetes compares event messages by prefix; the full messages here add
// what event.go and getAllocations append (the counts, the address type).

import { describe, expect, it } from "vitest";
import type { Node } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import {
  addHints, cpuRatiosByZone, getGivingAndReceivingZones, getHintsByZone, newTopologyCache, redistributeHints, serviceOverloaded,
  type HintEvent,
} from "./topologycache.js";

// ready "unknown": the Ready condition unset
const ep = (ip: string, zone: string | undefined, ready: boolean | "unknown" = true, hint?: string | string[]): Endpoint => ({
  addresses: [ip],
  ...(zone !== undefined ? { zone } : {}),
  conditions: ready === "unknown" ? {} : { ready },
  ...(hint !== undefined ? { hints: { forZones: (Array.isArray(hint) ? hint : [hint]).map((name) => ({ name })) } } : {}),
});
const slice = (...endpoints: Endpoint[]): EndpointSlice => ({ addressType: "IPv4", endpoints });
const ratios = (r: Record<string, number> | undefined) => (r === undefined ? undefined : new Map(Object.entries(r)));
const enabled: HintEvent = { type: "Normal", reason: "TopologyAwareHintsEnabled", message: "Topology Aware Hints has been enabled, addressType: IPv4" };
const disabled = (message: string): HintEvent => ({ type: "Warning", reason: "TopologyAwareHintsDisabled", message: `${message}, addressType: IPv4` });

describe("TestAddHints", () => {
  const rows: {
    name: string; ratios: Record<string, number> | undefined; create: EndpointSlice[]; update: EndpointSlice[];
    wantCounts: Record<string, number> | undefined; wantCreate: EndpointSlice[]; wantUpdate: EndpointSlice[]; wantEvents: HintEvent[];
  }[] = [
    { name: "empty", ratios: undefined, create: [], update: [], wantCounts: undefined, wantCreate: [], wantUpdate: [],
      wantEvents: [disabled("Insufficient Node information: allocatable CPU or zone not specified on one or more nodes")] },
    { name: "slice to create, no zone ratios", ratios: undefined, create: [slice(ep("10.1.2.3", "zone-a"))], update: [], wantCounts: undefined,
      wantCreate: [slice(ep("10.1.2.3", "zone-a"))], wantUpdate: [],
      wantEvents: [disabled("Insufficient Node information: allocatable CPU or zone not specified on one or more nodes")] },
    { name: "slice to create with 2 endpoints, zone ratios require 3", ratios: { "zone-a": 0.3, "zone-b": 0.4, "zone-c": 0.3 },
      create: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b"))], update: [], wantCounts: undefined,
      wantCreate: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b"))], wantUpdate: [],
      wantEvents: [disabled("Insufficient number of endpoints (2 endpoints, 3 zones)")] },
    { name: "slice to create with 2 endpoints, zone ratios only require 2", ratios: { "zone-a": 0.45, "zone-b": 0.55 },
      create: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b"))], update: [], wantCounts: { "zone-a": 1, "zone-b": 1 },
      wantCreate: [slice(ep("10.1.2.3", "zone-a", true, "zone-a"), ep("10.1.2.4", "zone-b", true, "zone-b"))], wantUpdate: [], wantEvents: [enabled] },
    { name: "slice to create with 2 ready, 1 unready, 1 unknown endpoints, zone ratios only require 2", ratios: { "zone-a": 0.45, "zone-b": 0.55 },
      create: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b"), ep("10.1.2.5", "zone-b", false), ep("10.1.2.6", "zone-b", "unknown"))], update: [],
      wantCounts: { "zone-a": 1, "zone-b": 1 },
      wantCreate: [slice(ep("10.1.2.3", "zone-a", true, "zone-a"), ep("10.1.2.4", "zone-b", true, "zone-b"), ep("10.1.2.5", "zone-b", false), ep("10.1.2.6", "zone-b", "unknown"))],
      wantUpdate: [], wantEvents: [enabled] },
    { name: "slices to create and update within 3 zone threshold", ratios: { "zone-a": 0.35, "zone-b": 0.35, "zone-c": 0.3 },
      create: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b")), slice(ep("10.1.3.3", "zone-c"), ep("10.1.3.4", "zone-c"), ep("10.1.3.4", "zone-a"))],
      update: [slice(ep("10.2.2.3", "zone-a"), ep("10.2.2.4", "zone-a")), slice(ep("10.2.3.3", "zone-b"), ep("10.2.3.4", "zone-c"), ep("10.2.3.4", "zone-a"))],
      wantCounts: { "zone-a": 4, "zone-b": 3, "zone-c": 3 },
      wantCreate: [
        slice(ep("10.1.2.3", "zone-a", true, "zone-b"), ep("10.1.2.4", "zone-b", true, "zone-b")),
        slice(ep("10.1.3.3", "zone-c", true, "zone-c"), ep("10.1.3.4", "zone-c", true, "zone-c"), ep("10.1.3.4", "zone-a", true, "zone-a")),
      ],
      wantUpdate: [
        slice(ep("10.2.2.3", "zone-a", true, "zone-a"), ep("10.2.2.4", "zone-a", true, "zone-a")),
        slice(ep("10.2.3.3", "zone-b", true, "zone-b"), ep("10.2.3.4", "zone-c", true, "zone-c"), ep("10.2.3.4", "zone-a", true, "zone-a")),
      ],
      wantEvents: [enabled] },
  ];
  it.each(rows)("$name", (row) => {
    const cache = { ...newTopologyCache(), cpuRatiosByZone: ratios(row.ratios) };
    const got = addHints(cache, { serviceKey: "ns/svc", toCreate: row.create, toUpdate: row.update, unchanged: [] });
    expect(got.toCreate).toEqual(row.wantCreate);
    expect(got.toUpdate).toEqual(row.wantUpdate);
    expect(got.events).toEqual(row.wantEvents);
    const counts = got.cache.hintsByService.get("ns/svc");
    expect(counts === undefined ? undefined : Object.fromEntries(counts)).toEqual(row.wantCounts);
  });

  it("does not announce hints again for a Service that already has them", () => {
    const cache = { ...newTopologyCache(), cpuRatiosByZone: ratios({ "zone-a": 0.45, "zone-b": 0.55 }) };
    const first = addHints(cache, { serviceKey: "ns/svc", toCreate: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b"))], toUpdate: [], unchanged: [] });
    const again = addHints(first.cache, { serviceKey: "ns/svc", toCreate: [], toUpdate: [slice(ep("10.1.2.3", "zone-a"), ep("10.1.2.4", "zone-b"))], unchanged: [] });
    expect(again.events).toEqual([]);
  });

  it("removes every hint, unchanged slices' too, when an endpoint has no zone", () => {
    const cache = { ...newTopologyCache(), cpuRatiosByZone: ratios({ "zone-a": 0.5, "zone-b": 0.5 }) };
    const unchanged = slice(ep("10.1.2.5", "zone-a", true, "zone-a"), ep("10.1.2.6", "zone-b", true, "zone-b"));
    // four endpoints: two zones' minimum of ceil(2 / 1.2) = 2 each fits
    const got = addHints(cache, { serviceKey: "ns/svc", toCreate: [slice(ep("10.1.2.4", "zone-b"), ep("10.1.2.3", undefined))], toUpdate: [], unchanged: [unchanged] });
    expect(got.events).toEqual([disabled("One or more endpoints do not have a zone specified")]);
    expect(got.toCreate).toEqual([slice(ep("10.1.2.4", "zone-b"), ep("10.1.2.3", undefined))]);
    expect(got.toUpdate).toEqual([slice(ep("10.1.2.5", "zone-a"), ep("10.1.2.6", "zone-b"))]);
  });
});

describe("TestSetNodes", () => {
  type N = { zone: string; cpu: string; ready: "True" | "False"; labels?: Record<string, string> };
  const node = (n: N): Node => ({
    metadata: { labels: { ...(n.labels ?? {}), ...(n.zone ? { "topology.kubernetes.io/zone": n.zone } : {}) } },
    status: { allocatable: { cpu: n.cpu }, conditions: [{ type: "Ready", status: n.ready }] },
  });
  const rows: [string, N[], Record<string, number> | undefined][] = [
    ["empty", [], undefined],
    ["single node", [{ zone: "zone-a", cpu: "1000m", ready: "True" }], undefined],
    ["single zone", [{ zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-a", cpu: "1000m", ready: "True" }], undefined],
    ["2 zones", [{ zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "True" }], { "zone-a": 0.5, "zone-b": 0.5 }],
    ["2 zones, unready node in 1, ready node in 1", [{ zone: "zone-a", cpu: "1000m", ready: "False" }, { zone: "zone-b", cpu: "1000m", ready: "True" }], undefined],
    ["2 zones, control plane node in 1, ready node in 1",
      [{ zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "True", labels: { "node-role.kubernetes.io/control-plane": "" } }], undefined],
    ["2 zones, unready node in 1, ready node in 2",
      [{ zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "False" }], { "zone-a": 0.5, "zone-b": 0.5 }],
    ["2 zones, control plane node in 1, ready node in 2",
      [{ zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "True", labels: { "node-role.kubernetes.io/control-plane": "" } }],
      { "zone-a": 0.5, "zone-b": 0.5 }],
    ["3 zones, 4 nodes in 1, 2 nodes in 1, 1 node in 1",
      [
        { zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-a", cpu: "1000m", ready: "True" },
        { zone: "zone-a", cpu: "2000m", ready: "True" }, { zone: "zone-b", cpu: "3000m", ready: "True" }, { zone: "zone-b", cpu: "1500m", ready: "True" },
        { zone: "zone-c", cpu: "500m", ready: "True" },
      ],
      { "zone-a": 0.5, "zone-b": 0.45, "zone-c": 0.05 }],
    // SetNodes bails out at the first ready node without a zone (InsufficientNodeInfo then)
    ["a ready node without a zone label leaves no ratios", [{ zone: "zone-a", cpu: "1000m", ready: "True" }, { zone: "zone-b", cpu: "1000m", ready: "True" }, { zone: "", cpu: "1000m", ready: "True" }], undefined],
  ];
  it.each(rows)("%s", (_name, nodes, want) => {
    const got = cpuRatiosByZone(nodes.map(node));
    expect(got === undefined ? undefined : Object.fromEntries(got)).toEqual(want);
  });
});

describe("Test_redistributeHints", () => {
  const rows: [string, EndpointSlice[], Record<string, number>, Record<string, number>, Record<string, number>][] = [
    ["empty", [], {}, {}, {}],
    ["single endpoint", [slice(ep("", "zone-a", true, "zone-a"))], { "zone-a": 1 }, { "zone-b": 1 }, { "zone-a": -1, "zone-b": 1 }],
    ["endpoints from 1 zone redistributed to 2 other zones",
      [slice(ep("", "zone-a", true, "zone-a"), ep("", "zone-a", true, "zone-a"), ep("", "zone-a", true, "zone-a"))],
      { "zone-a": 2 }, { "zone-b": 1, "zone-c": 1 }, { "zone-a": -2, "zone-b": 1, "zone-c": 1 }],
  ];
  it.each(rows)("%s", (_name, slices, giving, receiving, want) => {
    const got = redistributeHints(slices, new Map(Object.entries(giving)), new Map(Object.entries(receiving)));
    expect(Object.fromEntries(got.redistributions)).toEqual(want);
  });
});

describe("Test_getGivingAndReceivingZones", () => {
  const rows: [string, Record<string, number>, Record<string, number>, Record<string, number>, Record<string, number>][] = [
    ["empty", {}, {}, {}, {}],
    ["simple allocation with no need for rebalancing", { "zone-a": 1.2, "zone-b": 1.1, "zone-c": 1.0 }, { "zone-a": 1, "zone-b": 1, "zone-c": 1 }, {}, {}],
    ["preference for same zone even when giving an extra endpoint would result in slightly better distribution",
      { "zone-a": 5.1, "zone-b": 5.1, "zone-c": 5.8 }, { "zone-a": 16 }, { "zone-a": 10 }, { "zone-b": 5, "zone-c": 5 }],
    ["when 2 zones need < 1 endpoint, give to zone that needs endpoint most",
      { "zone-a": 5.0, "zone-b": 5.6, "zone-c": 5.4 }, { "zone-a": 16 }, { "zone-a": 11 }, { "zone-b": 6, "zone-c": 5 }],
    ["when 2 zones have extra endpoints, give from zone with most extra",
      { "zone-a": 5.0, "zone-b": 5.6, "zone-c": 5.4 }, { "zone-b": 8, "zone-c": 8 }, { "zone-b": 2, "zone-c": 3 }, { "zone-a": 5 }],
    ["ensure function can handle unexpected data (more allocated than allocations)",
      { "zone-a": 5.0, "zone-b": 5.0, "zone-c": 5.0 }, { "zone-a": 6, "zone-b": 6, "zone-c": 6 }, {}, {}],
    ["ensure function can handle unexpected data (negative allocations)",
      { "zone-a": -5.0, "zone-b": -5.0, "zone-c": -5.0 }, { "zone-a": 6, "zone-b": 6, "zone-c": 6 }, {}, {}],
    ["ensure function can handle unexpected data (negative allocated)",
      { "zone-a": 5.0, "zone-b": 5.0, "zone-c": 5.0 }, { "zone-a": -4, "zone-b": -3, "zone-c": -2 }, {}, {}],
    ["ensure function can handle unexpected data (negative for 1 zone)",
      { "zone-a": 5.0, "zone-b": 5.0, "zone-c": 5.0 }, { "zone-a": -40, "zone-b": 20, "zone-c": 20 }, { "zone-b": 15, "zone-c": 15 }, { "zone-a": 30 }],
  ];
  it.each(rows)("%s", (_name, desired, allocated, wantGiving, wantReceiving) => {
    const allocations = new Map(Object.entries(desired).map(([z, d]) => [z, { desired: d }]));
    const got = getGivingAndReceivingZones(allocations, new Map(Object.entries(allocated)));
    expect(Object.fromEntries(got.giving)).toEqual(wantGiving);
    expect(Object.fromEntries(got.receiving)).toEqual(wantReceiving);
  });
});

describe("Test_getHintsByZone", () => {
  const rows: [string, EndpointSlice, Record<string, number>, Record<string, number>, Record<string, number> | undefined][] = [
    ["empty", slice(), {}, {}, {}],
    ["single zone hint", slice(ep("", "zone-a", true, "zone-a")), { "zone-a": 3 }, { "zone-a": 1 }, { "zone-a": 1 }],
    ["single zone hint with 1 unready endpoint and 1 unknown endpoint",
      slice(ep("", "zone-a", true, "zone-a"), ep("", "zone-a", false, "zone-a"), ep("", "zone-a", "unknown", "zone-a")), { "zone-a": 3 }, { "zone-a": 1 }, { "zone-a": 1 }],
    ["multiple zone hints", slice(ep("", "zone-a", true, "zone-a"), ep("", "zone-a", true, "zone-b"), ep("", "zone-b", true, "zone-b")),
      { "zone-a": 3, "zone-b": 3, "zone-c": 3 }, { "zone-a": 1, "zone-b": 1, "zone-c": 1 }, { "zone-a": 1, "zone-b": 2 }],
    ["invalid by zones that no longer requires any allocations", slice(ep("", "zone-a", true, "zone-non-existent")), { "zone-a": 3 }, { "zone-a": 1, "zone-b": 1, "zone-c": 1 }, undefined],
    ["invalid by endpoints with nil hints", slice(ep("", "zone-a", true)), { "zone-a": 3 }, {}, undefined],
    ["invalid by endpoint with no hints", slice(ep("", "zone-a", true, [])), { "zone-a": 3 }, {}, undefined],
    ["invalid by hints that would make minimum allocations impossible", slice(ep("", "zone-a", true, "zone-a"), ep("", "zone-a", true, "zone-a")), { "zone-a": 2 }, { "zone-a": 1 }, undefined],
  ];
  it.each(rows)("%s", (_name, s, maximum, allocated, want) => {
    const allocations = new Map(Object.entries(maximum).map(([z, m]) => [z, { maximum: m }]));
    const got = getHintsByZone(s, new Map(Object.entries(allocated)), allocations);
    expect(got === undefined ? undefined : Object.fromEntries(got)).toEqual(want);
  });
});

describe("serviceOverloaded", () => {
  it("a zone below its share less 20% overloads the Service; no ratios at all does too", () => {
    // 10 hints, zone-b's share 0.5: ceil(10 * 0.5 / 1.2) = 5 needed, 4 held
    expect(serviceOverloaded(new Map([["zone-a", 6], ["zone-b", 4]]), ratios({ "zone-a": 0.5, "zone-b": 0.5 }))).toBe(true);
    expect(serviceOverloaded(new Map([["zone-a", 5], ["zone-b", 5]]), ratios({ "zone-a": 0.5, "zone-b": 0.5 }))).toBe(false);
    expect(serviceOverloaded(new Map([["zone-a", 5], ["zone-b", 5]]), undefined)).toBe(true);
    expect(serviceOverloaded(new Map(), undefined)).toBe(false);
  });
});
