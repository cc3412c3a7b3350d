// deletionReversesCreation: once everything a workload created is deleted and the cluster has
// settled, the cluster's footprint equals what it was before the creation. The footprint is
// etcd's key space (values without resourceVersions; without events, leases and node heartbeats,
// which move on their own), every node's IPAM, every runtime's sandboxes and containers (images
// may stay cached, as on a real node), the Endpoints and every kube-proxy's rules.

import type { Runtime } from "../../runtime/runtime.js";
import type { Violation } from "./core.js";
import { containerStateOf, sandboxReady } from "./k8s.js";

export const deletionInvariant = "deletionReversesCreation";

/** Keys whose values change with time alone, not with what the workload did. */
const ignoredPrefixes = ["/registry/events/", "/registry/leases/"];

/**
 * A StatefulSet's claim kept by the Retain policy: deleting or scaling a StatefulSet leaves the
 * PersistentVolumeClaims of its volumeClaimTemplates (and their data) on purpose. The check deletes
 * every object it applied, so a claim <template>-<set>-<ordinal> left without ownerReferences is one
 * the StatefulSet controller made. The volume bound to it stays with it.
 */
function retainedClaim(key: string, value: any): boolean {
  return key.startsWith("/registry/persistentvolumeclaims/") && (value?.metadata?.ownerReferences ?? []).length === 0 && /^.+-.+-[0-9]+$/.test(value?.metadata?.name ?? "");
}

/** Strips what moves on its own: resourceVersions, heartbeat times, the node status the kubelet re-posts. */
function stable(key: string, value: any): any {
  const strip = (v: any): any => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== "object" || v === null) return v;
    const o: any = {};
    for (const k of Object.keys(v).sort()) {
      if (k === "resourceVersion" || k === "lastHeartbeatTime" || k === "managedFields") continue;
      o[k] = strip(v[k]);
    }
    return o;
  };
  const out = strip(value);
  // A Node's status is the kubelet's heartbeat: only its spec and metadata are the workload's business.
  // The node.kubernetes.io/ taints follow that health (the node lifecycle controller derives them
  // from the Ready condition), so they go with it.
  if (key.startsWith("/registry/minions/") || key.startsWith("/registry/nodes/")) {
    delete out.status;
    if (Array.isArray(out.spec?.taints)) {
      out.spec.taints = out.spec.taints.filter((t: any) => !String(t?.key).startsWith("node.kubernetes.io/"));
      if (out.spec.taints.length === 0) delete out.spec.taints;
    }
  }
  return out;
}

/** Everything deletion must give back, as one comparable value per part. */
export function footprint(rt: Runtime): Record<string, Record<string, string>> {
  const parts: Record<string, Record<string, string>> = { etcd: {}, ipam: {}, cri: {}, proxy: {} };
  const etcd = rt.snapshot("etcd")?.context;
  // The retained claims, and the volumes bound to them, which stay with them.
  const retained = new Set<string>();
  for (const [key, kv] of etcd?.kv ?? []) if (retainedClaim(key, (kv as any).value)) retained.add(`${(kv as any).value.metadata.namespace}/${(kv as any).value.metadata.name}`);
  for (const [key, kv] of etcd?.kv ?? []) {
    if (ignoredPrefixes.some((p) => key.startsWith(p))) continue;
    if (retainedClaim(key, (kv as any).value)) continue;
    const claimRef = key.startsWith("/registry/persistentvolumes/") ? (kv as any).value?.spec?.claimRef : undefined;
    if (claimRef && retained.has(`${claimRef.namespace}/${claimRef.name}`)) continue;
    parts.etcd![key] = JSON.stringify(stable(key, (kv as any).value));
  }
  for (const a of rt.addresses().sort()) {
    const ctx = rt.snapshot(a)?.context;
    if (a.startsWith("cni/")) parts.ipam![a] = JSON.stringify(ctx.ipam?.allocations ?? {});
    else if (a.startsWith("cri/")) {
      parts.cri![`${a} sandboxes`] = JSON.stringify([...ctx.sandboxes.values()].map((s: any) => `${s.podNamespace}/${s.podName} ${sandboxReady(s) ? "SANDBOX_READY" : "SANDBOX_NOTREADY"}`));
      parts.cri![`${a} containers`] = JSON.stringify([...ctx.containers.values()].map((c: any) => `${c.name} ${containerStateOf(c)}`));
    }
  }
  // What kube-proxy last programmed, per Service: the Service and its slices' endpoints (the rules
  // are a function of these; resourceVersions and times stripped).
  const programmed: Map<string, { svc: any; slices: any[] }> | undefined = rt.snapshot("kube-proxy")?.context?.programmed;
  for (const [key, p] of programmed ?? []) {
    const ports = p.svc?.spec?.ports ?? [];
    const endpoints = p.slices.flatMap((s: any) => (s.endpoints ?? []).map((e: any) => `${(e.addresses ?? []).join(",")} ${JSON.stringify(e.conditions ?? {})}`)).sort();
    parts.proxy![`kube-proxy ${key}`] = JSON.stringify({ clusterIP: p.svc?.spec?.clusterIP, ports: stable("", ports), endpoints });
  }
  return parts;
}

/** The differences between two footprints, one violation per key that changed, appeared or vanished. */
export function footprintDiff(before: ReturnType<typeof footprint>, after: ReturnType<typeof footprint>): Violation[] {
  const out: Violation[] = [];
  for (const part of Object.keys(before)) {
    const b = before[part]!;
    const a = after[part] ?? {};
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push({ invariant: deletionInvariant, message: `${part}: ${k} is left behind: ${a[k]!.slice(0, 200)}` });
      else if (a[k] !== b[k]) out.push({ invariant: deletionInvariant, message: `${part}: ${k} differs: before ${around(b[k]!, a[k]!)}, after ${around(a[k]!, b[k]!)}` });
    }
    for (const k of Object.keys(b)) if (!(k in a)) out.push({ invariant: deletionInvariant, message: `${part}: ${k} is gone` });
  }
  return out;
}

/** The text around where two values first differ (a long object differs deep inside). */
function around(x: string, y: string): string {
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 80);
  return `${from > 0 ? "..." : ""}${x.slice(from, i + 120)}${i + 120 < x.length ? "..." : ""}`;
}
