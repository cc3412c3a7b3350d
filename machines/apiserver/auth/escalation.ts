// RBAC's privilege-escalation prevention (pkg/registry/rbac/escalation_check.go, the policybased
// storages of roles, clusterroles, rolebindings and clusterrolebindings, and
// pkg/registry/rbac/validation's ConfirmNoEscalation / Covers / CompactRules): a user writes a role
// only with every permission in it (or the escalate verb on it), and binds a role only with every
// permission of that role (or the bind verb on it). system:masters may do either.

import { deepEqual } from "../../common/equal.js";
import { goQuote } from "../status.js";
import { aggregateError, roleReferenceRules, ruleResolutionErrors, rulesFor, storedRule, type PolicyRule, type RbacObjects } from "./rbac.js";
import type { Attributes, Decision, UserInfo } from "./types.js";
import { mutant } from "../../common/mutation.js";

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
  // the mutant lets an owner restricted to some names cover a subrule for every name
  const names = list(sub.resourceNames).length === 0 ? list(owner.resourceNames).length === 0 || mutant("escalation.named-owner-covers-unnamed") : list(owner.resourceNames).length === 0 || hasAll(list(owner.resourceNames), list(sub.resourceNames));
  return verbs && groups && resources && names && urls;
}

/** How many subrules BreakdownRule makes of a rule, counted without making them. */
function breakdownSize(rule: PolicyRule): number {
  const names = Math.max(1, list(rule.resourceNames).length);
  return list(rule.apiGroups).length * list(rule.resources).length * rule.verbs.length * names + list(rule.nonResourceURLs).length * rule.verbs.length;
}

// BreakdownRule multiplies a rule's lists: three lists of 200 entries are 8,000,000 subrules, which
// kube-apiserver makes and checks one by one (minutes, gigabytes). Up to this many subrule checks
// podflow does the same; past it, it decides per class of values the owner's rules treat alike
// (the same answer) and lists at most missingCap of the missing subrules.
const breakdownBudget = 100_000;
const missingCap = 10_000;

/** Covers: the subrules of the servant's rules that no owner rule holds. */
export function uncovered(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): Subrule[] {
  let size = 0;
  for (const r of servant) size += breakdownSize(r);
  if (size * Math.max(1, owner.length) <= breakdownBudget) return servant.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
  const out: Subrule[] = [];
  for (const r of servant) {
    if (out.length >= missingCap) break;
    uncoveredByClass(owner, r, out);
  }
  return out;
}

/** The values of a list, grouped by the owner rules that accept each (its signature). */
function classesOf<T>(values: readonly T[], accepts: (o: number, v: T) => boolean, owners: number, explicit: (v: T) => boolean): Array<{ sig: Uint8Array; members: T[] }> {
  const classes: Array<{ sig: Uint8Array; members: T[] }> = [];
  const byKey = new Map<string, number>();
  let plain = -1;
  for (const v of values) {
    // a value no owner rule names is accepted by the wildcards alone: one class for all of them
    if (!explicit(v) && plain >= 0) {
      classes[plain]!.members.push(v);
      continue;
    }
    const sig = new Uint8Array(owners);
    for (let o = 0; o < owners; o++) sig[o] = accepts(o, v) ? 1 : 0;
    const key = sig.join("");
    const at = byKey.get(key);
    if (at !== undefined) classes[at]!.members.push(v);
    else {
      byKey.set(key, classes.length);
      if (!explicit(v)) plain = classes.length;
      classes.push({ sig, members: [v] });
    }
  }
  return classes;
}

/** Covers for one servant rule, by classes of its values; appends its missing subrules to out, up to missingCap. */
function uncoveredByClass(owner: readonly PolicyRule[], rule: PolicyRule, out: Subrule[]): void {
  const m = owner.length;
  const sets = owner.map((o) => ({ verbs: new Set(o.verbs), groups: new Set(list(o.apiGroups)), resources: new Set(list(o.resources)), names: new Set(list(o.resourceNames)) }));
  const union = (f: (x: (typeof sets)[number]) => Set<string>) => new Set(sets.flatMap((x) => [...f(x)]));
  const allVerbs = union((x) => x.verbs);
  const verbs = classesOf(rule.verbs, (o, v) => sets[o]!.verbs.has("*") || sets[o]!.verbs.has(v), m, (v) => allVerbs.has(v));
  const all = (sig: readonly Uint8Array[]): boolean => {
    for (let o = 0; o < m; o++) if (sig.every((s) => s[o] === 1)) return true;
    return false;
  };
  const start = out.length;
  const full = () => out.length >= missingCap;
  if (list(rule.apiGroups).length > 0 && list(rule.resources).length > 0) {
    const allGroups = union((x) => x.groups);
    const allResources = union((x) => x.resources);
    const groups = classesOf(list(rule.apiGroups), (o, g) => sets[o]!.groups.has("*") || sets[o]!.groups.has(g), m, (g) => allGroups.has(g));
    const resources = classesOf(list(rule.resources), (o, r) => resourceCoversAll(owner[o]!.resources ?? [], [r]), m, (r) => allResources.has(r) || (r.includes("/") && allResources.has(`*/${r.slice(r.indexOf("/") + 1)}`)));
    const named = list(rule.resourceNames).length > 0;
    const allNames = union((x) => x.names);
    const names = named
      ? classesOf<string | undefined>(list(rule.resourceNames), (o, n) => sets[o]!.names.size === 0 || sets[o]!.names.has(n!), m, (n) => allNames.has(n!))
      : classesOf<string | undefined>([undefined], (o) => sets[o]!.names.size === 0, m, () => true);
    for (const cg of groups) for (const cr of resources) for (const cv of verbs) for (const cn of names) {
      if (all([cg.sig, cr.sig, cv.sig, cn.sig])) continue;
      for (const g of cg.members) for (const r of cr.members) for (const v of cv.members) for (const n of cn.members) {
        if (full()) return sortMissing(rule, out, start);
        out.push(n === undefined ? { apiGroups: [g], resources: [r], verbs: [v] } : { apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
      }
    }
  }
  if (list(rule.nonResourceURLs).length > 0) {
    const patterns = [...new Set(owner.flatMap((o) => list(o.nonResourceURLs)))];
    const urls = classesOf(list(rule.nonResourceURLs), (o, u) => sets[o]!.names.size === 0 && list(owner[o]!.nonResourceURLs).some((p) => nonResourceURLCovers(p, u)), m, (u) => patterns.some((p) => nonResourceURLCovers(p, u)));
    for (const cu of urls) for (const cv of verbs) {
      if (all([cu.sig, cv.sig])) continue;
      for (const u of cu.members) for (const v of cv.members) {
        if (full()) return sortMissing(rule, out, start);
        out.push({ nonResourceURLs: [u], verbs: [v] });
      }
    }
  }
  sortMissing(rule, out, start);
}

/** Puts the missing subrules of one rule (out from start) in BreakdownRule's order: group, resource, verb, name; then URL, verb. */
function sortMissing(rule: PolicyRule, out: Subrule[], start: number): void {
  const part = out.splice(start);
  // first places, looked up only for the values that are missing (the lists may be long)
  const index = (xs: readonly string[], pick: (s: Subrule) => string | undefined) => {
    const wanted = new Set<string>();
    for (const s of part) {
      const x = pick(s);
      if (x !== undefined) wanted.add(x);
    }
    const m = new Map<string, number>();
    for (let i = 0; i < xs.length && m.size < wanted.size; i++) if (wanted.has(xs[i]!) && !m.has(xs[i]!)) m.set(xs[i]!, i);
    return (x: string | undefined) => (x === undefined ? 0 : m.get(x) ?? 0);
  };
  const g = index(list(rule.apiGroups), (s) => s.apiGroups?.[0]);
  const r = index(list(rule.resources), (s) => s.resources?.[0]);
  const v = index(rule.verbs, (s) => s.verbs[0]);
  const n = index(list(rule.resourceNames), (s) => s.resourceNames?.[0]);
  const u = index(list(rule.nonResourceURLs), (s) => s.nonResourceURLs?.[0]);
  const key = (s: Subrule) => (s.nonResourceURLs ? [1, u(s.nonResourceURLs[0]), v(s.verbs[0]), 0, 0] : [0, g(s.apiGroups?.[0]), r(s.resources?.[0]), v(s.verbs[0]), n(s.resourceNames?.[0])]);
  const keyed = part.map((s) => ({ s, k: key(s) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < 5; i++) if (a.k[i] !== b.k[i]) return a.k[i]! - b.k[i]!;
    return 0;
  });
  for (const p of keyed) out.push(p.s);
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
  const msg = `user ${goQuote(user.name)} (groups=${goStrings(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join("\n")}`;
  // the rule resolver's non-fatal errors, as fmt prints a []error of one utilerrors aggregate
  const errors = ruleResolutionErrors(user, namespace, store);
  if (errors.length === 0) return msg;
  return `${msg}; resolution errors: [${aggregateError(errors)}]`;
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

const hasAggregationRule = (role: any): boolean => {
  const selectors = role?.aggregationRule?.clusterRoleSelectors;
  return Array.isArray(selectors) && selectors.length > 0;
};

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
      // an aggregationRule can gather anything: setting, changing or dropping one needs * on *.* (the
      // clusterrole storage's fullAuthority); hasAggregationRule counts a rule with at least one selector
      const aggregates = w.resource === "clusterroles" && (hasAggregationRule(w.obj) || hasAggregationRule(w.old));
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
