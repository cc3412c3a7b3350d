// k8s.io/endpointslice/trafficdist/trafficdist_test.go, row by row: TestReconcileHints (the slices to
// create, to update and unchanged, and what each should become) and
// TestReconcileHints_doesNotMutateUnchangedSlices; the PreferSameNode row follows trafficdist.go's
// preferCloseHeuristic with generateNodeHints (a node hint beside the zone hint).

import { describe, expect, it } from "vitest";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { reconcileHints } from "./endpointslice.logic.js";

const ep = (ip: string, zone: string, node: string, ready = true, hint?: string): Endpoint => ({
  addresses: [ip], zone, nodeName: node, conditions: { ready }, ...(hint ? { hints: { forZones: [{ name: hint }] } } : {}),
});
const slice = (...endpoints: Endpoint[]): EndpointSlice => ({ addressType: "IPv4", endpoints });

describe("TestReconcileHints", () => {
  const rows: [string, string | undefined, EndpointSlice[], EndpointSlice[], EndpointSlice[], EndpointSlice[], EndpointSlice[], EndpointSlice[]][] = [
    ["should set zone hints with PreferClose", "PreferClose",
      [slice(ep("10.0.0.1", "zone-a", "node-1"), ep("10.0.0.2", "zone-b", "node-2")), slice(ep("10.0.0.3", "zone-a", "node-3"), ep("10.0.0.4", "zone-b", "node-4"))],
      [slice(ep("10.0.0.5", "zone-a", "node-5"), ep("10.0.0.6", "zone-a", "node-6")), slice(ep("10.0.0.7", "zone-b", "node-7"), ep("10.0.0.8", "zone-c", "node-8"))],
      [],
      [slice(ep("10.0.0.1", "zone-a", "node-1", true, "zone-a"), ep("10.0.0.2", "zone-b", "node-2", true, "zone-b")), slice(ep("10.0.0.3", "zone-a", "node-3", true, "zone-a"), ep("10.0.0.4", "zone-b", "node-4", true, "zone-b"))],
      [slice(ep("10.0.0.5", "zone-a", "node-5", true, "zone-a"), ep("10.0.0.6", "zone-a", "node-6", true, "zone-a")), slice(ep("10.0.0.7", "zone-b", "node-7", true, "zone-b"), ep("10.0.0.8", "zone-c", "node-8", true, "zone-c"))],
      []],
    ["should correct incorrect hints with PreferClose", "PreferClose",
      [],
      [slice(ep("10.0.0.1", "zone-a", "node-1", true, "zone-b"))],
      [slice(ep("10.0.0.2", "zone-b", "node-2", true, "zone-c")), slice(ep("10.0.0.3", "zone-c", "node-3"))],
      [],
      [slice(ep("10.0.0.1", "zone-a", "node-1", true, "zone-a")), slice(ep("10.0.0.2", "zone-b", "node-2", true, "zone-b")), slice(ep("10.0.0.3", "zone-c", "node-3", true, "zone-c"))],
      []],
    ["unready endpoints should not trigger updates", "PreferClose",
      [], [], [slice(ep("10.0.0.2", "zone-b", "node-2", false))],
      [], [], [slice(ep("10.0.0.2", "zone-b", "node-2", false))]],
    ["should remove hints when trafficDistribution is unrecognized", "Unknown",
      [slice(ep("10.0.0.1", "zone-a", "node-1", true, "zone-a"), ep("10.0.0.2", "zone-b", "node-2", true, "zone-b")), slice(ep("10.0.0.3", "zone-a", "node-3", true, "zone-a"))],
      [slice(ep("10.0.0.5", "zone-a", "node-5", true, "zone-a"))],
      [],
      [slice(ep("10.0.0.1", "zone-a", "node-1"), ep("10.0.0.2", "zone-b", "node-2")), slice(ep("10.0.0.3", "zone-a", "node-3"))],
      [slice(ep("10.0.0.5", "zone-a", "node-5"))],
      []],
    ["should remove hints when trafficDistribution is unset", undefined,
      [],
      [slice(ep("10.0.0.5", "zone-a", "node-5", true, "zone-a"))],
      [slice(ep("10.0.0.6", "zone-b", "node-6", true, "zone-b"))],
      [],
      [slice(ep("10.0.0.5", "zone-a", "node-5")), slice(ep("10.0.0.6", "zone-b", "node-6"))],
      []],
  ];
  it.each(rows)("%s", (_name, td, create, update, unchanged, wantCreate, wantUpdate, wantUnchanged) => {
    const got = reconcileHints(td, create, update, unchanged);
    expect(got.create).toEqual(wantCreate);
    expect(got.update).toEqual(wantUpdate);
    expect(got.unchanged).toEqual(wantUnchanged);
  });

  it("PreferSameNode hints each ready endpoint to its zone and its node", () => {
    const got = reconcileHints("PreferSameNode", [slice(ep("10.0.0.1", "zone-a", "node-1"), ep("10.0.0.2", "zone-b", "node-2", false))], [], []);
    expect(got.create[0]!.endpoints).toEqual([
      { addresses: ["10.0.0.1"], zone: "zone-a", nodeName: "node-1", conditions: { ready: true }, hints: { forZones: [{ name: "zone-a" }], forNodes: [{ name: "node-1" }] } },
      { addresses: ["10.0.0.2"], zone: "zone-b", nodeName: "node-2", conditions: { ready: false } },
    ]);
  });
});

describe("TestReconcileHints_doesNotMutateUnchangedSlices", () => {
  it("leaves the unchanged slices it is given as they were", () => {
    const original = slice(ep("10.0.0.1", "zone-a", "node-1"));
    const clone = structuredClone(original);
    reconcileHints("PreferClose", [], [], [original]);
    expect(original).toEqual(clone);
  });
});
