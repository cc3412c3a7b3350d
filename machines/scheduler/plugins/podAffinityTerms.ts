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
  /** A non-empty namespaceSelector: a pod's namespace also qualifies when its labels match. */
  namespaceSelector?: (labels: Record<string, string> | undefined) => boolean;
  matches: (labels: Record<string, string> | undefined) => boolean;
}

/**
 * The namespaces' labels, by name (the plugin's namespace lister). The scheduler puts them in the cycle
 * state under NamespaceLabelsKey when it has them; without them a non-empty namespaceSelector selects
 * no namespace.
 */
export type NamespaceLabels = ReadonlyMap<string, Record<string, string>>;
export const NamespaceLabelsKey = "NamespaceLabels";

/** The namespace labels in the cycle state, if the scheduler gave any. */
export function namespaceLabelsOf(state: ReadonlyMap<string, unknown>): NamespaceLabels | undefined {
  const v = state.get(NamespaceLabelsKey);
  return v instanceof Map ? (v as NamespaceLabels) : undefined;
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
 * newAffinityTerm: namespaces default to the owner's (only when neither namespaces nor a namespaceSelector
 * is given); a namespaceSelector of {} means all namespaces; another selects by namespace labels.
 */
export function newAffinityTerm(owner: Pod, term: PodAffinityTerm): AffinityTerm {
  const nsSel = term.namespaceSelector;
  const allNs = nsSel != null && (nsSel.matchLabels === undefined || Object.keys(nsSel.matchLabels).length === 0) && (nsSel.matchExpressions ?? []).length === 0;
  let namespaces: Set<string> | null = new Set(term.namespaces ?? []);
  if (allNs || (mutant("scheduler.affinity-term-all-namespaces") && namespaces.size === 0 && nsSel == null)) namespaces = null;
  else if (namespaces.size === 0 && nsSel == null) namespaces.add(namespaceOf(owner));
  const selector = namespaces !== null && nsSel != null ? { namespaceSelector: compileLabelSelector(nsSel) } : {};
  return { topologyKey: term.topologyKey, namespaces, ...selector, matches: compileLabelSelector(mergeKeys(term, owner)) };
}

/**
 * AffinityTerm.Matches: the pod is in one of the term's namespaces, or its namespace's labels match the
 * term's namespaceSelector (mergeAffinityTermNamespacesIfNotEmpty and GetNamespaceLabelsSnapshot: a
 * namespace the lister lacks has no labels), and its labels match.
 */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels?: NamespaceLabels): boolean {
  if (t.namespaces !== null && !t.namespaces.has(namespaceOf(pod))) {
    const labels = nsLabels?.get(namespaceOf(pod));
    if (t.namespaceSelector === undefined || labels === undefined || !t.namespaceSelector(labels)) return false;
  }
  return t.matches(pod.metadata?.labels);
}

/** True when the pod matches every term (podMatchesAllAffinityTerms); false for no terms. */
export function podMatchesAllTerms(terms: AffinityTerm[], pod: Pod, nsLabels?: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels)) return false;
  return true;
}
