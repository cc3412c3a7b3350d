// pkg/proxy topology_test.go's TestCategorizeEndpoints (the stored copy beside topology.go of the v1.35 line,
// PreferSameTrafficDistribution on), row by row; the row "PreferSameNode falls back to same-zone when feature gate
// disabled" is left out (the gate is on). makeTestEndpointInfo(ip, port, isLocal, ready, serving, terminating,
// zoneHints, nodeHints); the service port's trailing booleans are (externalPolicyLocal, internalPolicyLocal), and a
// node port (8080) makes it externally accessible. nil (the kind is unused) is `undefined` here; allEndpoints is
// checked as the union of the two lists.

import { describe, expect, it } from "vitest";
import { type CategorizedEndpoint, categorizeEndpoints } from "./kube-proxy.logic.js";

type E = CategorizedEndpoint & { key: string };
const ep = (ip: string, isLocal: boolean, ready: boolean, serving: boolean, terminating: boolean, zoneHints?: string[], nodeHints?: string[]): E => ({
  key: `${ip}:80`, isLocal, ready, serving, terminating, ...(zoneHints ? { zoneHints } : {}), ...(nodeHints ? { nodeHints } : {}),
});
// makeServicePortInfo's (nodePort, externalPolicyLocal, internalPolicyLocal) as UsesClusterEndpoints / UsesLocalEndpoints
const uses = (nodePort: number, eLocal: boolean, iLocal: boolean) => ({ usesCluster: !iLocal || nodePort !== 0, usesLocal: iLocal || (eLocal && nodePort !== 0) });
const zoneA = { "topology.kubernetes.io/zone": "zone-a" };

interface Row {
  name: string;
  nodeName?: string;
  nodeLabels?: Record<string, string>;
  svc: [number, boolean, boolean];
  endpoints: E[];
  cluster?: string[];
  local?: string[];
  all?: string[];
}

const rows: Row[] = [
  { name: "should use topology since all endpoints have hints, node has a zone label and and there are endpoints for the node's zone", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"]), ep("10.1.2.4", false, true, true, false, ["zone-b"]), ep("10.1.2.5", false, true, true, false, ["zone-c"]), ep("10.1.2.6", false, true, true, false, ["zone-a"])],
    cluster: ["10.1.2.3:80", "10.1.2.6:80"] },
  { name: "eTP: Local, topology ignored for Local endpoints", nodeLabels: zoneA, svc: [8080, true, false],
    endpoints: [ep("10.1.2.3", true, true, true, false, ["zone-a"]), ep("10.1.2.4", true, true, true, false, ["zone-b"]), ep("10.1.2.5", false, true, true, false, ["zone-c"]), ep("10.1.2.6", false, true, true, false, ["zone-a"])],
    cluster: ["10.1.2.3:80", "10.1.2.6:80"], local: ["10.1.2.3:80", "10.1.2.4:80"], all: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"] },
  { name: "iTP: Local, topology ignored for Local endpoints", nodeLabels: zoneA, svc: [8080, false, true],
    endpoints: [ep("10.1.2.3", true, true, true, false, ["zone-a"]), ep("10.1.2.4", true, true, true, false, ["zone-b"]), ep("10.1.2.5", false, true, true, false, ["zone-c"]), ep("10.1.2.6", false, true, true, false, ["zone-a"])],
    cluster: ["10.1.2.3:80", "10.1.2.6:80"], local: ["10.1.2.3:80", "10.1.2.4:80"], all: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"] },
  { name: "empty node labels", svc: [0, false, false], endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"])], cluster: ["10.1.2.3:80"] },
  { name: "empty zone label", nodeLabels: { "topology.kubernetes.io/zone": "" }, svc: [0, false, false], endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"])], cluster: ["10.1.2.3:80"] },
  { name: "node in different zone, no endpoint filtering", nodeLabels: { "topology.kubernetes.io/zone": "zone-b" }, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"]), ep("10.1.2.5", false, true, true, false, ["zone-c"])], cluster: ["10.1.2.3:80", "10.1.2.5:80"] },
  { name: "unready endpoint", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"]), ep("10.1.2.4", false, true, true, false, ["zone-b"]), ep("10.1.2.5", false, true, true, false, ["zone-c"]), ep("10.1.2.6", false, false, true, false, ["zone-a"])],
    cluster: ["10.1.2.3:80"] },
  { name: "only unready endpoints in same zone (should not filter)", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, false, true, false, ["zone-a"]), ep("10.1.2.4", false, true, true, false, ["zone-b"]), ep("10.1.2.5", false, true, true, false, ["zone-c"]), ep("10.1.2.6", false, false, true, false, ["zone-a"])],
    cluster: ["10.1.2.4:80", "10.1.2.5:80"] },
  { name: "missing hints, no filtering applied", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"]), ep("10.1.2.4", false, true, true, false, ["zone-b"]), ep("10.1.2.5", false, true, true, false), ep("10.1.2.6", false, true, true, false, ["zone-a"])],
    cluster: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"] },
  { name: "multiple hints per endpoint, filtering includes any endpoint with zone included", nodeLabels: { "topology.kubernetes.io/zone": "zone-c" }, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a", "zone-b", "zone-c"]), ep("10.1.2.4", false, true, true, false, ["zone-b", "zone-c"]), ep("10.1.2.5", false, true, true, false, ["zone-b", "zone-d"]), ep("10.1.2.6", false, true, true, false, ["zone-c"])],
    cluster: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"] },
  { name: "PreferSameNode available", nodeName: "node-1", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"], ["node-1"]), ep("10.1.2.4", false, true, true, false, ["zone-b"], ["node-2"]), ep("10.1.2.5", false, true, true, false, ["zone-c"], ["node-3"]), ep("10.1.2.6", false, true, true, false, ["zone-a"], ["node-4"])],
    cluster: ["10.1.2.3:80"] },
  { name: "PreferSameNode ignored if some endpoints unhinted", nodeName: "node-1", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"], ["node-1"]), ep("10.1.2.4", false, true, true, false), ep("10.1.2.5", false, true, true, false, ["zone-c"], ["node-3"]), ep("10.1.2.6", false, true, true, false, ["zone-a"], ["node-4"])],
    cluster: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"] },
  { name: "PreferSameNode falls back to PreferSameZone if no endpoint for node", nodeName: "node-0", nodeLabels: zoneA, svc: [0, false, false],
    endpoints: [ep("10.1.2.3", false, true, true, false, ["zone-a"], ["node-1"]), ep("10.1.2.4", false, true, true, false, ["zone-b"], ["node-2"]), ep("10.1.2.5", false, true, true, false, ["zone-c"], ["node-3"]), ep("10.1.2.6", false, true, true, false, ["zone-a"], ["node-4"])],
    cluster: ["10.1.2.3:80", "10.1.2.6:80"] },
  { name: "conflicting topology and localness require merging allEndpoints", nodeLabels: zoneA, svc: [8080, false, true],
    endpoints: [ep("10.0.0.0", true, true, true, false, ["zone-a"]), ep("10.0.0.1", true, true, true, false, ["zone-b"]), ep("10.0.0.2", false, true, true, false, ["zone-a"]), ep("10.0.0.3", false, true, true, false, ["zone-b"])],
    cluster: ["10.0.0.0:80", "10.0.0.2:80"], local: ["10.0.0.0:80", "10.0.0.1:80"], all: ["10.0.0.0:80", "10.0.0.1:80", "10.0.0.2:80"] },
  { name: "internalTrafficPolicy: Local, with empty endpoints", svc: [0, false, true], endpoints: [], local: [] },
  { name: "internalTrafficPolicy: Local, but all endpoints are remote", svc: [0, false, true], endpoints: [ep("10.0.0.0", false, true, true, false), ep("10.0.0.1", false, true, true, false)], local: [] },
  { name: "internalTrafficPolicy: Local, all endpoints are local", svc: [0, false, true], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", true, true, true, false)], local: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "internalTrafficPolicy: Local, some endpoints are local", svc: [0, false, true], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", false, true, true, false)], local: ["10.0.0.0:80"] },
  { name: "Cluster traffic policy, endpoints not Ready", svc: [0, false, false], endpoints: [ep("10.0.0.0", false, false, true, false), ep("10.0.0.1", false, false, true, false)], cluster: [] },
  { name: "Cluster traffic policy, some endpoints are Ready", svc: [0, false, false], endpoints: [ep("10.0.0.0", false, false, true, false), ep("10.0.0.1", false, true, true, false)], cluster: ["10.0.0.1:80"] },
  { name: "Cluster traffic policy, all endpoints are terminating", svc: [0, false, false], endpoints: [ep("10.0.0.0", false, false, true, true), ep("10.0.0.1", false, false, true, true)], cluster: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "iTP: Local, eTP: Cluster, some endpoints local", svc: [8080, false, true], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", false, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: ["10.0.0.0:80"], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "iTP: Cluster, eTP: Local, some endpoints local", svc: [8080, true, false], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", false, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: ["10.0.0.0:80"], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "iTP: Local, eTP: Local, some endpoints local", svc: [8080, true, true], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", false, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: ["10.0.0.0:80"], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "iTP: Local, eTP: Local, all endpoints remote", svc: [8080, true, true], endpoints: [ep("10.0.0.0", false, true, true, false), ep("10.0.0.1", false, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: [], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "iTP: Local, eTP: Local, all endpoints remote and terminating", svc: [8080, true, true], endpoints: [ep("10.0.0.0", false, false, true, true), ep("10.0.0.1", false, false, true, true)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: [], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "iTP: Cluster, eTP: Local, with terminating endpoints", svc: [8080, true, false],
    endpoints: [ep("10.0.0.0", false, true, true, false), ep("10.0.0.1", true, false, false, false), ep("10.0.0.2", true, false, true, true), ep("10.0.0.3", false, false, true, true)],
    cluster: ["10.0.0.0:80"], local: ["10.0.0.2:80"], all: ["10.0.0.0:80", "10.0.0.2:80"] },
  { name: "eTP ignored if not externally accessible", svc: [0, true, false], endpoints: [ep("10.0.0.0", false, true, true, false), ep("10.0.0.1", true, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "no cluster endpoints for iTP:Local internal-only service", svc: [0, false, true], endpoints: [ep("10.0.0.0", false, true, true, false), ep("10.0.0.1", true, true, true, false)],
    local: ["10.0.0.1:80"], all: ["10.0.0.1:80"] },
  { name: "externalTrafficPolicy: Local, externally accessible, with empty endpoints", svc: [8080, true, false], endpoints: [], cluster: [], local: [], all: [] },
  { name: "externalTrafficPolicy: Local, externally accessible, but all endpoints are remote", svc: [8080, true, false], endpoints: [ep("10.0.0.0", false, true, true, false), ep("10.0.0.1", false, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: [], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "externalTrafficPolicy: Local, externally accessible, all endpoints are local", svc: [8080, true, false], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", true, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: ["10.0.0.0:80", "10.0.0.1:80"], all: ["10.0.0.0:80", "10.0.0.1:80"] },
  { name: "externalTrafficPolicy: Local, externally accessible, some endpoints are local", svc: [8080, true, false], endpoints: [ep("10.0.0.0", true, true, true, false), ep("10.0.0.1", false, true, true, false)],
    cluster: ["10.0.0.0:80", "10.0.0.1:80"], local: ["10.0.0.0:80"], all: ["10.0.0.0:80", "10.0.0.1:80"] },
];

const keys = (eps: E[] | undefined) => (eps === undefined ? undefined : eps.map((e) => e.key).sort());

describe("TestCategorizeEndpoints", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", (_name, r) => {
    const { usesCluster, usesLocal } = uses(...r.svc);
    const got = categorizeEndpoints(r.endpoints, usesCluster, usesLocal, r.nodeName ?? "", r.nodeLabels ?? {});
    expect(keys(got.clusterEndpoints)).toEqual(r.cluster === undefined ? undefined : [...r.cluster].sort());
    expect(keys(got.localEndpoints)).toEqual(r.local === undefined ? undefined : [...r.local].sort());
    // allEndpoints: the one list when the other is unused, else the row's union
    const all = r.cluster !== undefined && r.local === undefined ? r.cluster : r.local !== undefined && r.cluster === undefined ? r.local : r.all ?? [];
    const union = [...new Set([...(keys(got.clusterEndpoints) ?? []), ...(keys(got.localEndpoints) ?? [])])].sort();
    expect(union).toEqual([...all].sort());
  });
});
