// DefaultPreemption (PostFilter) as pure logic: candidates, victims with reprieve, and the node choice.
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { compileLabelSelector } from "../common/labels.js";
import { type FilterStatus, type NodeInfo, newNodeInfo, nodeName, podPriority } from "./framework.js";
import { type Diagnosis, failedSchedulingMessage, type ProfileOptions, runFiltersWithNominatedPods, runPreFilter } from "./semantics.js";
import { mutant } from "../common/mutation.js";

/** Status reason when a node has no lower-priority pods to evict. */
export const ErrNoVictims = "No preemption victims found for incoming pod";
/** Status reason for nodes where eviction cannot help (UnschedulableAndUnresolvable). */
export const ErrNotHelpful = "Preemption is not helpful for scheduling";

/** A node where preemption would let the pod fit, and the pods to evict. */
export interface Candidate {
  nodeName: string;
  victims: Pod[];
  numPDBViolations: number;
}

/** No node: the message; notEligible when the pod may not preempt now (its nomination stays), else no candidate was found (its nomination is cleared). */
export type PreemptionResult = { nodeName: string; victims: Pod[] } | { message: string; notEligible?: boolean };

export interface PreemptionOptions extends ProfileOptions {
  pdbs?: PodDisruptionBudget[];
}

const startTime = (p: Pod): number => {
  const t = p.status?.startTime;
  // A pod that has not started counts as starting now, i.e. after every started one.
  return t === undefined ? Number.POSITIVE_INFINITY : Date.parse(t);
};

/** util.MoreImportantPod: higher priority first, then the one that started earlier. */
export function moreImportantPod(a: Pod, b: Pod): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  // the mutant ranks the pod that started later as the more important one
  return mutant("scheduler.more-important-started-later") ? startTime(a) > startTime(b) : startTime(a) < startTime(b);
}

const byImportance = (a: Pod, b: Pod) => (moreImportantPod(a, b) ? -1 : moreImportantPod(b, a) ? 1 : 0);

/**
 * podTerminatingByPreemption: deleted, with DisruptionTarget=True for PreemptionByScheduler (the condition the
 * scheduler writes on its victims before deleting them); other terminating pods do not hold a preemptor back.
 */
export function podTerminatingByPreemption(p: Pod): boolean {
  if (!p.metadata?.deletionTimestamp) return false;
  const c = (p.status?.conditions ?? []).find((x) => x.type === "DisruptionTarget");
  return c !== undefined && c.status === "True" && c.reason === "PreemptionByScheduler";
}

/**
 * The status patch the scheduler sends a victim before deleting it (UpdatePodCondition with DisruptionTarget,
 * PreemptionByScheduler), or undefined when the victim already has that condition as it would be written.
 */
export function victimDisruptionStatus(victim: Pod, preemptor: Pod, nowRfc3339: string): { conditions: NonNullable<Pod["status"]>["conditions"] } | undefined {
  const message = `${preemptor.spec?.schedulerName ?? "default-scheduler"}: preempting to accommodate a higher priority pod`;
  const old = (victim.status?.conditions ?? []).find((c) => c.type === "DisruptionTarget");
  // the mutant takes any DisruptionTarget (an eviction's, the taint manager's) as the preemption's
  if (old && old.status === "True" && ((old.reason === "PreemptionByScheduler" && old.message === message) || mutant("scheduler.victim-other-disruption-kept"))) return undefined;
  const lastTransitionTime = old && old.status === "True" ? old.lastTransitionTime : nowRfc3339;
  // PodObservedGenerationTracking (on in v1.35): the condition carries the victim's generation
  const gen = victim.metadata?.generation;
  return { conditions: [{ type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler", message, lastTransitionTime, ...(gen !== undefined ? { observedGeneration: gen } : {}) }] };
}

/** PodEligibleToPreemptOthers: preemptionPolicy Never, or a lower-priority victim of an earlier preemption still terminating on the nominated node. */
export function podEligibleToPreemptOthers(pod: Pod, nodeInfos: NodeInfo[], nominatedStatus?: FilterStatus): { ok: true } | { ok: false; message: string } {
  // the mutant lets a pod with preemptionPolicy Never preempt
  if (pod.spec?.preemptionPolicy === "Never" && !mutant("scheduler.preemption-policy-never-preempts")) return { ok: false, message: "not eligible due to preemptionPolicy=Never." };
  const nominated = pod.status?.nominatedNodeName;
  // the mutant preempts again though victims of the last preemption still terminate on the nominated node
  if (nominated && nominatedStatus?.code !== "UnschedulableAndUnresolvable" && !mutant("scheduler.nominated-terminating-victim-ignored")) {
    const ni = nodeInfos.find((n) => nodeName(n) === nominated);
    const prio = podPriority(pod);
    if (ni?.pods.some((p) => podPriority(p) < prio && podTerminatingByPreemption(p))) {
      return { ok: false, message: "not eligible due to a terminating pod on the nominated node." };
    }
  }
  return { ok: true };
}

/** filterPodsWithPDBViolation: pods whose eviction would exceed a matching PDB's disruptionsAllowed. */
export function filterPodsWithPDBViolation(pods: Pod[], pdbs: PodDisruptionBudget[]): { violating: Pod[]; nonViolating: Pod[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const matchers = pdbs.map((p) => {
    const sel = p.spec?.selector;
    // An empty or nil PDB selector matches nothing here, as in Kubernetes.
    const empty = sel == null || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
    return empty ? () => false : compileLabelSelector(sel);
  });
  const violating: Pod[] = [];
  const nonViolating: Pod[] = [];
  for (const pod of pods) {
    let violates = false;
    pdbs.forEach((pdb, i) => {
      if ((pdb.metadata?.namespace ?? "default") !== (pod.metadata?.namespace ?? "default")) return;
      if (!matchers[i]!(pod.metadata?.labels)) return;
      // Already counted as disrupted by the PDB controller.
      if (pod.metadata?.name && pdb.status?.disruptedPods?.[pod.metadata.name] !== undefined) return;
      allowed[i]!--;
      if (allowed[i]! < 0) violates = true;
    });
    (violates ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/**
 * Filters the pod against a what-if snapshot where one node holds only the given pods, with the
 * pods of equal or higher priority nominated to it counted (RunFilterPluginsWithNominatedPods), so
 * the room an earlier preemptor waits for is never handed out again as this one's.
 */
function fitsWith(pod: Pod, nodeInfos: NodeInfo[], index: number, pods: Pod[], opts: ProfileOptions): FilterStatus {
  const ni = newNodeInfo(nodeInfos[index]!.node, pods);
  const snapshot = nodeInfos.slice();
  snapshot[index] = ni;
  return runFiltersWithNominatedPods(runPreFilter(pod, snapshot, opts), pod, ni, opts.nominatedPods?.get(nodeName(ni)));
}

/** selectVictimsOnNode: evict all lower-priority pods, then reprieve as many as possible, PDB violators first. */
export function selectVictimsOnNode(pod: Pod, nodeInfos: NodeInfo[], index: number, opts: PreemptionOptions = {}): Candidate | FilterStatus {
  const ni = nodeInfos[index]!;
  const prio = podPriority(pod);
  const potential = ni.pods.filter((p) => podPriority(p) < prio || (mutant("scheduler.preempts-equal-priority") && podPriority(p) === prio));
  if (potential.length === 0) return { code: "UnschedulableAndUnresolvable", reasons: [ErrNoVictims], plugin: "DefaultPreemption" };
  const kept = ni.pods.filter((p) => !potential.includes(p));
  const s = fitsWith(pod, nodeInfos, index, kept, opts);
  if (s.code !== "Success") return s;
  // the first mutant reprieves the least important pods first (most important are evicted); the second forgets the budgets
  potential.sort(mutant("scheduler.preemption-reprieves-least-important-first") ? (a, b) => byImportance(b, a) : byImportance);
  const { violating, nonViolating } = filterPodsWithPDBViolation(potential, mutant("scheduler.preemption-ignores-pdb") ? [] : (opts.pdbs ?? []));
  const victims: Pod[] = [];
  let numPDBViolations = 0;
  const reprieve = (p: Pod): boolean => {
    kept.push(p);
    if (fitsWith(pod, nodeInfos, index, kept, opts).code === "Success") return true;
    kept.pop();
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) numPDBViolations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(byImportance);
  return { nodeName: nodeName(ni), victims, numPDBViolations };
}

/** The start time of the earliest-started pod among the highest-priority victims (GetEarliestPodStartTime; none: -Infinity). */
export function earliestStartOfMostImportant(victims: Pod[]): number {
  if (victims.length === 0) return Number.NEGATIVE_INFINITY;
  const top = Math.max(...victims.map(podPriority));
  return Math.min(...victims.filter((p) => podPriority(p) === top).map(startTime));
}

/**
 * pickOneNodeForPreemption: a node needing no victims; else fewest PDB violations, lowest top victim priority,
 * smallest priority sum, fewest victims, latest earliest-start among top victims, then the first.
 */
export function pickOneNodeForPreemption(candidates: Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const free = candidates.find((c) => c.victims.length === 0);
  if (free) return free;
  // the mutant skips the second criterion: the node whose most important victim matters least
  const scoreFuncs: Array<(c: Candidate) => number> = [
    (c) => -c.numPDBViolations,
    (c) => (mutant("scheduler.preemption-ignores-top-victim-priority") ? 0 : -podPriority(c.victims[0]!)),
    // Offset by MaxInt32+1 so negative priorities still add up as Kubernetes counts them.
    (c) => -c.victims.reduce((s, p) => s + podPriority(p) + 2147483648, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfMostImportant(c.victims),
  ];
  let remaining = candidates;
  for (const f of scoreFuncs) {
    const best = Math.max(...remaining.map(f));
    remaining = remaining.filter((c) => f(c) === best);
    if (remaining.length === 1) break;
  }
  return remaining[0];
}

/**
 * Preempt: for a pod that failed filtering with `diagnosis`, find the node to preempt on and its victims,
 * or the "preemption: …" message Kubernetes appends to FailedScheduling.
 */
export function preempt(pod: Pod, nodeInfos: NodeInfo[], diagnosis: Diagnosis, opts: PreemptionOptions = {}): PreemptionResult {
  const nominated = pod.status?.nominatedNodeName;
  const eligible = podEligibleToPreemptOthers(pod, nodeInfos, nominated ? diagnosis.nodeToStatus.get(nominated) : undefined);
  if (!eligible.ok) return { message: `preemption: ${eligible.message}`, notEligible: true };
  const { candidates, statuses } = dryRunPreemption(pod, nodeInfos, diagnosis, opts);
  const best = pickOneNodeForPreemption(candidates);
  if (best === undefined) return { message: `preemption: ${failedSchedulingMessage(nodeInfos.length, { nodeToStatus: statuses })}` };
  return { nodeName: best.nodeName, victims: best.victims };
}

/**
 * findCandidates and DryRunPreemption over every node: a node the filters rejected as Unschedulable whose
 * lower-priority pods, evicted, let the pod fit is a candidate; every other node gets the status preemption
 * reports for it (a node absent from the diagnosis was not rejected, so preemption cannot help there).
 */
export function dryRunPreemption(pod: Pod, nodeInfos: NodeInfo[], diagnosis: Diagnosis, opts: PreemptionOptions = {}): { candidates: Candidate[]; statuses: Diagnosis["nodeToStatus"] } {
  const statuses: Diagnosis["nodeToStatus"] = new Map();
  const candidates: Candidate[] = [];
  nodeInfos.forEach((ni, i) => {
    const name = nodeName(ni);
    const prior = diagnosis.nodeToStatus.get(name);
    if (prior === undefined || prior.code === "UnschedulableAndUnresolvable") {
      statuses.set(name, { code: "UnschedulableAndUnresolvable", reasons: [ErrNotHelpful], plugin: "DefaultPreemption" });
      return;
    }
    const r = selectVictimsOnNode(pod, nodeInfos, i, opts);
    // A node that needs no victims is no candidate (Kubernetes reports it as an error).
    if ("victims" in r) {
      if (r.victims.length > 0) candidates.push(r);
    } else if (r.code !== "Success") statuses.set(name, r);
  });
  return { candidates, statuses };
}
