// What the node-local plugins said of each node, remembered between cycles (kube-scheduler keeps
// no such memo, but its answers are the same): the filters that read only the pod and the node
// (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit) and
// the scores that do (TaintToleration, NodeAffinity, NodeResourcesFit, BalancedAllocation) give
// the same verdict for the same NodeInfo and the same pod spec (ImageLocality too, while the
// snapshot's image counts are the same). NodeInfos are values (a change
// makes a new one), so a verdict stays good while its node's NodeInfo is the same object: after a
// binding only the node it went to is filtered and scored again. The plugins that read the whole
// snapshot or the cluster (VolumeBinding, PodTopologySpread, InterPodAffinity) and nodes with
// nominated pods are still run every cycle.

import type { Container, Pod, PodSpec } from "kubernetes-types/core/v1";
import { deepEqual } from "../common/equal.js";
import { anyMutant } from "../common/mutation.js";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, nonZeroDefaults, podRequests, type Resources, type ScorePlugin, toResources } from "./framework.js";
import { ImageLocality, imageLocalityInputs } from "./plugins/ImageLocality/index.js";
import { NodeAffinity } from "./plugins/NodeAffinity/index.js";
import { NodeName } from "./plugins/NodeName/index.js";
import { NodePorts } from "./plugins/NodePorts/index.js";
import { NodeResourcesBalancedAllocation } from "./plugins/NodeResourcesBalancedAllocation/index.js";
import { NodeResourcesFit } from "./plugins/NodeResourcesFit/index.js";
import { NodeUnschedulable } from "./plugins/NodeUnschedulable/index.js";
import { TaintToleration } from "./plugins/TaintToleration/index.js";

/** The filters whose verdict depends on the pod's spec and the NodeInfo alone (their PreFilter state too). */
export const nodeLocalFilters: ReadonlySet<FilterPlugin> = new Set<FilterPlugin>([
  NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
]);

/** The scores (before normalizing) that depend on the pod's spec and the NodeInfo alone (their PreScore state too). */
export const nodeLocalScores: ReadonlySet<ScorePlugin> = new Set<ScorePlugin>([
  TaintToleration, NodeAffinity, NodeResourcesFit, NodeResourcesBalancedAllocation,
]);

/** The parts of a container the node-local plugins read: requests (resources), host ports, sidecar-ness. */
function containerShape(c: Container): unknown {
  return { resources: c.resources, ports: c.ports, restartPolicy: c.restartPolicy };
}

/**
 * Everything of a pod the node-local plugins read, all from its spec: tolerations (NodeUnschedulable,
 * TaintToleration), nodeName (NodeName), nodeSelector and node affinity (NodeAffinity), the
 * containers' ports (NodePorts) and requests, pod-level resources and overhead (NodeResourcesFit,
 * BalancedAllocation). Two pods with equal shapes get equal verdicts on every node.
 */
export function podShape(pod: Pod): unknown {
  const spec = (pod.spec ?? {}) as PodSpec & { resources?: unknown };
  return {
    tolerations: spec.tolerations,
    nodeName: spec.nodeName,
    nodeSelector: spec.nodeSelector,
    nodeAffinity: spec.affinity?.nodeAffinity,
    containers: spec.containers?.map(containerShape),
    initContainers: spec.initContainers?.map(containerShape),
    overhead: spec.overhead,
    resources: spec.resources,
  };
}

/**
 * How a cycle's scores are put together with remembered ones: the node-local plugins without a
 * normalize step (and ImageLocality while the snapshot's image counts are the same) as one weighted
 * sum per node, the node-local ones with a normalize step as raw scores, the others scored anew.
 */
export interface ScorePlan {
  readonly summed: readonly ScorePlugin[];
  readonly normalized: readonly ScorePlugin[];
  readonly others: readonly ScorePlugin[];
}

/** A plan's remembered scores, by slot: each kept with the NodeInfo it was computed for. */
export class PlanScores {
  readonly scored: (NodeInfo | undefined)[] = [];
  /** slot -> Σ weight × score of the plan's summed plugins */
  readonly sums: number[] = [];
  /** per normalized plugin: slot -> its raw score */
  readonly raws: number[][];

  constructor(readonly plan: ScorePlan, readonly active: readonly ScorePlugin[], readonly images: ImageInputs | undefined) {
    this.raws = plan.normalized.map(() => []);
  }
}

/** What ImageLocality's score reads besides the pod's images and the NodeInfo: the snapshot's image counts and size. */
type ImageInputs = NonNullable<ReturnType<typeof imageLocalityInputs>>;

function sameImageInputs(a: ImageInputs | undefined, b: ImageInputs | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.numNodesByImage === b.numNodesByImage && a.totalNumNodes === b.totalNumNodes && sameList(a.images, b.images);
}

/**
 * One pod shape's verdicts, by the node's place in the snapshot: each kept with the NodeInfo it
 * was made for, and good only for that very object.
 */
export class ShapeVerdicts {
  /** slot -> the NodeInfo `status` was computed for */
  readonly filtered: (NodeInfo | undefined)[] = [];
  /** slot -> the node-local filters' verdict, in the profile's order, stopping at the first failure */
  readonly status: FilterStatus[] = [];
  private scores: PlanScores | undefined;

  constructor(readonly shape: unknown, readonly filters: readonly FilterPlugin[]) {}

  /**
   * The remembered scores for a cycle whose PreScore left `active` plugins (in the profile's order)
   * and `state`; started over when the plugins or ImageLocality's inputs are not those they were made with.
   */
  scoresFor(active: readonly ScorePlugin[], state: CycleState): PlanScores {
    const images = active.includes(ImageLocality) ? imageLocalityInputs(state) : undefined;
    const cur = this.scores;
    if (cur !== undefined && sameList(cur.active, active) && sameImageInputs(cur.images, images)) return cur;
    const summed: ScorePlugin[] = [];
    const normalized: ScorePlugin[] = [];
    const others: ScorePlugin[] = [];
    for (const p of active) {
      const local = nodeLocalScores.has(p) || (p === ImageLocality && images !== undefined);
      if (!local) others.push(p);
      else if (p.normalize === undefined) summed.push(p);
      else if (p.normalizeAll !== undefined) normalized.push(p);
      else others.push(p);
    }
    this.scores = new PlanScores({ summed, normalized, others }, active.slice(), images);
    return this.scores;
  }
}

/** How many pod shapes one memo keeps (the most recently used). */
const shapesMax = 16;

/**
 * What is remembered for one pod shape: its requests (as cyclePodRequests computes them, from
 * fields the shape holds) and its verdicts, by the list of node-local filters PreFilter left active.
 */
export class ShapeEntry {
  private readonly verdicts: ShapeVerdicts[] = [];
  readonly requests: Resources;
  readonly nonZeroRequests: Resources;

  constructor(readonly shape: unknown, pod: Pod) {
    this.requests = toResources(podRequests(pod));
    this.nonZeroRequests = toResources(podRequests(pod, { nonMissingContainerRequests: nonZeroDefaults }));
  }

  /** The verdicts for a cycle whose active filters (after PreFilter) are `active`. */
  forFilters(active: readonly FilterPlugin[]): ShapeVerdicts {
    const filters: FilterPlugin[] = [];
    for (const p of active) {
      if (!nodeLocalFilters.has(p)) break;
      filters.push(p);
    }
    for (const v of this.verdicts) if (sameList(v.filters, filters)) return v;
    const v = new ShapeVerdicts(this.shape, filters);
    this.verdicts.push(v);
    return v;
  }
}

/**
 * The verdicts remembered for the pod shapes scheduled over one node list. Shared by every cycle
 * (and every copy of a scheduler) that schedules over it: a verdict is used only for the NodeInfo
 * it was made for and a pod of the shape it was made for, so whoever made it, it is the one the
 * plugins would give.
 */
export class NodeVerdicts {
  private readonly shapes: ShapeEntry[] = [];

  /** What is remembered for this pod's shape; undefined when it cannot be used (a mutant on, as only the mutation runner turns on: it may change a plugin's verdict). */
  forPod(pod: Pod): ShapeEntry | undefined {
    if (anyMutant()) return undefined;
    const shape = podShape(pod);
    for (let i = 0; i < this.shapes.length; i++) {
      const e = this.shapes[i]!;
      if (!deepEqual(e.shape, shape)) continue;
      if (i > 0) {
        this.shapes.splice(i, 1);
        this.shapes.unshift(e);
      }
      return e;
    }
    const e = new ShapeEntry(shape, pod);
    this.shapes.unshift(e);
    if (this.shapes.length > shapesMax) this.shapes.pop();
    return e;
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const memos = new WeakMap<object, NodeVerdicts>();

/** The verdict memo for a node list (any immutable value standing for it: the scheduler's nodeOrder). */
export function nodeVerdictsFor(nodes: object): NodeVerdicts {
  let m = memos.get(nodes);
  if (m === undefined) memos.set(nodes, (m = new NodeVerdicts()));
  return m;
}
