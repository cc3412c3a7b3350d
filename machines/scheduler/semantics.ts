// The default kube-scheduler profile as pure functions: filter, score, node sampling, FitError text, host selection.
import type { Node, Pod } from "kubernetes-types/core/v1";
import {
  type Code, type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type NodeScore, type SchedulingEnv,
  type ScorePlugin, type SnapshotSummary, newNodeInfo, nodeName, podPriority, seedCyclePodRequests, snapshotSummaryKey, Success,
} from "./framework.js";
import { ImageLocality } from "./plugins/ImageLocality/index.js";
import { InterPodAffinity } from "./plugins/InterPodAffinity/index.js";
import { type NamespaceLabels, NamespaceLabelsKey } from "./plugins/podAffinityTerms.js";
import { type SpreadListers, SpreadListersKey } from "./plugins/spread.js";
import { NodeAffinity } from "./plugins/NodeAffinity/index.js";
import { NodeName } from "./plugins/NodeName/index.js";
import { NodePorts } from "./plugins/NodePorts/index.js";
import { NodeResourcesBalancedAllocation } from "./plugins/NodeResourcesBalancedAllocation/index.js";
import { NodeResourcesFit } from "./plugins/NodeResourcesFit/index.js";
import { NodeUnschedulable } from "./plugins/NodeUnschedulable/index.js";
import { PodTopologySpread } from "./plugins/PodTopologySpread/index.js";
import { TaintToleration } from "./plugins/TaintToleration/index.js";
import { VolumeBinding } from "./plugins/VolumeBinding/index.js";
import { VolumeRestrictions } from "./plugins/VolumeRestrictions/index.js";
import type { NodeVerdicts, ShapeVerdicts } from "./feasibility.js";
import { mutant } from "../common/mutation.js";

/** Filter plugins of the v1.35 default profile, in the order the framework runs them. */
export const defaultFilterPlugins: readonly FilterPlugin[] = [
  NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
  VolumeRestrictions, VolumeBinding, PodTopologySpread, InterPodAffinity,
];

/** Score plugins of the v1.35 default profile with their default weights. */
export const defaultScorePlugins: readonly ScorePlugin[] = [
  TaintToleration, NodeAffinity, NodeResourcesFit, PodTopologySpread, InterPodAffinity,
  NodeResourcesBalancedAllocation, ImageLocality,
];

/** framework.MinFeasibleNodesToFind and MinFeasibleNodesPercentageToFind. */
export const minFeasibleNodesToFind = 100;
export const minFeasibleNodesPercentageToFind = 5;

export interface ProfileOptions extends SchedulingEnv {
  /** Run only these plugins (by Kubernetes name); default: the whole default profile. */
  plugins?: string[];
  /** Aggregates of exactly the NodeInfo list being scheduled over, when the caller keeps them up to date. */
  summary?: SnapshotSummary;
  /** the nominator: node name -> the pending pods nominated to run there (preemptors waiting for their victims to go) */
  nominatedPods?: ReadonlyMap<string, readonly Pod[]>;
  /**
   * Verdicts of the node-local plugins remembered from earlier cycles over this NodeInfo list
   * (feasibility.ts): used where they apply, and added to; the decisions are the same without.
   */
  verdicts?: NodeVerdicts;
  /** The namespace lister's labels by namespace name (InterPodAffinity's namespaceSelector). */
  namespaceLabels?: NamespaceLabels;
  /** PodTopologySpread's Service and controller listers (its system-default constraints' selector). */
  spreadListers?: SpreadListers;
}

/** A fresh CycleState, holding the caller's SnapshotSummary, namespace labels and spread listers if it has them. */
export function newCycleState(opts: ProfileOptions): CycleState {
  const state: CycleState = new Map();
  if (opts.summary !== undefined) state.set(snapshotSummaryKey, opts.summary);
  if (opts.namespaceLabels !== undefined) state.set(NamespaceLabelsKey, opts.namespaceLabels);
  if (opts.spreadListers !== undefined) state.set(SpreadListersKey, opts.spreadListers);
  return state;
}

const selectPlugins = <P extends { name: string }>(all: readonly P[], names?: string[]): readonly P[] =>
  names === undefined ? all : all.filter((p) => names.includes(p.name));

/** The result of running the PreFilter extension point. */
export interface PreFilterOutcome {
  state: CycleState;
  /** Plugins whose Filter runs (not skipped by their PreFilter). */
  active: FilterPlugin[];
  /** Set when a PreFilter rejected the pod outright. */
  rejected?: FilterStatus;
}

/** Runs every PreFilter over the snapshot; a failing PreFilter rejects the pod on every node. */
export function runPreFilter(pod: Pod, allNodes: NodeInfo[], opts: ProfileOptions = {}, state: CycleState = newCycleState(opts)): PreFilterOutcome {
  const active: FilterPlugin[] = [];
  for (const p of selectPlugins(defaultFilterPlugins, opts.plugins)) {
    const r = p.preFilter?.(state, pod, allNodes, opts);
    if (r === "Skip") continue;
    if (r !== undefined && r.code !== "Success") return { state, active, rejected: r };
    active.push(p);
  }
  return { state, active };
}

/** RunFilterPlugins: plugins in order, stopping at the first failure. */
export function runFilters(pre: PreFilterOutcome, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
  if (pre.rejected) return pre.rejected;
  for (const p of pre.active) {
    const s = p.filter(pre.state, pod, nodeInfo);
    if (s.code !== "Success") return s;
  }
  return Success;
}

/**
 * RunFilterPluginsWithNominatedPods: where pods of equal or higher priority are nominated to the
 * node, the filters run first as if they were there (the room freed for a preemptor stays its
 * own), then, if that passed, without them (a filter such as pod affinity may need them absent).
 * The nominated pods join the NodeInfo only; PreFilter state (InterPodAffinity, PodTopologySpread)
 * is not told of them (no AddPod extension here).
 */
export function runFiltersWithNominatedPods(pre: PreFilterOutcome, pod: Pod, nodeInfo: NodeInfo, nominated: readonly Pod[] | undefined): FilterStatus {
  const prio = podPriority(pod);
  const uid = pod.metadata?.uid;
  // the mutant adds every nominated pod, lower priorities too: a pod that preempted for its node blocks a more important one
  const add = (nominated ?? []).filter((p) => (podPriority(p) >= prio || mutant("scheduler.nominated-lower-priority-blocks")) && p.metadata?.uid !== uid);
  if (add.length === 0) return runFilters(pre, pod, nodeInfo);
  const s = runFilters(pre, pod, newNodeInfo(nodeInfo.node, [...nodeInfo.pods, ...add]));
  if (s.code !== "Success") return s;
  return runFilters(pre, pod, nodeInfo);
}

/** Filter verdict for one node given the pods on it (the node alone forms the snapshot). */
export function schedulerFilter(pod: Pod, node: Node, podsOnNode: Pod[], opts: ProfileOptions = {}): { fit: boolean; code?: Code; reasons: string[] } {
  const ni = newNodeInfo(node, podsOnNode);
  const s = runFilters(runPreFilter(pod, [ni], opts), pod, ni);
  return s.code === "Success" ? { fit: true, reasons: [] } : { fit: false, code: s.code, reasons: s.reasons };
}

type PodsByNode = Record<string, Pod[]> | Map<string, Pod[]>;

/** Builds the scheduler's snapshot from nodes and the pods bound to each. */
export function buildNodeInfos(nodes: Node[], podsByNode: PodsByNode): NodeInfo[] {
  const get = (n: string) => (podsByNode instanceof Map ? podsByNode.get(n) : podsByNode[n]) ?? [];
  return nodes.map((n) => newNodeInfo(n, get(n.metadata?.name ?? "")));
}

/** Runs PreScore/Score/NormalizeScore on the feasible nodes; total = Σ weight × normalized score. */
export function scoreNodes(pod: Pod, feasible: NodeInfo[], allNodes: NodeInfo[], opts: ProfileOptions = {}): NodeScore[] {
  const totals = scoreTotals(pod, feasible, allNodes, opts, newCycleState(opts));
  return totals.map((score, i) => ({ name: nodeName(feasible[i]!), score }));
}

/** scoreNodes' totals as plain numbers, in feasible's order, with the cycle's state. */
function scoreTotals(pod: Pod, feasible: NodeInfo[], allNodes: NodeInfo[], opts: ProfileOptions, state: CycleState, verdicts?: FindResult["verdicts"]): number[] {
  if (verdicts !== undefined && opts.plugins === undefined) return scoreWithVerdicts(pod, feasible, allNodes, state, verdicts);
  const n = feasible.length;
  // Sized once: grown by push, each list would be copied seven times on its way to 500 nodes.
  const totals: number[] = new Array<number>(n).fill(0);
  // One scratch list for every plugin: each plugin's scores are written over the previous one's.
  const scratch: Scratch = {};
  for (const p of selectPlugins(defaultScorePlugins, opts.plugins)) {
    if (p.preScore?.(state, pod, feasible, allNodes) === "Skip") continue;
    addWeightedScores(p, state, pod, feasible, totals, scratch);
  }
  return totals;
}

/** The lists a cycle's plugins score into, made on first use and reused by the next plugin. */
interface Scratch {
  plain?: number[];
  /** NodeScores (with names) only for plugins that score or normalize one NodeScore at a time */
  named?: NodeScore[];
}

/** One plugin's Score (then NormalizeScore) over the feasible nodes, added to totals with its weight. */
function addWeightedScores(p: ScorePlugin, state: CycleState, pod: Pod, feasible: NodeInfo[], totals: number[], scratch: Scratch): void {
  const n = feasible.length;
  const w = p.weight;
  // Sized once: grown by push, each list would be copied seven times on its way to 500 nodes.
  const plain = (scratch.plain ??= new Array<number>(n).fill(0));
  if (p.scoreAll !== undefined && (p.normalize === undefined || p.normalizeAll !== undefined)) {
    p.scoreAll(state, pod, feasible, plain);
    p.normalizeAll?.(state, pod, plain);
    for (let i = 0; i < n; i++) totals[i] += plain[i]! * w;
    return;
  }
  const named = (scratch.named ??= feasible.map((ni) => ({ name: nodeName(ni), score: 0 })));
  if (p.scoreAll !== undefined) {
    p.scoreAll(state, pod, feasible, plain);
    for (let i = 0; i < n; i++) named[i]!.score = plain[i]!;
  } else for (let i = 0; i < n; i++) named[i]!.score = p.score(state, pod, feasible[i]!);
  p.normalize?.(state, pod, named);
  for (let i = 0; i < n; i++) totals[i] += named[i]!.score * w;
}

/**
 * scoreTotals with the node-local plugins' raw scores remembered per NodeInfo (feasibility.ts).
 * Every PreScore runs first, as the framework's RunPreScorePlugins does before any Score (a PreScore
 * reads no score). The node-local plugins without a normalize step add their weighted scores as
 * one remembered sum per node; those with one keep their raw scores, normalized over this cycle's
 * feasible nodes; the others score as in scoreTotals. Scores are integers, so the totals do not
 * depend on the order they are added in.
 */
function scoreWithVerdicts(pod: Pod, feasible: NodeInfo[], allNodes: NodeInfo[], state: CycleState, verdicts: NonNullable<FindResult["verdicts"]>): number[] {
  const n = feasible.length;
  const active: ScorePlugin[] = [];
  for (const p of defaultScorePlugins) if (p.preScore?.(state, pod, feasible, allNodes) !== "Skip") active.push(p);
  const memo = verdicts.memo.scoresFor(active, state);
  const { summed, normalized } = memo.plan;
  const { scored, sums, raws } = memo;
  const slots = verdicts.slots;
  const numSlots = verdicts.memo.filtered.length;
  fillTo(scored, numSlots, undefined);
  fillTo(sums, numSlots, 0);
  for (const r of raws) fillTo(r, numSlots, 0);
  const totals: number[] = new Array<number>(n);
  const plains: number[][] = normalized.map(() => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    const slot = slots[i]!;
    const ni = feasible[i]!;
    if (scored[slot] !== ni) {
      let sum = 0;
      for (const p of summed) sum += p.score(state, pod, ni) * p.weight;
      sums[slot] = sum;
      for (let k = 0; k < normalized.length; k++) raws[k]![slot] = normalized[k]!.score(state, pod, ni);
      scored[slot] = ni;
    }
    totals[i] = sums[slot]!;
    for (let k = 0; k < normalized.length; k++) plains[k]![i] = raws[k]![slot]!;
  }
  for (let k = 0; k < normalized.length; k++) {
    const p = normalized[k]!;
    const plain = plains[k]!;
    p.normalizeAll!(state, pod, plain);
    for (let i = 0; i < n; i++) totals[i] += plain[i]! * p.weight;
  }
  const scratch: Scratch = {};
  for (const p of memo.plan.others) addWeightedScores(p, state, pod, feasible, totals, scratch);
  return totals;
}

/** Weighted total score per node, every given node treated as feasible. */
export function schedulerScore(pod: Pod, nodes: Node[], podsByNode: PodsByNode, opts: ProfileOptions = {}): Record<string, number> {
  const infos = buildNodeInfos(nodes, podsByNode);
  const out: Record<string, number> = {};
  for (const s of scoreNodes(pod, infos, infos, opts)) out[s.name] = s.score;
  return out;
}

/** How many feasible nodes to look for: all below 100 nodes, else (50 - n/125)% with a 5% floor, at least 100. */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore?: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < minFeasibleNodesPercentageToFind && !mutant("scheduler.feasible-nodes-percentage-no-floor")) percentage = minFeasibleNodesPercentageToFind;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(n, minFeasibleNodesToFind);
}

/** Why a pod did not fit: each rejecting node's status, and the PreFilter message if one rejected it. */
export interface Diagnosis {
  nodeToStatus: Map<string, FilterStatus & { code: Code }>;
  preFilterMsg?: string;
}

export interface FindResult {
  feasible: NodeInfo[];
  diagnosis: Diagnosis;
  nextStartIndex: number;
  /** when the search used remembered verdicts: them, and each feasible node's slot in the NodeInfo list */
  verdicts?: { memo: ShapeVerdicts; slots: number[] };
}

/**
 * findNodesThatPassFilters: start at startIndex, wrap around, stop once numFeasibleNodesToFind nodes fit;
 * the next cycle starts after the nodes this one processed.
 */
export function findNodesThatFit(pod: Pod, nodeInfos: NodeInfo[], startIndex: number, opts: ProfileOptions & { percentageOfNodesToScore?: number } = {}, state?: CycleState): FindResult {
  const diagnosis: Diagnosis = { nodeToStatus: new Map() };
  const n = nodeInfos.length;
  // A pod of a shape seen before: its requests are known, and its node-local verdicts remembered (feasibility.ts).
  const shape = opts.plugins === undefined ? opts.verdicts?.forPod(pod) : undefined;
  if (shape !== undefined) {
    state ??= newCycleState(opts);
    seedCyclePodRequests(state, pod, false, shape.requests);
    seedCyclePodRequests(state, pod, true, shape.nonZeroRequests);
  }
  const pre = runPreFilter(pod, nodeInfos, opts, state);
  if (pre.rejected && pre.rejected.code !== "Success") {
    // A PreFilter rejection marks every node with the same status and does not advance the start index.
    diagnosis.preFilterMsg = pre.rejected.reasons.join(", ");
    for (const ni of nodeInfos) diagnosis.nodeToStatus.set(nodeName(ni), pre.rejected);
    return { feasible: [], diagnosis, nextStartIndex: n === 0 ? 0 : startIndex % n };
  }
  const want = numFeasibleNodesToFind(n, opts.percentageOfNodesToScore);
  // Room for every node it may keep, allocated once, then cut to the nodes found.
  const feasible: NodeInfo[] = new Array<NodeInfo>(want);
  const memo = shape?.forFilters(pre.active);
  if (memo !== undefined) return findWithVerdicts(pre, pod, nodeInfos, startIndex, want, opts.nominatedPods, memo, feasible, diagnosis);
  let found = 0;
  let processed = 0;
  for (let i = 0; i < n && found < want; i++) {
    const ni = nodeInfos[(startIndex + i) % n]!;
    processed++;
    const s = runFiltersWithNominatedPods(pre, pod, ni, opts.nominatedPods?.get(nodeName(ni)));
    if (s.code === "Success") feasible[found++] = ni;
    else diagnosis.nodeToStatus.set(nodeName(ni), s);
  }
  feasible.length = found;
  return { feasible, diagnosis, nextStartIndex: n === 0 ? 0 : (startIndex + processed) % n };
}

/**
 * findNodesThatFit's search with the node-local filters' verdicts remembered (feasibility.ts): a
 * node whose NodeInfo was filtered before for a pod of this shape keeps its verdict, and only the
 * filters after the node-local ones run; a node with nominated pods is filtered in full. Also
 * returns each feasible node's slot, for scoreTotals to find its remembered scores.
 */
function findWithVerdicts(pre: PreFilterOutcome, pod: Pod, nodeInfos: NodeInfo[], startIndex: number, want: number, nominatedPods: ProfileOptions["nominatedPods"], memo: ShapeVerdicts, feasible: NodeInfo[], diagnosis: Diagnosis): FindResult {
  const n = nodeInfos.length;
  const local = memo.filters;
  const rest = pre.active.slice(local.length);
  const anyNominated = nominatedPods !== undefined && nominatedPods.size > 0;
  const { filtered, status } = memo;
  // Filled to the node count the first time: a search starting past the end of an empty list would
  // write one slot far beyond it, which turns the list into a slow dictionary for good.
  fillTo(filtered, n, undefined);
  fillTo(status, n, Success);
  const slots: number[] = new Array<number>(want);
  let found = 0;
  let processed = 0;
  // slot runs from startIndex to the end, then wraps to 0 (the search's (startIndex + i) % n)
  for (let i = 0, slot = n === 0 ? 0 : startIndex % n; i < n && found < want; i++, slot = slot + 1 === n ? 0 : slot + 1) {
    const ni = nodeInfos[slot]!;
    processed++;
    let s: FilterStatus;
    const nominated = anyNominated ? nominatedPods.get(nodeName(ni)) : undefined;
    if (nominated !== undefined) s = runFiltersWithNominatedPods(pre, pod, ni, nominated);
    else {
      if (filtered[slot] === ni) s = status[slot]!;
      else {
        s = Success;
        for (const p of local) {
          s = p.filter(pre.state, pod, ni);
          if (s.code !== "Success") break;
        }
        filtered[slot] = ni;
        status[slot] = s;
      }
      if (s.code === "Success" && rest.length > 0) {
        for (const p of rest) {
          s = p.filter(pre.state, pod, ni);
          if (s.code !== "Success") break;
        }
      }
    }
    if (s.code === "Success") {
      slots[found] = slot;
      feasible[found++] = ni;
    } else diagnosis.nodeToStatus.set(nodeName(ni), s);
  }
  feasible.length = found;
  slots.length = found;
  return { feasible, diagnosis, nextStartIndex: n === 0 ? 0 : (startIndex + processed) % n, verdicts: { memo, slots } };
}

/** Grows a remembered list to n entries of fill, in order (its entries are then read only where written with their NodeInfo). */
function fillTo<T>(list: T[], n: number, fill: T): void {
  while (list.length < n) list.push(fill);
}

/** FitError.Error(): "0/N nodes are available: <count reason, …sorted>." plus an optional PostFilter message. */
export function failedSchedulingMessage(numAllNodes: number, diagnosis: Diagnosis | Diagnosis["nodeToStatus"], preemptionMessage?: string): string {
  const d: Diagnosis = diagnosis instanceof Map ? { nodeToStatus: diagnosis } : diagnosis;
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const counts = new Map<string, number>();
    for (const s of d.nodeToStatus.values()) {
      for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    // sort.Strings over "<count> <reason>": plain byte order, so "10 x" sorts before "2 y".
    const parts = [...counts].map(([r, c]) => `${c} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length > 0) msg += ` ${parts.join(", ")}.`;
  }
  if (preemptionMessage) msg += ` ${preemptionMessage}`;
  return msg;
}

/** Picks the highest-scoring node; ties are broken by reservoir sampling with the injected random source. */
export function selectHost(scoredNodes: NodeScore[], rand: () => number): string | undefined {
  const i = selectHostIndex(scoredNodes.map((s) => s.score), rand);
  return i < 0 ? undefined : scoredNodes[i]!.name;
}

/** selectHost over plain scores: the index chosen, or -1 when there is none. */
function selectHostIndex(scores: readonly number[], rand: () => number): number {
  let selected = -1;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (score > max) {
      max = score;
      selected = i;
      count = 1;
    } else if (score === max) {
      count++;
      // Replace the candidate with probability 1/count (rand.Intn(count) == 0).
      // the mutant keeps the first node of a tie (the draw made, never taken)
      if (Math.floor(rand() * count) === 0 && !mutant("scheduler.select-host-keeps-first-tie")) selected = i;
    }
  }
  return selected;
}

/** One scheduling cycle's decision: a host, or the FitError diagnosis. */
export type ScheduleResult =
  | { kind: "scheduled"; nodeName: string; evaluatedNodes: number; feasibleNodes: number; nextStartIndex: number }
  | { kind: "unschedulable"; diagnosis: Diagnosis; numAllNodes: number; nextStartIndex: number };

/**
 * schedulePod: filter from startIndex, skip scoring when one node fits, otherwise score and select.
 * One CycleState serves the whole cycle, as in kube-scheduler; pass newCycleState(opts) to keep it.
 */
export function schedulePod(pod: Pod, nodeInfos: NodeInfo[], startIndex: number, rand: () => number, opts: ProfileOptions & { percentageOfNodesToScore?: number } = {}, state: CycleState = newCycleState(opts)): ScheduleResult {
  const r = findNodesThatFit(pod, nodeInfos, startIndex, opts, state);
  if (r.feasible.length === 0) return { kind: "unschedulable", diagnosis: r.diagnosis, numAllNodes: nodeInfos.length, nextStartIndex: r.nextStartIndex };
  const evaluatedNodes = r.feasible.length + r.diagnosis.nodeToStatus.size;
  const base = { evaluatedNodes, feasibleNodes: r.feasible.length, nextStartIndex: r.nextStartIndex };
  if (r.feasible.length === 1) return { kind: "scheduled", nodeName: nodeName(r.feasible[0]!), ...base };
  const host = selectHostIndex(scoreTotals(pod, r.feasible, nodeInfos, opts, state, r.verdicts), rand);
  return { kind: "scheduled", nodeName: nodeName(r.feasible[host]!), ...base };
}
