// PodTopologySpread: DoNotSchedule constraints filter on skew; ScheduleAnyway constraints score.
import { mutant } from "../../../common/mutation.js";
import type { Node, Pod, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { compileLabelSelector, matchesRequirements } from "../../../common/labels.js";
import {
  type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type NodeScore, type ScorePlugin,
  doNotScheduleTaints, failure, findMatchingUntoleratedTaint, MaxNodeScore, nodeName, Success,
} from "../../framework.js";
import { requiredNodeAffinityMatches } from "../NodeAffinity/index.js";
import { deepEqual } from "../../../common/equal.js";
import { getOwn } from "../../../common/own.js";
import { defaultSelector, type SpreadListers, spreadListersOf } from "../spread.js";

export const Name = "PodTopologySpread";
/** Filter reason when placing the pod would exceed maxSkew. */
export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
/** Filter reason when the node lacks a constraint's topology key. */
export const ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + " (missing required label)";
const preFilterKey = "PreFilter" + Name;
const preScoreKey = "PreScore" + Name;
const hostnameKey = "kubernetes.io/hostname";
const zoneKey = "topology.kubernetes.io/zone";

/** systemDefaultConstraints (plugin.go): v1.35's default configuration has DefaultingType System. */
const systemDefaultConstraints = [
  { topologyKey: hostnameKey, maxSkew: 3 },
  { topologyKey: zoneKey, maxSkew: 5 },
] as const;

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  matches: (labels: Record<string, string> | undefined) => boolean;
  /** The selector as text: two constraints with the same one match the same pods (the counts' memo key). */
  selectorKey: string;
  honorAffinity: boolean;
  honorTaints: boolean;
}

/** Builds the pod's constraints of one kind, merging matchLabelKeys into the selector. */
function constraintsOf(pod: Pod, when: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  const labels = pod.metadata?.labels ?? {};
  return (pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === when).map((c: TopologySpreadConstraint) => {
    let sel: LabelSelector | undefined = c.labelSelector;
    const keys = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k));
    if (sel != null && keys.length > 0) {
      sel = { ...sel, matchExpressions: [...(sel.matchExpressions ?? []), ...keys.map((k) => ({ key: k, operator: "In", values: [labels[k]!] }))] };
    }
    return {
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      minDomains: c.minDomains ?? 1,
      matches: compileLabelSelector(sel),
      selectorKey: "own " + JSON.stringify(sel ?? null),
      honorAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
      honorTaints: (c.nodeTaintsPolicy ?? "Ignore") === "Honor",
    };
  });
}

/** matchNodeInclusionPolicies: nodeAffinityPolicy Honor (default) and nodeTaintsPolicy Honor narrow the domains. */
function nodeIncluded(c: Constraint, pod: Pod, node: Node): boolean {
  if (c.honorAffinity && !requiredNodeAffinityMatches(pod, node)) return false;
  if (c.honorTaints && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, doNotScheduleTaints) !== undefined) return false;
  return true;
}

/**
 * buildDefaultConstraints for ScheduleAnyway: the system defaults, each counting the pods that
 * DefaultSelector selects; none when the selector is empty. The defaults have no minDomains and
 * no inclusion policies, so the defaults of those apply (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore).
 */
function defaultConstraints(pod: Pod, listers: SpreadListers | undefined): Constraint[] {
  const reqs = defaultSelector(pod, listers);
  if (reqs.length === 0) return [];
  const matches = (labels: Record<string, string> | undefined) => matchesRequirements(reqs, labels);
  const selectorKey = "default " + JSON.stringify(reqs);
  return systemDefaultConstraints.map((c) => ({ maxSkew: c.maxSkew, topologyKey: c.topologyKey, minDomains: 1, matches, selectorKey, honorAffinity: true, honorTaints: false }));
}

const hasAllKeys = (node: Node, cs: Constraint[]) => cs.every((c) => getOwn(node.metadata?.labels, c.topologyKey) !== undefined);

/** countPodsMatchSelector: same-namespace, non-terminating pods whose labels match, from index `from` on. */
function countMatching(pods: readonly Pod[], c: Constraint, ns: string, from = 0): number {
  let n = 0;
  for (let i = from; i < pods.length; i++) {
    const p = pods[i]!;
    if (p.metadata?.deletionTimestamp || (p.metadata?.namespace ?? "default") !== ns) continue;
    if (c.matches(p.metadata?.labels)) n++;
  }
  return n;
}

/** How a cycle counts one node's matching pods: the full count, or the remembered one. */
type CountOnNode = (pods: readonly Pod[], c: Constraint, ns: string) => number;

/**
 * Counts remembered per NodeInfo pod list and per namespace and selector, so that the pods of a
 * ReplicaSet are not walked again on every node at every cycle (PreScore counts over all nodes).
 * A list is only ever appended to in place (addPodToNodeInfo); every other change makes a new list
 * (copyNodeInfo), so a count stays right by counting the pods added since. Bounded per list.
 */
const countMemos = new WeakMap<readonly Pod[], Map<string, { count: number; upTo: number }>>();
const maxSelectorsPerList = 32;
const rememberedCount: CountOnNode = (pods, c, ns) => {
  let byKey = countMemos.get(pods);
  if (byKey === undefined) countMemos.set(pods, (byKey = new Map()));
  const key = ns + "\u0000" + c.selectorKey;
  const m = byKey.get(key);
  if (m !== undefined && m.upTo <= pods.length) {
    if (m.upTo < pods.length) { m.count += countMatching(pods, c, ns, m.upTo); m.upTo = pods.length; }
    return m.count;
  }
  if (byKey.size >= maxSelectorsPerList) byKey.clear();
  const count = countMatching(pods, c, ns);
  byKey.set(key, { count, upTo: pods.length });
  return count;
};

interface FilterState { constraints: Constraint[]; tpValueToMatchNum: Map<string, number>[]; minMatchNum: number[] }

/** calPreFilterState: matching pods per topology value over every eligible node, and each constraint's minimum. */
function calPreFilterState(pod: Pod, allNodes: NodeInfo[], constraints: Constraint[], countOnNode: CountOnNode): FilterState {
  const ns = pod.metadata?.namespace ?? "default";
  const tp = constraints.map(() => new Map<string, number>());
  for (const ni of allNodes) {
    if (!hasAllKeys(ni.node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod, ni.node)) return;
      const v = ni.node.metadata!.labels![c.topologyKey]!;
      tp[i]!.set(v, (tp[i]!.get(v) ?? 0) + countOnNode(ni.pods, c, ns));
    });
  }
  // MaxInt32 when no domain is eligible, so any skew passes.
  const minMatchNum = tp.map((m) => (m.size === 0 ? 2147483647 : Math.min(...m.values())));
  return { constraints, tpValueToMatchNum: tp, minMatchNum };
}

interface ScoreState {
  constraints: Constraint[];
  ignored: Set<string>;
  pairCounts: Map<string, number>[];
  weights: number[];
}

/** The plugin, counting each node's matching pods with countOnNode. */
const makePodTopologySpread = (countOnNode: CountOnNode) => ({
  name: Name,
  weight: 2,
  preFilter(state: CycleState, pod: Pod, allNodes: NodeInfo[]) {
    const constraints = constraintsOf(pod, "DoNotSchedule");
    if (constraints.length === 0) return "Skip" as const;
    state.set(preFilterKey, calPreFilterState(pod, allNodes, constraints, countOnNode));
    return undefined;
  },
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const s = state.get(preFilterKey) as FilterState | undefined;
    if (s === undefined) return Success;
    const labels = nodeInfo.node.metadata?.labels ?? {};
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const v = getOwn(labels, c.topologyKey);
      if (v === undefined) return failure("UnschedulableAndUnresolvable", Name, ErrReasonNodeLabelNotMatch);
      // Fewer eligible domains than minDomains: the global minimum counts as 0.
      // the mutant forgets minDomains: the global minimum is the least-loaded domain's count however few domains there are
      const min = s.tpValueToMatchNum[i]!.size < c.minDomains && !mutant("scheduler.spread-ignores-min-domains") ? 0 : s.minMatchNum[i]!;
      // the mutant leaves the incoming pod out of its own domain's count
      const self = c.matches(pod.metadata?.labels) && !mutant("scheduler.spread-ignores-incoming-pod") ? 1 : 0;
      const skew = (s.tpValueToMatchNum[i]!.get(v) ?? 0) + self - min;
      if (skew > c.maxSkew) return failure("Unschedulable", Name, ErrReasonConstraintsNotMatch);
    }
    return Success;
  },
  preScore(state: CycleState, pod: Pod, feasible: NodeInfo[], allNodes: NodeInfo[]) {
    // System defaults apply only to a pod with no constraints of its own (initPreScoreState).
    const own = (pod.spec?.topologySpreadConstraints ?? []).length > 0;
    const constraints = own ? constraintsOf(pod, "ScheduleAnyway") : defaultConstraints(pod, spreadListersOf(state));
    if (constraints.length === 0) return "Skip" as const;
    // requireAllTopologies: only the pod's own constraints need every key on a node; with the
    // system defaults a node without a zone label still spreads by hostname, and the nodes without
    // it count together as the zone "" (a missing Go map key reads as "").
    const requireAll = own;
    const ns = pod.metadata?.namespace ?? "default";
    const ignored = new Set<string>();
    const pairCounts = constraints.map(() => new Map<string, number>());
    for (const ni of feasible) {
      if (requireAll && !hasAllKeys(ni.node, constraints)) { ignored.add(nodeName(ni)); continue; }
      const labels = ni.node.metadata?.labels;
      constraints.forEach((c, i) => {
        // per-node counts are made in Score
        if (c.topologyKey !== hostnameKey) pairCounts[i]!.set(getOwn(labels, c.topologyKey) ?? "", 0);
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameKey ? feasible.length - ignored.size : pairCounts[i]!.size) + 2));
    for (const ni of allNodes) {
      if (requireAll && !hasAllKeys(ni.node, constraints)) continue;
      const labels = ni.node.metadata?.labels;
      constraints.forEach((c, i) => {
        if (c.topologyKey === hostnameKey || !nodeIncluded(c, pod, ni.node)) return;
        const v = getOwn(labels, c.topologyKey) ?? "";
        const cur = pairCounts[i]!.get(v);
        if (cur !== undefined) pairCounts[i]!.set(v, cur + countOnNode(ni.pods, c, ns));
      });
    }
    state.set(preScoreKey, { constraints, ignored, pairCounts, weights } satisfies ScoreState);
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.get(preScoreKey) as ScoreState;
    if (s.ignored.has(nodeName(nodeInfo))) return 0;
    const ns = pod.metadata?.namespace ?? "default";
    const labels = nodeInfo.node.metadata?.labels;
    let score = 0;
    s.constraints.forEach((c, i) => {
      // a node without the key gets no credit for it (only possible under the system defaults)
      const v = getOwn(labels, c.topologyKey);
      if (v === undefined) return;
      const cnt = c.topologyKey === hostnameKey ? countOnNode(nodeInfo.pods, c, ns) : (s.pairCounts[i]!.get(v) ?? 0);
      // scoreForCount: the maxSkew-1 term softens the difference for tolerant constraints.
      score += cnt * s.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize(state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    const s = state.get(preScoreKey) as ScoreState;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (const sc of scores) {
      if (s.ignored.has(sc.name)) continue;
      min = Math.min(min, sc.score);
      max = Math.max(max, sc.score);
    }
    for (const sc of scores) {
      if (s.ignored.has(sc.name)) { sc.score = 0; continue; }
      // Fewer matching pods is better: invert around the observed range.
      sc.score = max === 0 ? MaxNodeScore : Math.trunc((MaxNodeScore * (max + min - sc.score)) / max);
    }
  },
}) satisfies FilterPlugin & ScorePlugin;

export const PodTopologySpread = makePodTopologySpread(rememberedCount);
/** The same plugin counting every node's pods afresh at every cycle: the reference the memo is held to. */
export const PodTopologySpreadReference = makePodTopologySpread(countMatching);

/** involvedInTopologySpreading: the waiting pod itself, or a scheduled pod of its namespace. */
function involved(incoming: Pod, pod: Pod): boolean {
  if (incoming.metadata?.uid !== undefined && incoming.metadata.uid === pod.metadata?.uid) return true;
  return !!incoming.spec?.nodeName && (incoming.metadata?.namespace ?? "default") === (pod.metadata?.namespace ?? "default");
}

/**
 * The plugin's QueueingHint for a pod added, updated or deleted (isSchedulableAfterPodChange): only a
 * scheduled pod of the waiting pod's namespace counts, and only when its labels match (or, updated,
 * come to match or stop matching) the selector of one of the pod's DoNotSchedule constraints; the pod
 * itself gaining a toleration counts where a constraint honours taints.
 */
export function isSchedulableAfterPodChange(pod: Pod, old: Pod | undefined, cur: Pod | undefined): boolean {
  if ((cur !== undefined && !involved(cur, pod)) || (old !== undefined && !involved(old, pod))) return false;
  const constraints = constraintsOf(pod, "DoNotSchedule");
  const anyMatches = (labels: Record<string, string> | undefined) => constraints.some((c) => c.matches(labels));
  if (old !== undefined && cur !== undefined) {
    if (cur.metadata?.uid === pod.metadata?.uid && !deepEqual(cur.spec?.tolerations, old.spec?.tolerations) && constraints.some((c) => c.honorTaints)) return true;
    if (deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {})) return false;
    return constraints.some((c) => c.matches(old.metadata?.labels) !== c.matches(cur.metadata?.labels));
  }
  if (cur !== undefined) return anyMatches(cur.metadata?.labels);
  return old !== undefined && anyMatches(old.metadata?.labels);
}

/**
 * The plugin's QueueingHint for a node deleted (isSchedulableAfterNodeChange without a new node):
 * a node that had every DoNotSchedule constraint's topology key took its domain's count with it,
 * which can raise the global minimum or drop a domain below minDomains.
 */
export function isSchedulableAfterNodeDelete(pod: Pod, old: Node): boolean {
  return hasAllKeys(old, constraintsOf(pod, "DoNotSchedule"));
}

/**
 * The plugin's QueueingHint for a node added or updated (isSchedulableAfterNodeChange): a node
 * added with every DoNotSchedule constraint's topology key; or updated so that it gains or loses
 * them, or, having them, changes one's value or changes its taints.
 */
export function isSchedulableAfterNodeChange(pod: Pod, old: Node | undefined, cur: Node): boolean {
  const constraints = constraintsOf(pod, "DoNotSchedule");
  const matching = hasAllKeys(cur, constraints);
  if (old === undefined) return matching;
  if (hasAllKeys(old, constraints) !== matching) return true;
  if (!matching) return false;
  const before = old.metadata?.labels ?? {};
  const after = cur.metadata?.labels ?? {};
  return constraints.some((c) => getOwn(before, c.topologyKey) !== getOwn(after, c.topologyKey)) || !deepEqual(old.spec?.taints ?? [], cur.spec?.taints ?? []);
}
