// The pod usage evaluator of pkg/quota/v1/evaluator/core, shared by the ResourceQuota admission
// plugin and the ResourceQuota controller: a pod counts against its namespace's quotas (pods,
// count/pods, requests.* and limits.* of cpu, memory and ephemeral-storage) until it is terminal.

import { addQty, formatQty, qty, type Qty } from "./quantity.js";

type Obj = any;
type ResourceList = Record<string, string>;

// The resources a pod's usage names; cpu and memory are the requests.* ones by their short names too.
const computeResources = ["cpu", "memory", "ephemeral-storage"];

/** PodRequests/PodLimits: the containers' sum, or an init container's own amount when that is larger. */
function podAmounts(pod: Obj, which: "requests" | "limits"): Map<string, Qty> {
  const out = new Map<string, Qty>();
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries<string | number>(c.resources?.[which] ?? {})) {
      const q = qty(v);
      if (!q) continue;
      const prev = out.get(k);
      out.set(k, prev ? addQty(prev, q) : q);
    }
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries<string | number>(c.resources?.[which] ?? {})) {
      const q = qty(v);
      const prev = out.get(k);
      if (q && (!prev || q.milli > prev.milli)) out.set(k, q);
    }
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace, no longer count. */
export function podCountsForQuota(pod: Obj, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  const del = pod.metadata?.deletionTimestamp;
  if (del && pod.metadata?.deletionGracePeriodSeconds !== undefined) {
    const end = Date.parse(del) + pod.metadata.deletionGracePeriodSeconds * 1000;
    if (now > end) return false;
  }
  return true;
}

/** PodUsageFunc: what one pod uses of each quota resource. */
export function podUsage(pod: Obj, now: number): Map<string, Qty> {
  const out = new Map<string, Qty>();
  if (!podCountsForQuota(pod, now)) return out;
  out.set("pods", { milli: 1000, binary: false });
  out.set("count/pods", { milli: 1000, binary: false });
  for (const [k, q] of podAmounts(pod, "requests")) {
    if (!computeResources.includes(k)) continue;
    out.set(`requests.${k}`, q);
    out.set(k, q);
  }
  for (const [k, q] of podAmounts(pod, "limits")) if (computeResources.includes(k)) out.set(`limits.${k}`, q);
  return out;
}

/** What a quota's hard limits name, with no scopes or only the scopes podflow evaluates. */
export function quotaMatches(quota: Obj, pod: Obj): boolean {
  const scopes: string[] = quota.spec?.scopes ?? [];
  const bestEffort = (pod.spec?.containers ?? []).every((c: Obj) => Object.keys(c.resources?.requests ?? {}).length === 0 && Object.keys(c.resources?.limits ?? {}).length === 0);
  const terminating = pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
  return scopes.every((s) => (s === "BestEffort" ? bestEffort : s === "NotBestEffort" ? !bestEffort : s === "Terminating" ? terminating : s === "NotTerminating" ? !terminating : true));
}

/** The resources of `hard` a pod's usage can touch (the pod evaluator's MatchingResources). */
export function podResourceNames(hard: readonly string[]): string[] {
  const known = new Set(["pods", "count/pods", ...computeResources, ...computeResources.flatMap((r) => [`requests.${r}`, `limits.${r}`])]);
  return hard.filter((k) => known.has(k));
}

/** CalculateUsage: a quota's status.used over the pods of its namespace, for the resources it limits. */
export function quotaUsed(quota: Obj, pods: Iterable<Obj>, now: number): ResourceList {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const names = podResourceNames(hard);
  const used = new Map<string, Qty>();
  for (const pod of pods) {
    if (pod.metadata?.namespace !== quota.metadata?.namespace || !quotaMatches(quota, pod)) continue;
    for (const [k, q] of podUsage(pod, now)) {
      if (!names.includes(k)) continue;
      const prev = used.get(k);
      used.set(k, prev ? addQty(prev, q) : q);
    }
  }
  const out: ResourceList = {};
  // Every limited resource has a used value, "0" when nothing uses it.
  for (const k of [...names].sort()) out[k] = used.has(k) ? formatQty(used.get(k)!) : "0";
  return out;
}

