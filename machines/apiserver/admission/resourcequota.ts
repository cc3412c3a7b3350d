// The ResourceQuota admission plugin (apiserver/pkg/admission/plugin/resourcequota), with the
// usage evaluators it shares with the ResourceQuota controller (common/quota.ts): a create (or a
// Service's or claim's update) that would pass a quota's status.hard is refused with "exceeded
// quota: ...", and an admitted one is charged to the quota's status.used at once.

import { addQuantity, cmpQuantity, countQuantity, parseGoQuantity, quantityString, subQuantity, type GoQuantity as Qty } from "../../common/goquantity.js";
import { matchingResources, objectUsage, quotaMatches, type GroupResource } from "../../common/quota.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;
type ResourceList = Record<string, string>;

// validationSet: quotas on these need every container to state the matching request or limit.
const constrained = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/** The pod evaluator's Constraints: "must specify limits.cpu for: c; ..." or undefined. */
function missingRequests(pod: Obj, hard: readonly string[]): string | undefined {
  const required = constrained.filter((r) => hard.includes(r));
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(mutant("quota.admission-init-containers-unchecked") ? [] : (pod.spec?.initContainers ?? []))]) {
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

/** The evaluator's Handles: every create; of updates, those of Services and claims (their usage can grow). Events are never quota's (install's ignoredResources). */
export function quotaHandles(r: GroupResource, operation: "CREATE" | "UPDATE"): boolean {
  if (r.resource === "events" && (r.group === "" || r.group === "events.k8s.io")) return false;
  return operation === "CREATE" || (r.group === "" && (r.resource === "services" || r.resource === "persistentvolumeclaims"));
}

/**
 * The plugin's Validate for an object of `r` being written in a namespace with `quotas` (sorted by
 * name): the Forbidden reason of the first quota it would exceed, or the quotas' new status.used.
 * An update is charged only what it adds to the old object's usage (SubtractWithNonNegativeResult).
 */
export function admitToQuotas(obj: Obj, quotas: readonly Obj[], now: number, r: GroupResource = { group: "", resource: "pods" }, old?: Obj): { refused: string } | { charges: QuotaCharge[] } {
  if (!quotaHandles(r, old ? "UPDATE" : "CREATE")) return { charges: [] };
  const usage = objectUsage(r, obj, now);
  const charges: QuotaCharge[] = [];
  for (const quota of quotas) {
    if (!quotaMatches(quota, obj, r)) continue;
    const hardList: ResourceList = quota.status?.hard ?? {};
    const names = matchingResources(r, Object.keys(hardList));
    if (names.length === 0) continue;
    const name = quota.metadata.name;
    const missing = r.group === "" && r.resource === "pods" ? missingRequests(obj, names) : undefined;
    if (missing) return { refused: `failed quota: ${name}: ${missing}` };
    // what the write adds: all of a create's usage, the growth of an update's (an old object the quota selected)
    const delta = new Map<string, Qty>();
    const before = old && quotaMatches(quota, old, r) ? objectUsage(r, old, now) : new Map<string, Qty>();
    for (const [k, q] of usage) {
      const prior = before.get(k);
      const d = prior === undefined ? q : subQuantity(q, prior);
      if (d.n > 0n) delta.set(k, d);
    }
    if (![...delta.keys()].some((k) => names.includes(k))) continue;
    const usedList: ResourceList = quota.status?.used ?? {};
    const unknown = names.filter((k) => !Object.hasOwn(usedList, k));
    if (unknown.length > 0 && !mutant("quota.admission-unknown-status-admits")) return { refused: `status unknown for quota: ${name}, resources: ${[...names].sort().join(",")}` };
    const newUsed: ResourceList = { ...usedList };
    const exceeded: string[] = [];
    for (const k of names) {
      const d = delta.get(k);
      if (!d) continue;
      const usedBefore = parseGoQuantity(usedList[k]!) ?? countQuantity(0);
      const after = addQuantity(usedBefore, d);
      newUsed[k] = quantityString(after);
      const limit = parseGoQuantity(hardList[k]!);
      // the mutant holds what was used before the write against the limit, not what it would be after
      if (limit && cmpQuantity(mutant("quota.admission-checks-used-not-after") ? usedBefore : after, limit) > 0) exceeded.push(k);
    }
    if (exceeded.length > 0) {
      exceeded.sort();
      const requested: ResourceList = Object.fromEntries(exceeded.map((k) => [k, quantityString(delta.get(k)!)]));
      // the quota's status quantities print as stored (Quantity.String() keeps a canonical input: "1e1" stays)
      const hard: ResourceList = Object.fromEntries(exceeded.map((k) => [k, String(hardList[k])]));
      const used: ResourceList = Object.fromEntries(exceeded.map((k) => [k, String(usedList[k])]));
      return { refused: `exceeded quota: ${name}, requested: ${pretty(requested, exceeded)}, used: ${pretty(used, exceeded)}, limited: ${pretty(hard, exceeded)}` };
    }
    charges.push({ quota, status: { hard: hardList, used: newUsed } });
  }
  return { charges };
}
