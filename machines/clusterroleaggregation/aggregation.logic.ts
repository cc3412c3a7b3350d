// kube-controller-manager's ClusterRole aggregation controller
// (pkg/controller/clusterroleaggregation): a ClusterRole with an aggregationRule holds the rules of
// every ClusterRole its selectors match, written by server-side apply. Pure functions here; the
// machine and its steps are in aggregation.machine.ts.

import { compileLabelSelector } from "../common/labels.js";
import { deepEqual } from "../common/equal.js";
import { mutant } from "../common/mutation.js";

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A rule as equality.Semantic compares it: a missing list and an empty one are the same. */
function comparable(rule: any): unknown {
  const r = rule !== null && typeof rule === "object" ? rule : {};
  return [list(r.verbs), list(r.apiGroups), list(r.resources), list(r.resourceNames), list(r.nonResourceURLs)];
}

function sameRules(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((r, i) => deepEqual(comparable(r), comparable(b[i])));
}

const byName = (a: any, b: any) => {
  const x = String(a?.metadata?.name ?? "");
  const y = String(b?.metadata?.name ?? "");
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * syncClusterRole's rules: for each selector in order, the matching ClusterRoles by name (the role
 * itself skipped), each rule once. Undefined for a role without an aggregationRule.
 */
export function aggregatedRules(role: any, roles: Iterable<any>): unknown[] | undefined {
  const rule = role?.aggregationRule;
  if (rule === null || typeof rule !== "object") return undefined;
  const all = [...roles];
  const out: unknown[] = [];
  for (const selector of list(rule.clusterRoleSelectors)) {
    const matches = compileLabelSelector(selector as any);
    const selected = all.filter((r) => matches(r?.metadata?.labels ?? {})).sort(byName);
    for (const other of selected) {
      if (other.metadata?.name === role.metadata?.name && !mutant("clusterroleaggregation.includes-itself")) continue;
      for (const r of list(other.rules)) if (!out.some((o) => deepEqual(comparable(o), comparable(r)))) out.push(r);
    }
  }
  return out;
}

/** The apply a sync sends, or undefined when the stored rules already are the aggregate. */
export function aggregationApply(role: any, roles: Iterable<any>): any | undefined {
  const rules = aggregatedRules(role, roles);
  if (rules === undefined || sameRules(rules, list(role.rules))) return undefined;
  // WithRules() of nothing leaves rules out of the apply, so server-side apply removes the field
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: role.metadata.name }, ...(rules.length > 0 ? { rules } : {}) };
}

/** The field manager its applies are recorded under. */
export const fieldManager = "clusterrole-aggregation-controller";
