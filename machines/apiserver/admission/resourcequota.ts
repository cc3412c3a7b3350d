// The ResourceQuota admission plugin (apiserver/pkg/admission/plugin/resourcequota), with the pod
// usage evaluator it shares with the ResourceQuota controller (common/quota.ts): a create that
// would pass a quota's status.hard is refused with "exceeded quota: ...", and an admitted one is
// charged to the quota's status.used at once.

import { addQty, formatQty, qty } from "../../common/quantity.js";
import { podResourceNames, podUsage, quotaMatches } from "../../common/quota.js";

type Obj = any;
type ResourceList = Record<string, string>;

// validationSet: quotas on these need every container to state the matching request or limit.
const constrained = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/** The pod evaluator's Constraints: "must specify limits.cpu for: c; ..." or undefined. */
function missingRequests(pod: Obj, hard: readonly string[]): string | undefined {
  const required = constrained.filter((r) => hard.includes(r));
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const r of required) {
      const [which, name] = r.startsWith("limits.") ? ["limits", r.slice(7)] : ["requests", r.replace("requests.", "")];
      if (!Object.hasOwn(c.resources?.[which!] ?? {}, name!)) missing.set(r, (missing.get(r) ?? new Set()).add(c.name));
    }
  }
  if (missing.size === 0) return undefined;
  return `must specify ${[...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(",")}`).join("; ")}`;
}

const pretty = (l: ResourceList, keys: readonly string[]) => keys.map((k) => `${k}=${l[k] ?? "0"}`).join(",");

/** A quota charged by an admitted create: its new status. */
export interface QuotaCharge {
  quota: Obj;
  status: { hard: ResourceList; used: ResourceList };
}

/**
 * The plugin's Validate for a pod being created in a namespace with `quotas` (sorted by name): the
 * Forbidden reason of the first quota it would exceed, or the quotas' new status.used.
 */
export function admitToQuotas(pod: Obj, quotas: readonly Obj[], now: number): { refused: string } | { charges: QuotaCharge[] } {
  const usage = podUsage(pod, now);
  const charges: QuotaCharge[] = [];
  for (const quota of quotas) {
    if (!quotaMatches(quota, pod)) continue;
    const hardList: ResourceList = quota.status?.hard ?? {};
    const names = podResourceNames(Object.keys(hardList));
    if (names.length === 0) continue;
    const name = quota.metadata.name;
    const missing = missingRequests(pod, names);
    if (missing) return { refused: `failed quota: ${name}: ${missing}` };
    const usedList: ResourceList = quota.status?.used ?? {};
    const unknown = names.filter((k) => !Object.hasOwn(usedList, k));
    if (unknown.length > 0) return { refused: `status unknown for quota: ${name}, resources: ${[...names].sort().join(",")}` };
    const newUsed: ResourceList = { ...usedList };
    const exceeded: string[] = [];
    for (const k of names) {
      const delta = usage.get(k);
      if (!delta) continue;
      const before = qty(usedList[k]!) ?? { milli: 0, binary: false };
      const after = addQty(before, delta);
      newUsed[k] = formatQty(after);
      const limit = qty(hardList[k]!);
      if (limit && after.milli > limit.milli) exceeded.push(k);
    }
    if (exceeded.length > 0) {
      exceeded.sort();
      const requested: ResourceList = Object.fromEntries(exceeded.map((k) => [k, formatQty(usage.get(k)!)]));
      const hard: ResourceList = Object.fromEntries(exceeded.map((k) => [k, formatQty(qty(hardList[k]!)!)]));
      const used: ResourceList = Object.fromEntries(exceeded.map((k) => [k, formatQty(qty(usedList[k]!)!)]));
      return { refused: `exceeded quota: ${name}, requested: ${pretty(requested, exceeded)}, used: ${pretty(used, exceeded)}, limited: ${pretty(hard, exceeded)}` };
    }
    if ([...usage.keys()].some((k) => names.includes(k))) charges.push({ quota, status: { hard: hardList, used: newUsed } });
  }
  return { charges };
}
