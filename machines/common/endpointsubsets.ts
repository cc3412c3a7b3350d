// The subsets of a v1 Endpoints as pkg/api/v1/endpoints arranges them: addresses ordered as
// LessEndpointAddress orders them, ports by name and number, and RepackSubsets' regrouping. The
// endpoints controller writes Endpoints this way; the EndpointSlice mirroring controller reads
// user-written ones through RepackSubsets before it mirrors them.

import type { EndpointAddress, EndpointPort, EndpointSubset } from "kubernetes-types/core/v1";
import { mutant } from "./mutation.js";

/** endpoint.LessEndpointAddress: by IP as a byte string, then by targetRef UID. */
export function lessEndpointAddress(a: EndpointAddress, b: EndpointAddress): boolean {
  if (a.ip !== b.ip) return a.ip < b.ip;
  if (!b.targetRef) return false;
  if (!a.targetRef) return true;
  return (a.targetRef.uid ?? "") < (b.targetRef.uid ?? "");
}

export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return lessEndpointAddress(a, b) ? -1 : lessEndpointAddress(b, a) ? 1 : 0;
}

export function portKey(p: EndpointPort): string {
  return `${p.name ?? ""}\u0000${p.port}\u0000${p.protocol ?? ""}\u0000${p.appProtocol ?? ""}`;
}

export function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return portKey(a) < portKey(b) ? -1 : portKey(a) > portKey(b) ? 1 : 0;
}

export function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ""}`;
}

/**
 * endpoints.RepackSubsets: regroups addresses so each subset holds the addresses that share one
 * port set; an address not-ready on a port stays not-ready there. Addresses are sorted as the
 * controller sorts them; ports and subsets, which Kubernetes orders by an md5 of their Go dump,
 * are ordered here by name/port so the result is still deterministic.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort>();
  // port key → (address key → ready)
  const byPort = new Map<string, Map<string, boolean>>();
  const note = (addr: EndpointAddress, port: EndpointPort, ready: boolean): void => {
    const ak = addressKey(addr);
    if (!addrs.has(ak)) addrs.set(ak, addr);
    const pk = portKey(port);
    ports.set(pk, port);
    const set = byPort.get(pk) ?? new Map<string, boolean>();
    byPort.set(pk, set);
    // Not-ready always trumps ready.
    if (set.get(ak) !== false || mutant("endpoints.repack-last-readiness-wins")) set.set(ak, ready);
  };
  for (const ss of subsets) {
    // A subset without ports keeps its addresses under a sentinel port.
    const ssPorts: EndpointPort[] = ss.ports?.length ? ss.ports : [{ port: -1 }];
    for (const port of ssPorts) {
      for (const a of ss.addresses ?? []) note(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  // Group ports by the identical address→readiness set they map to.
  const groups = new Map<string, { set: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, set] of byPort) {
    const key = [...set.entries()].map(([a, r]) => `${a}=${r}`).sort().join("|");
    const g = groups.get(key) ?? { set, ports: [] };
    groups.set(key, g);
    const port = ports.get(pk)!;
    if (port.port !== -1) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, r] of g.set) (r ? ready : notReady).push(addrs.get(ak)!);
    const ss: EndpointSubset = {};
    if (ready.length) ss.addresses = ready.sort(compareAddresses);
    if (notReady.length) ss.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length) ss.ports = g.ports.sort(comparePorts);
    out.push(ss);
  }
  return out.sort((a, b) => subsetKey(a).localeCompare(subsetKey(b)));
}

function subsetKey(ss: EndpointSubset): string {
  return [...(ss.ports ?? []).map(portKey), ...(ss.addresses ?? []).map(addressKey)].join("|");
}
