// InterPodAffinity: required (anti-)affinity filters, including existing pods' anti-affinity; preferred terms score.
import { mutant } from "../../../common/mutation.js";
import type { Node, Pod, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type NodeScore, type ScorePlugin, failure, MaxNodeScore, snapshotSummaryOf, Success } from "../../framework.js";
import { type AffinityTerm, type NamespaceLabels, namespaceLabelsOf, newAffinityTerm, podMatchesAllTerms, termMatches } from "../podAffinityTerms.js";
import { getOwn } from "../../../common/own.js";

export const Name = "InterPodAffinity";
/** The node fails the pod's required affinity. */
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
/** The node fails the pod's required anti-affinity. */
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
/** An existing pod's required anti-affinity rejects the pod. */
export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
/** Default InterPodAffinityArgs.hardPodAffinityWeight. */
export const HardPodAffinityWeight = 1;
const preFilterKey = "PreFilter" + Name;
const preScoreKey = "PreScore" + Name;

const pair = (key: string, value: string) => `${key}\u0000${value}`;
const inc = (m: Map<string, number>, k: string, d: number) => m.set(k, (m.get(k) ?? 0) + d);

interface FilterState {
  pod: Pod;
  affinity: AffinityTerm[];
  antiAffinity: AffinityTerm[];
  existingAntiAffinityCounts: Map<string, number>;
  affinityCounts: Map<string, number>;
  antiAffinityCounts: Map<string, number>;
  nsLabels: NamespaceLabels | undefined;
}

const requiredAffinity = (p: Pod) => (p.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(p, t));
const requiredAnti = (p: Pod) => (p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(p, t));

/** True when the pod has required pod affinity or anti-affinity terms. */
function hasRequiredTerms(p: Pod): boolean {
  const a = p.spec?.affinity;
  return (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0
    || (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

/** PreFilter: counts per topology pair of pods that the incoming pod's terms match, and of existing anti-affinity against it. */
function calPreFilterState(pod: Pod, allNodes: NodeInfo[], nsLabels: NamespaceLabels | undefined): FilterState {
  const s: FilterState = {
    pod, affinity: requiredAffinity(pod), antiAffinity: requiredAnti(pod),
    existingAntiAffinityCounts: new Map(), affinityCounts: new Map(), antiAffinityCounts: new Map(), nsLabels,
  };
  const ownTerms = s.affinity.length > 0 || s.antiAffinity.length > 0;
  for (const ni of allNodes) {
    // Like the snapshot's HavePodsWithRequiredAntiAffinityList: most nodes have nothing to count.
    if (!ownTerms && ni.podsWithRequiredAntiAffinity.length === 0) continue;
    const labels = ni.node.metadata?.labels ?? {};
    for (const existing of ni.podsWithRequiredAntiAffinity) {
      for (const t of requiredAnti(existing)) {
        const v = getOwn(labels, t.topologyKey);
        if (v !== undefined && termMatches(t, pod, nsLabels)) inc(s.existingAntiAffinityCounts, pair(t.topologyKey, v), 1);
      }
    }
    if (s.affinity.length === 0 && s.antiAffinity.length === 0) continue;
    for (const existing of ni.pods) {
      if (podMatchesAllTerms(s.affinity, existing, nsLabels)) {
        for (const t of s.affinity) {
          const v = getOwn(labels, t.topologyKey);
          if (v !== undefined) inc(s.affinityCounts, pair(t.topologyKey, v), 1);
        }
      }
      for (const t of s.antiAffinity) {
        const v = getOwn(labels, t.topologyKey);
        if (v !== undefined && termMatches(t, existing, nsLabels)) inc(s.antiAffinityCounts, pair(t.topologyKey, v), 1);
      }
    }
  }
  return s;
}

function satisfyPodAffinity(s: FilterState, ni: NodeInfo): boolean {
  const labels = ni.node.metadata?.labels ?? {};
  let podsExist = true;
  for (const t of s.affinity) {
    const v = getOwn(labels, t.topologyKey);
    // Every topology key must be on the node.
    if (v === undefined) return false;
    if ((s.affinityCounts.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself may go anywhere with the keys.
  // the mutant lets any pod with affinity go anywhere while no pod matches, not only one matching its own terms
  return s.affinityCounts.size === 0 && (podMatchesAllTerms(s.affinity, s.pod, s.nsLabels) || mutant("scheduler.affinity-first-pod-without-self-match"));
}

function satisfyPodAntiAffinity(s: FilterState, ni: NodeInfo): boolean {
  const labels = ni.node.metadata?.labels ?? {};
  for (const t of s.antiAffinity) {
    const v = getOwn(labels, t.topologyKey);
    if (v !== undefined && (s.antiAffinityCounts.get(pair(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: FilterState, ni: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [k, v] of Object.entries(ni.node.metadata?.labels ?? {})) {
    if ((s.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0) return false;
  }
  return true;
}

interface ScoreState { topologyScore: Map<string, number>; pod: Pod }

type Weighted = { term: AffinityTerm; weight: number };
const weighted = (p: Pod, terms: WeightedPodAffinityTerm[] | undefined, sign: number): Weighted[] =>
  (terms ?? []).map((t) => ({ term: newAffinityTerm(p, t.podAffinityTerm), weight: sign * t.weight }));

/** Adds weight to the topology pair of node labels for every term the pod matches. */
function addTerms(score: Map<string, number>, terms: Weighted[], pod: Pod, labels: Record<string, string>, nsLabels: NamespaceLabels | undefined): void {
  for (const { term, weight } of terms) {
    const v = getOwn(labels, term.topologyKey);
    if (v !== undefined && termMatches(term, pod, nsLabels)) inc(score, pair(term.topologyKey, v), weight);
  }
}

export const InterPodAffinity = {
  name: Name,
  weight: 2,
  preFilter(state: CycleState, pod: Pod, allNodes: NodeInfo[]) {
    // No terms of its own and no pod with required anti-affinity anywhere: nothing to count or check.
    const summary = snapshotSummaryOf(state);
    if (summary !== undefined && summary.nodesWithRequiredAntiAffinityPods === 0 && !hasRequiredTerms(pod)) return "Skip" as const;
    const s = calPreFilterState(pod, allNodes, namespaceLabelsOf(state));
    if (s.affinity.length === 0 && s.antiAffinity.length === 0 && s.existingAntiAffinityCounts.size === 0) return "Skip" as const;
    state.set(preFilterKey, s);
    return undefined;
  },
  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const s = state.get(preFilterKey) as FilterState | undefined;
    if (s === undefined) return Success;
    if (!satisfyPodAffinity(s, nodeInfo)) return failure("UnschedulableAndUnresolvable", Name, ErrReasonAffinityRulesNotMatch);
    if (!satisfyPodAntiAffinity(s, nodeInfo)) return failure("Unschedulable", Name, ErrReasonAntiAffinityRulesNotMatch);
    if (!satisfyExistingPodsAntiAffinity(s, nodeInfo) && !mutant("scheduler.ignores-existing-anti-affinity")) return failure("Unschedulable", Name, ErrReasonExistingAntiAffinityRulesNotMatch);
    return Success;
  },
  preScore(state: CycleState, pod: Pod, _feasible: NodeInfo[], allNodes: NodeInfo[]) {
    const pa = pod.spec?.affinity;
    const incoming = [
      ...weighted(pod, pa?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, 1),
      ...weighted(pod, pa?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, -1),
    ];
    const hasConstraints = incoming.length > 0;
    // No preferences of its own and no pod with (anti-)affinity anywhere: every node scores 0.
    const summary = snapshotSummaryOf(state);
    if (!hasConstraints && summary !== undefined && summary.nodesWithAffinityPods === 0) return "Skip" as const;
    const topologyScore = new Map<string, number>();
    const nsLabels = namespaceLabelsOf(state);
    for (const ni of allNodes) {
      // Like HavePodsWithAffinityList: without own preferences, nodes without such pods add nothing.
      if (!hasConstraints && ni.podsWithAffinity.length === 0) continue;
      const labels = ni.node.metadata?.labels ?? {};
      // Without own preferences only pods with affinity can contribute.
      for (const existing of hasConstraints ? ni.pods : ni.podsWithAffinity) {
        addTerms(topologyScore, incoming, existing, labels, nsLabels);
        const ea = existing.spec?.affinity;
        const theirs = [
          ...weighted(existing, ea?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, 1),
          ...weighted(existing, ea?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, -1),
          ...requiredAffinity(existing).map((term) => ({ term, weight: HardPodAffinityWeight })),
        ];
        addTerms(topologyScore, theirs, pod, labels, nsLabels);
      }
    }
    if (!hasConstraints && topologyScore.size === 0) return "Skip" as const;
    state.set(preScoreKey, { topologyScore, pod } satisfies ScoreState);
    return undefined;
  },
  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.get(preScoreKey) as ScoreState;
    let score = 0;
    for (const [k, v] of Object.entries(nodeInfo.node.metadata?.labels ?? {})) score += s.topologyScore.get(pair(k, v)) ?? 0;
    return score;
  },
  normalize(state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    const s = state.get(preScoreKey) as ScoreState;
    if (s.topologyScore.size === 0) { for (const sc of scores) sc.score = 0; return; }
    let min = Infinity;
    let max = -Infinity;
    for (const sc of scores) { min = Math.min(min, sc.score); max = Math.max(max, sc.score); }
    const diff = max - min;
    for (const sc of scores) sc.score = diff > 0 ? Math.trunc(MaxNodeScore * ((sc.score - min) / diff)) : 0;
  },
} satisfies FilterPlugin & ScorePlugin;

/**
 * The plugin's QueueingHint for a scheduled pod added, relabelled or deleted (isSchedulableAfterPodChange):
 * an added pod helps when it matches all the waiting pod's affinity terms; a relabelled one when it comes
 * to match them, or stops matching all its anti-affinity terms; a deleted one when it matched them all.
 * Another unscheduled pod never helps; the waiting pod's own relabelling always may.
 */
export function isSchedulableAfterPodChange(pod: Pod, old: Pod | undefined, cur: Pod | undefined): boolean {
  // the waiting pod's own labels changed: whether existing pods' anti-affinity still matches it may have
  if (cur !== undefined && pod.metadata?.uid !== undefined && cur.metadata?.uid === pod.metadata.uid) return true;
  if ((cur !== undefined && !cur.spec?.nodeName) || (old !== undefined && !old.spec?.nodeName)) return false;
  const terms = requiredAffinity(pod);
  const antiTerms = requiredAnti(pod);
  if (old !== undefined && cur !== undefined) {
    if (!podMatchesAllTerms(terms, old) && podMatchesAllTerms(terms, cur)) return true;
    return podMatchesAllTerms(antiTerms, old) && !podMatchesAllTerms(antiTerms, cur);
  }
  if (cur !== undefined) return podMatchesAllTerms(terms, cur);
  return old !== undefined && podMatchesAllTerms(antiTerms, old);
}

/**
 * The plugin's QueueingHint for a node added or relabelled (isSchedulableAfterNodeChange): a node
 * added with an affinity term's topology key, or updated to gain that key or change its value, may
 * give the pod a domain; for anti-affinity, any added node, or one that loses a term's key or
 * changes its value, may.
 */
export function isSchedulableAfterNodeChange(pod: Pod, old: Node | undefined, cur: Node): boolean {
  const before = old?.metadata?.labels ?? {};
  const after = cur.metadata?.labels ?? {};
  for (const t of requiredAffinity(pod)) {
    const key = t.topologyKey;
    if (old === undefined) {
      if (Object.hasOwn(after, key)) return true;
    } else if (Object.hasOwn(after, key) && (!Object.hasOwn(before, key) || before[key] !== after[key])) return true;
  }
  for (const t of requiredAnti(pod)) {
    if (old === undefined) return true;
    const key = t.topologyKey;
    if (Object.hasOwn(before, key) && (!Object.hasOwn(after, key) || before[key] !== after[key])) return true;
  }
  return false;
}
