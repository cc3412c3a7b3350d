// Shared helpers for pod label selectors scoped by namespace (affinity terms, spread constraints).
import type { Pod, PodAffinityTerm } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { compileLabelSelector } from "../../common/labels.js";
import { mutant } from "../../common/mutation.js";

/** A processed PodAffinityTerm (framework.AffinityTerm). */
export interface AffinityTerm {
  topologyKey: string;
  /** Namespaces the term applies to; null means all (namespaceSelector {}). */
  namespaces: Set<string> | null;
  matches: (labels: Record<string, string> | undefined) => boolean;
}

const namespaceOf = (p: Pod) => p.metadata?.namespace ?? "default";

/** Merges matchLabelKeys/mismatchLabelKeys into the selector with the owning pod's label values. */
function mergeKeys(term: PodAffinityTerm, owner: Pod): LabelSelector | undefined {
  const sel = term.labelSelector;
  const labels = owner.metadata?.labels ?? {};
  const extra = [
    ...(term.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k)).map((k) => ({ key: k, operator: "In", values: [labels[k]!] })),
    ...(term.mismatchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k)).map((k) => ({ key: k, operator: "NotIn", values: [labels[k]!] })),
  ];
  if (extra.length === 0 || sel == null) return sel ?? undefined;
  return { ...sel, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] };
}

/**
 * newAffinityTerm: namespaces default to the owner's; a namespaceSelector of {} means all namespaces.
 * Other namespaceSelectors need namespace labels the model does not have, so they add no namespaces.
 */
export function newAffinityTerm(owner: Pod, term: PodAffinityTerm): AffinityTerm {
  const nsSel = term.namespaceSelector;
  const allNs = nsSel != null && (nsSel.matchLabels === undefined || Object.keys(nsSel.matchLabels).length === 0) && (nsSel.matchExpressions ?? []).length === 0;
  let namespaces: Set<string> | null = new Set(term.namespaces ?? []);
  if (allNs || (mutant("scheduler.affinity-term-all-namespaces") && namespaces.size === 0 && nsSel == null)) namespaces = null;
  else if (namespaces.size === 0 && nsSel == null) namespaces.add(namespaceOf(owner));
  return { topologyKey: term.topologyKey, namespaces, matches: compileLabelSelector(mergeKeys(term, owner)) };
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
export function termMatches(t: AffinityTerm, pod: Pod): boolean {
  if (t.namespaces !== null && !t.namespaces.has(namespaceOf(pod))) return false;
  return t.matches(pod.metadata?.labels);
}

/** True when the pod matches every term (podMatchesAllAffinityTerms); false for no terms. */
export function podMatchesAllTerms(terms: AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod)) return false;
  return true;
}
