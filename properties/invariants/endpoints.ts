// Invariant: Endpoints list only Ready pods that match the Service selector, at their resolved
// ports. The controller works from a cache, so an Endpoints may lag the pods it lists; what must
// never happen is a ready address that no version of its pod and Service, stored no later than the
// Endpoints itself, justifies. Versions come from the API server's watch-cache history.

import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { Cluster } from "../../runtime/cluster.js";
import { ENDPOINTS_CONTROLLER_NAME, ENDPOINTS_MANAGED_BY_LABEL } from "../../machines/endpoints/endpoints.logic.js";
import { findPort, isPodReady, matchesServiceSelector, podIPv4, shouldPodBeInEndpoints } from "../../machines/common/endpointutil.js";

/** Every version of every object of a kind the API server still remembers, newest last. */
function versions(cluster: Cluster, kind: string): any[] {
  const cache = cluster.runtime.snapshot("apiserver").context.cache;
  const out: any[] = [];
  for (const h of cache.history) {
    if (h.kind !== kind) continue;
    // the version a change replaced may be older than the history itself: it counts too
    if (h.prev) out.push(h.prev);
    if (h.obj) out.push(h.obj);
  }
  for (const obj of cache.byKind.get(kind)?.values() ?? []) out.push(obj);
  return out;
}

const rv = (obj: any): number => Number(obj.metadata?.resourceVersion ?? 0);

/** Why this pod version does not justify the ready address under this Service version, or undefined when it does. */
function unjustified(svc: Service, pod: Pod, ip: string, ports: { name?: string; port: number }[]): string | undefined {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  if ((pod.metadata?.namespace ?? "default") !== (svc.metadata?.namespace ?? "default")) return "is in another namespace";
  if (!matchesServiceSelector(svc.spec?.selector, pod.metadata?.labels)) return "does not match the Service selector";
  if (!shouldPodBeInEndpoints(pod, publish)) return "is terminating or terminal";
  if (!publish && !isPodReady(pod)) return "is not Ready";
  if (podIPv4(pod) !== ip) return `has IP ${podIPv4(pod) ?? "<none>"}`;
  for (const p of ports) {
    const sp = (svc.spec?.ports ?? []).find((x) => (x.name ?? "") === (p.name ?? ""));
    if (!sp) return `has no Service port named "${p.name ?? ""}"`;
    if (findPort(pod, sp) !== p.port) return `resolves port "${p.name ?? ""}" to ${findPort(pod, sp) ?? "nothing"}, not ${p.port}`;
  }
  return undefined;
}

/** endpointsOnlyReadyMatchingPods: the violations (empty = the invariant holds). */
export function endpointsOnlyReadyMatchingPods(cluster: Cluster): string[] {
  const violations: string[] = [];
  const services = versions(cluster, "Service");
  const pods = versions(cluster, "Pod");
  const history = cluster.runtime.snapshot("apiserver").context.cache.history;
  const oldestRemembered = history.length > 0 ? history[0].revision : Infinity;
  for (const ep of cluster.list("Endpoints") as Endpoints[]) {
    if (ep.metadata?.labels?.[ENDPOINTS_MANAGED_BY_LABEL] !== ENDPOINTS_CONTROLLER_NAME) continue;
    // Once the history no longer reaches back to this Endpoints' write (it is bounded, and
    // compaction trims it), the versions that justified it may be gone: it cannot be judged.
    if (oldestRemembered > rv(ep)) continue;
    const ns = ep.metadata?.namespace ?? "default";
    const name = `${ns}/${ep.metadata?.name}`;
    const svcVersions = services.filter((s) => s.metadata.namespace === ns && s.metadata.name === ep.metadata?.name && rv(s) <= rv(ep));
    // A Service the API server no longer remembers cannot be judged.
    if (svcVersions.length === 0) continue;
    for (const ss of ep.subsets ?? []) {
      for (const a of ss.addresses ?? []) {
        const uid = a.targetRef?.uid;
        const podVersions = pods.filter((p) => p.metadata.uid === uid && rv(p) <= rv(ep));
        const who = `${a.ip} (pod ${a.targetRef?.namespace}/${a.targetRef?.name})`;
        if (podVersions.length === 0) {
          violations.push(`Endpoints ${name} lists ${who} as ready, but no such pod was stored before it`);
          continue;
        }
        const reasons = svcVersions.flatMap((s) => podVersions.map((p) => unjustified(s, p, a.ip, ss.ports ?? [])));
        if (reasons.every((r) => r !== undefined)) {
          violations.push(`Endpoints ${name} lists ${who} as ready, but the pod ${reasons[reasons.length - 1]}`);
        }
      }
    }
  }
  return violations;
}
