// The order the Service REST gives out nodePorts and ClusterIPs (pkg/registry/core/service/storage
// alloc.go, in BeginCreate/BeginUpdate), through a running cluster's API server: initNodePorts on a
// create (ports of one number share a nodePort: kube-dns's UDP and TCP 53 as a NodePort), and
// patchAllocatedValues + updateNodePorts on an update (a port without a nodePort keeps the old port
// of its NAME, unless another port now names that one). Draws come from the KEP-3070 dynamic band:
// for 30000-32767 calculateRangeOffset is min(max(16, 2768/32), 128) = 86, so 30086 up; for the
// default 10.96.0.0/12, min(max(16, 2^20/16), 256) = 256 past the first address, so 10.96.1.1 up (10.96.0.1 and 10.96.0.10
// are the kubernetes and kube-dns Services' static picks).

import { afterAll, describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const c = createCluster({ nodes: 1, seed: 26 });
afterAll(() => c.stop());

const body = (name: string, ports: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { type: "NodePort", selector: { app: name }, ports, ...extra },
});
function create(name: string, ports: Record<string, unknown>[], extra?: Record<string, unknown>) {
  const r = c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: body(name, ports, extra) });
  if (!r.ok) throw new Error(r.status.message);
  return r.object;
}
function update(name: string, ports: Record<string, unknown>[]) {
  const cur = c.get("Service", name, "default") as any;
  const r = c.requestSync({ verb: "update", group: "", resource: "services", namespace: "default", name, body: { ...cur, spec: { ...cur.spec, ports } } });
  if (!r.ok) throw new Error(r.status.message);
  return r.object;
}
const nodePorts = (svc: any) => svc.spec.ports.map((p: any) => p.nodePort);
const dynamic = (port: number) => port >= 30086 && port <= 32767;
const v4 = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);

describe("nodePort and ClusterIP allocation order (alloc.go)", () => {
  it("the first Service's ClusterIP and nodePort come from the dynamic bands", () => {
    const s = create("first", [{ port: 80 }]);
    expect(v4(s.spec.clusterIP) >= v4("10.96.1.1") && v4(s.spec.clusterIP) <= v4("10.111.255.254")).toBe(true);
    expect(dynamic(s.spec.ports[0].nodePort)).toBe(true);
    // a user may pick from the static band, which dynamic allocation leaves alone
    const fixed = create("fixed", [{ port: 80, nodePort: 30020 }], { clusterIP: "10.96.0.20" });
    expect([fixed.spec.clusterIP, fixed.spec.ports[0].nodePort]).toEqual(["10.96.0.20", 30020]);
  });

  it("ports of one number share one drawn nodePort (initNodePorts' svcPortToNodePort)", () => {
    const s = create("dns", [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }, { name: "metrics", port: 9153, protocol: "TCP" }]);
    const [udp, tcp, metrics] = nodePorts(s);
    expect(udp).toBe(tcp);
    expect(metrics).not.toBe(udp);
    expect([udp, metrics].every(dynamic)).toBe(true);
  });

  it("a nodePort named by either port of a number is the number's: reserved once, not refused as already allocated", () => {
    expect(nodePorts(create("both", [{ name: "u", port: 53, protocol: "UDP", nodePort: 30053 }, { name: "t", port: 53, protocol: "TCP", nodePort: 30053 }]))).toEqual([30053, 30053]);
    // findRequestedNodePort looks forward: the UDP port without one takes the TCP port's
    expect(nodePorts(create("later", [{ name: "u", port: 54, protocol: "UDP" }, { name: "t", port: 54, protocol: "TCP", nodePort: 30054 }]))).toEqual([30054, 30054]);
    const taken = c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: body("taken", [{ port: 80, nodePort: 30053 }]) });
    expect(taken.ok ? undefined : [taken.status.code, taken.status.message]).toEqual([422, 'Service "taken" is invalid: spec.ports[0].nodePort: Invalid value: 30053: provided port is already allocated']);
  });

  it("an update keeps each port's nodePort by port name, whatever its number (patchAllocatedValues)", () => {
    const [a, b] = nodePorts(create("named", [{ name: "a", port: 80 }, { name: "b", port: 81 }]));
    expect(nodePorts(update("named", [{ name: "b", port: 80 }, { name: "a", port: 81 }]))).toEqual([b, a]);
  });

  it("an update naming a port's old nodePort for another port draws a new one for the first, and frees the unused one", () => {
    const [a, b] = nodePorts(create("moved", [{ name: "a", port: 80 }, { name: "b", port: 81 }]));
    const [fresh, moved] = nodePorts(update("moved", [{ name: "a", port: 80 }, { name: "b", port: 81, nodePort: a }]));
    expect(moved).toBe(a);
    expect([fresh !== a, fresh !== b, dynamic(fresh)]).toEqual([true, true, true]);
    // b's old nodePort is free again: another Service may name it
    expect(nodePorts(create("reuse", [{ port: 80, nodePort: b }]))).toEqual([b]);
  });
});
