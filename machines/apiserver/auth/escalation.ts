// RBAC's privilege-escalation prevention (pkg/registry/rbac/escalation_check.go, the policybased
// storages of roles, clusterroles, rolebindings and clusterrolebindings, and
// pkg/registry/rbac/validation's ConfirmNoEscalation / Covers / CompactRules): a user writes a role
// only with every permission in it (or the escalate verb on it), and binds a role only with every
// permission of that role (or the bind verb on it). system:masters may do either.

import { deepEqual } from "../../common/equal.js";
import { goQuote } from "../status.js";
import { roleReferenceRules, rulesFor, storedRule, type PolicyRule, type RbacObjects } from "./rbac.js";
import type { Attributes, Decision, UserInfo } from "./types.js";

/** A subrule of BreakdownRule: one group, resource and verb (and at most one name), or one URL and verb. */
type Subrule = { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[]; verbs: string[] };

const list = (v: readonly string[] | undefined): readonly string[] => v ?? [];

/** BreakdownRule: a rule as the rules of one verb, one resource and one resource name each. */
function breakdownRule(rule: PolicyRule): Subrule[] {
  const out: Subrule[] = [];
  for (const group of list(rule.apiGroups)) {
    for (const resource of list(rule.resources)) {
      for (const verb of rule.verbs) {
        if (list(rule.resourceNames).length > 0) {
          for (const name of list(rule.resourceNames)) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of list(rule.nonResourceURLs)) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const hasAll = (set: readonly string[], contains: readonly string[]): boolean => contains.every((x) => set.includes(x));

/** resourceCoversAll: "*", the resources themselves, or "*\/<subresource>" for a subresource. */
function resourceCoversAll(set: readonly string[], covers: readonly string[]): boolean {
  if (set.includes("*") || hasAll(set, covers)) return true;
  for (const path of covers) {
    if (set.includes(path)) continue;
    const slash = path.indexOf("/");
    if (slash < 0) return false;
    if (!set.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith("*") && sub.startsWith(owner.replace(/\*+$/, "")));
}

/** ruleCovers: whether the owner's rule holds the subrule. */
function ruleCovers(owner: PolicyRule, sub: Subrule): boolean {
  const verbs = owner.verbs.includes("*") || hasAll(owner.verbs, sub.verbs);
  const groups = list(owner.apiGroups).includes("*") || hasAll(list(owner.apiGroups), list(sub.apiGroups));
  const resources = resourceCoversAll(list(owner.resources), list(sub.resources));
  const urls = list(sub.nonResourceURLs).every((u) => list(owner.nonResourceURLs).some((o) => nonResourceURLCovers(o, u)));
  const names = list(sub.resourceNames).length === 0 ? list(owner.resourceNames).length === 0 : list(owner.resourceNames).length === 0 || hasAll(list(owner.resourceNames), list(sub.resourceNames));
  return verbs && groups && resources && names && urls;
}

/** Covers: the subrules of the servant's rules that no owner rule holds. */
export function uncovered(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): Subrule[] {
  return servant.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
}

/** CompactRules: the subrules of one group and resource (and name) merged into one rule of their verbs. */
function compactRules(rules: readonly Subrule[]): Subrule[] {
  const out: Subrule[] = [];
  const simple = new Map<string, Subrule>();
  for (const r of rules) {
    if (list(r.nonResourceURLs).length > 0) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? null]);
    const seen = simple.get(key);
    if (seen) seen.verbs = [...seen.verbs, ...r.verbs];
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

const goStrings = (v: readonly string[]): string => `[${v.map(goQuote).join(" ")}]`;

/** PolicyRule.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}`. */
function compactString(r: Subrule): string {
  const parts: string[] = [];
  if (list(r.apiGroups).length > 0) parts.push(`APIGroups:${goStrings(r.apiGroups!)}`);
  if (list(r.resources).length > 0) parts.push(`Resources:${goStrings(r.resources!)}`);
  if (list(r.nonResourceURLs).length > 0) parts.push(`NonResourceURLs:${goStrings(r.nonResourceURLs!)}`);
  if (list(r.resourceNames).length > 0) parts.push(`ResourceNames:${goStrings(r.resourceNames!)}`);
  if (r.verbs.length > 0) parts.push(`Verbs:${goStrings(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** ConfirmNoEscalation: the error when the user's RBAC rules in the namespace do not hold every one of rules. */
export function confirmNoEscalation(user: UserInfo, namespace: string, rules: readonly PolicyRule[], store: RbacObjects | undefined): string | undefined {
  const owner = rulesFor(user, namespace, store).map((s) => s.rule);
  const missing = uncovered(owner, rules);
  if (missing.length === 0) return undefined;
  // sets.NewString(...).List(): distinct and sorted
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  return `user ${goQuote(user.name)} (groups=${goStrings(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join("\n")}`;
}

const fullAuthority: readonly PolicyRule[] = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, { verbs: ["*"], nonResourceURLs: ["*"] }];

/** A write to an RBAC object, as the policybased storages see it. */
export interface RbacWrite {
  user: UserInfo;
  /** the resource written: roles, clusterroles, rolebindings or clusterrolebindings */
  resource: string;
  /** the request's namespace ("" for the cluster-scoped kinds) and name ("" for a create) */
  namespace: string;
  name: string;
  obj: any;
  old?: any;
}

const privileged = (user: UserInfo): boolean => user.groups.includes("system:masters");

/** IsOnlyMutatingGCFields: an update that changes nothing but owner references and finalizers needs no check. */
function onlyGCFields(obj: any, old: any): boolean {
  if (!old) return false;
  const strip = (o: any) => {
    // resourceVersion and managedFields are the server's; the fields the garbage collector writes are the others
    const { ownerReferences: _o, finalizers: _f, selfLink: _s, managedFields: _m, resourceVersion: _r, ...meta } = o?.metadata ?? {};
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(obj), strip(old));
}

/**
 * The escalation check of a create or update of an RBAC object: the Forbidden message it ends in,
 * or undefined when the write may go on. authorize is the API server's authorizer (for the
 * escalate and bind verbs).
 */
export function escalationError(w: RbacWrite, store: RbacObjects | undefined, authorize: (a: Attributes) => Decision): string | undefined {
  if (privileged(w.user) || onlyGCFields(w.obj, w.old)) return undefined;
  const base = { user: w.user, resourceRequest: true, apiGroup: "rbac.authorization.k8s.io", subresource: "", path: "", fieldSelector: [] };
  const rules = (v: unknown): PolicyRule[] => (Array.isArray(v) ? v : []).map(storedRule);
  switch (w.resource) {
    case "roles":
    case "clusterroles": {
      // RoleEscalationAuthorized: the escalate verb on the resource, by the request's name
      if (authorize({ ...base, verb: "escalate", resource: w.resource, namespace: w.namespace, name: w.name }).allowed) return undefined;
      const missing = confirmNoEscalation(w.user, w.namespace, rules(w.obj?.rules), store);
      if (missing !== undefined) return missing;
      // an aggregationRule can gather anything: setting one needs * on *.* (the clusterrole storage's fullAuthority)
      const aggregates = w.resource === "clusterroles" && w.obj?.aggregationRule != null;
      if (aggregates && confirmNoEscalation(w.user, w.namespace, fullAuthority, store) !== undefined) return "must have cluster-admin privileges to use the aggregationRule";
      return undefined;
    }
    case "rolebindings":
    case "clusterrolebindings": {
      const ref = w.obj?.roleRef ?? {};
      // BindingAuthorized: the bind verb on the referenced role, in the binding's namespace
      const boundResource = ref.kind === "ClusterRole" ? "clusterroles" : ref.kind === "Role" ? "roles" : undefined;
      if (boundResource && authorize({ ...base, verb: "bind", apiGroup: typeof ref.apiGroup === "string" ? ref.apiGroup : "", resource: boundResource, namespace: w.namespace, name: typeof ref.name === "string" ? ref.name : "" }).allowed) return undefined;
      const res = roleReferenceRules(ref, w.namespace, store);
      if ("error" in res) return res.error;
      return confirmNoEscalation(w.user, w.namespace, res.rules, store);
    }
    default: return undefined;
  }
}
