// One checked run: a cluster, a workload of commands at given steps, the invariants after
// every step. Safety phase with faults, then a liveness phase without faults that must
// converge within a budget. Everything is a function of the RunSpec, so a run replays exactly.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { parseManifests } from "../runtime/manifests.js";
import { resourceForKind } from "../machines/apiserver/resources.js";
import { Rng, seedFor } from "../machines/common/prng.js";
import { podCIDRFor } from "../machines/cni/ipam.js";
import { milliValue, parseQuantity } from "../machines/common/quantity.js";
import { FaultInjector, defaultFaultSettings, faultSettingsFromSeed, type FaultEntry, type FaultName, type FaultSettings } from "../runtime/faults.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";
import { InvariantChecker, invariants as allInvariants, type InvariantSpec, type Violation } from "./invariants/index.js";
import { livenessInvariant, notConverged, notConvergedMessage } from "./invariants/liveness.js";
import { footprint, footprintDiff } from "./invariants/deletion.js";

/** A change the workload makes, sent as kubectl would at a given step of the safety phase. */
export type Command =
  | { op: "apply"; at: number; obj: any }
  /** propagationPolicy as `kubectl delete --cascade=orphan|foreground` sends it (default: background) */
  | { op: "delete"; at: number; kind: string; name: string; namespace?: string; propagationPolicy?: "Orphan" | "Foreground" | "Background"; /** `kubectl delete --grace-period=N` */ gracePeriodSeconds?: number }
  | { op: "scale"; at: number; kind: string; name: string; replicas: number; namespace?: string }
  /** a JSON merge patch, as `kubectl patch --type merge` (a rollout restart's template annotation) */
  | { op: "patch"; at: number; kind: string; name: string; body: any; namespace?: string }
  /** a node's kubelet cut off from the API server for ms of simulated time (both directions) */
  | { op: "partition"; at: number; node: string; ms: number }
  /** a component's process restarted (systemctl restart kubelet): down for ms of simulated time, then started afresh */
  | { op: "restart"; at: number; actor: string; ms: number }
  /** a node rebooted (its kubelet, runtime and CNI down for ms; the runtime comes back without containers), as the node-reboot fault does */
  | { op: "reboot"; at: number; node: string; ms: number }
  /** a list as `kubectl get <resource> -A --field-selector ... -l ...` sends it (the answer is judged, not kept) */
  | { op: "list"; at: number; kind: string; fieldSelector?: string; labelSelector?: string }
  /** `kubectl drain`'s eviction (pods/eviction) of the first pod by name of those the label selector matches that is not being deleted, as stored when it is sent */
  | { op: "evict"; at: number; labelSelector: Record<string, string>; namespace?: string };

/** The nodes of a generated cluster: a count of identical workers with this shape. */
export interface NodeShape {
  cpu: string;
  memory: string;
  /** the kubelet's maxPods: allocatable pods */
  pods: number;
  /** the prefix length of each node's podCIDR (24: 254 addresses; 28: 14, which round robin wraps soon) */
  podCIDRPrefix: number;
}

/** Everything a run depends on. */
export interface RunSpec {
  scenario: string;
  seed: number;
  nodes: number;
  /** the nodes' shape (default: createCluster's 4 cpu, 16Gi, 110 pods, a /24 each) */
  nodeShape?: NodeShape;
  /** taints nodes register with (kubelet --register-with-taints), by node name; only with nodeShape */
  nodeTaints?: Array<{ node: string; taints: any[] }>;
  /**
   * One more node after the others (node-<nodes+1>), of this shape, registered with the batch taint:
   * the IP-churn Job's own, so its small range wraps whatever the other nodes are; only with nodeShape
   */
  batchNode?: NodeShape;
  steps: number;
  faults: FaultName[];
  commands: Command[];
  /** the fault probabilities and bounds, drawn from the seed (faultSettingsFromSeed); a spec without them (or some) was recorded with the defaults */
  faultSettings?: FaultSettings;
  /** simulated ms the liveness phase may take */
  livenessBudgetMs?: number;
  /**
   * The safety phase's deliveries wherever the chooser had a choice, as the keys of the channels
   * they came from, in order: replayed first (each pick takes the first entry whose channel is
   * ready; the others wait), then the seeded chooser picks on. The shrinker records it from a failing run and cuts
   * deliveries out of it; absent, the seeded chooser picks every delivery.
   */
  schedule?: string[];
  /**
   * The safety phase's faults, each keyed to the message or delivery it struck (FaultEntry): when
   * present the run injects exactly these and draws none. The shrinker records it from a failing
   * run, so that cutting commands or deliveries moves no fault, and leaves faults out one by one.
   */
  faultPlan?: FaultEntry[];
}

export interface RunResult {
  spec: RunSpec;
  steps: number;
  faults: number;
  faultCounts: Record<string, number>;
  violations: Violation[];
  phase: "safety" | "liveness" | "deletion" | "done";
  trace?: readonly TraceEntry[];
}

/** Thrown from inside the runtime when an invariant fails, to stop the run at that step. */
export class ViolationError extends Error {
  constructor(public readonly violations: Violation[]) {
    super(violations.map((v) => `${v.invariant}: ${v.message}`).join("\n"));
  }
}

/** Hooks for mutants: change the cluster before the run starts (spawn a broken machine, wrap delivery). */
export interface RunHooks {
  prepare?(cluster: Cluster): void;
  invariants?: readonly InvariantSpec[];
  trace?: boolean;
  /** gets the key of each safety-phase delivery the chooser picked, in order (the run's schedule) */
  record?: string[];
  /** gets every fault the safety phase injected, keyed to its message (the run's fault plan) */
  recordFaults?: FaultEntry[];
}

/** The examples/ directory, from the sources or from dist/. */
export function examplesDir(): string {
  for (const rel of ["../examples/", "../../examples/"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error("examples/ directory not found");
}

/** The objects of an example manifest by scenario name (the file name without .yaml). */
export function exampleObjects(name: string): any[] {
  const f = `${examplesDir()}${name}.yaml`;
  return parseManifests(readFileSync(f, "utf8"), f) as any[];
}

function send(cluster: Cluster, c: Command, id: number, faults?: FaultInjector): void {
  if (c.op === "reboot") {
    faults?.rebootNode(c.node, c.ms);
    return;
  }
  if (c.op === "partition") {
    cluster.runtime.clog(`kubelet/${c.node}`, "apiserver", c.ms);
    cluster.runtime.clog("apiserver", `kubelet/${c.node}`, c.ms);
    return;
  }
  if (c.op === "restart") {
    const rt = cluster.runtime;
    if (!rt.has(c.actor)) return;
    rt.crash(c.actor);
    rt.later(c.ms, () => {
      if (!rt.has(c.actor)) rt.revive(c.actor);
    });
    return;
  }
  if (c.op === "evict") {
    const ns = c.namespace ?? "default";
    const matches = (p: any) => Object.entries(c.labelSelector).every(([k, v]) => p.metadata?.labels?.[k] === v);
    const pod = cluster.list("Pod", { namespace: ns }).filter((p: any) => !p.metadata?.deletionTimestamp && matches(p)).sort((a: any, b: any) => (a.metadata.name < b.metadata.name ? -1 : 1))[0];
    if (!pod) return;
    const name = pod.metadata.name;
    cluster.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id, token: cluster.adminToken, verb: "create", group: "", resource: "pods", namespace: ns, name, subresource: "eviction", body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: ns } } });
    return;
  }
  const kind = c.op === "apply" ? c.obj.kind : c.kind;
  const r = resourceForKind(kind);
  if (!r) throw new Error(`unknown kind ${kind}`);
  if (c.op === "list") {
    const q = { ...(c.fieldSelector ? { fieldSelector: c.fieldSelector } : {}), ...(c.labelSelector ? { labelSelector: c.labelSelector } : {}) };
    cluster.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id, token: cluster.adminToken, verb: "list", group: r.group, resource: r.resource, ...q });
    return;
  }
  const namespace = r.namespaced ? (c.op === "apply" ? c.obj.metadata?.namespace : c.namespace) ?? "default" : undefined;
  const base: any = { type: "ApiRequest", id, token: cluster.adminToken, group: r.group, resource: r.resource, ...(namespace ? { namespace } : {}) };
  if (c.op === "apply") base.verb = "create", base.body = structuredClone(c.obj);
  else if (c.op === "delete") {
    // as kubectl delete sends it (--cascade=background unless the command says): batch/v1's own default would orphan a Job's pods
    base.verb = "delete", base.name = c.name;
    base.body = { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: c.propagationPolicy ?? "Background", ...(c.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: c.gracePeriodSeconds } : {}) };
  }
  else if (c.op === "patch") base.verb = "patch", base.name = c.name, base.patchType = "merge", base.body = structuredClone(c.body);
  else base.verb = "patch", base.name = c.name, base.patchType = "merge", base.body = { spec: { replicas: c.replicas } };
  cluster.runtime.send("kubectl", "apiserver", base);
}

/**
 * Deliveries at one instant after which the next timer fires anyway. Handling a message takes time
 * on a real cluster, so components that keep each other busy (a controller recreating what the
 * garbage collector deletes, on a cache a held watch keeps stale) do not stop the clock; without
 * this the seeded runtime would deliver forever at one instant and never release the held watch.
 */
const livelockSteps = 20_000;
/**
 * Once a livelock made time pass, deliveries per instant until the next timer fires: the loop is
 * still running, so time keeps passing at this pace until an instant ends by itself (one held
 * watch released 250 ms later took 500,000 deliveries at 20,000 per timer).
 */
const livelockPace = 200;
const instant = new WeakMap<object, { at: number; steps: number; livelocked: boolean }>();

/** One step: a message if one is ready, else the next timer. False when there is neither. */
function stepOnce(cluster: Cluster): boolean {
  const rt = cluster.runtime;
  let i = instant.get(rt);
  if (!i) instant.set(rt, (i = { at: rt.now, steps: 0, livelocked: false }));
  if (!rt.hasReady) {
    i.livelocked = false;
    return rt.fireNextTimer();
  }
  if (i.at !== rt.now) i.at = rt.now, i.steps = 0;
  if (++i.steps > (i.livelocked ? livelockPace : livelockSteps) && rt.fireNextTimer()) {
    i.livelocked = true;
    return true;
  }
  return rt.step();
}

/** Runs one spec; violations stop it at the step they happen. */
export function runSpec(spec: RunSpec, hooks: RunHooks = {}): RunResult {
  const cluster = createCluster({ nodes: spec.nodeShape ? [...shapedNodes(spec.nodes, spec.nodeShape, spec.nodeTaints), ...batchNodes(spec)] : spec.nodes, seed: spec.seed, trace: hooks.trace ?? false });
  const rt = cluster.runtime;
  hooks.prepare?.(cluster);
  const checker = new InvariantChecker(rt, hooks.invariants ?? allInvariants);
  rt.observers.push(() => {
    const vs = checker.step();
    if (vs.length > 0) throw new ViolationError(vs);
  });
  const faults = new FaultInjector(rt, spec.seed, spec.faults, faultSettingsOf(spec), { ...(spec.faultPlan ? { plan: spec.faultPlan } : {}), ...(hooks.recordFaults ? { record: hooks.recordFaults } : {}) });
  const result: RunResult = { spec, steps: 0, faults: 0, faultCounts: faults.counts, violations: [], phase: "safety" };
  const commands = [...spec.commands].sort((a, b) => a.at - b.at);
  let next = 0;
  let id = 1_000_000;
  // deletionReversesCreation compares the end of the run with the cluster as start-up leaves it
  // (a fork settled apart, so the run itself is unchanged).
  const started = rt.fork();
  started.settle();
  const before = footprint(started);
  started.stopAll();
  const phase = { safety: true };
  followSchedule(rt, spec.schedule, hooks.record, phase);
  try {
    faults.install();
    for (let i = 0; i < spec.steps; i++) {
      while (next < commands.length && commands[next]!.at <= i) send(cluster, commands[next++]!, id++, faults);
      if (!stepOnce(cluster)) break;
      result.steps++;
    }
    while (next < commands.length) send(cluster, commands[next++]!, id++, faults);
    phase.safety = false;
    faults.uninstall();
    // The later phases count their steps as they go: a failure in them is as long as all its steps.
    result.phase = "liveness";
    converge(cluster, spec.livenessBudgetMs ?? 600_000, () => result.steps++);
    result.phase = "deletion";
    const deleting = rt.delivered;
    try {
      deleteEverything(cluster, commands, () => id++);
    } finally {
      result.steps += rt.delivered - deleting;
    }
    const left = footprintDiff(before, footprint(rt));
    if (left.length > 0) throw new ViolationError(left);
    result.phase = "done";
  } catch (e) {
    if (!(e instanceof ViolationError)) throw e;
    result.violations = e.violations;
  } finally {
    result.faults = faults.total;
    if (hooks.trace) result.trace = rt.trace();
    void cluster.stop();
  }
  return result;
}

/**
 * Picks the safety phase's deliveries from a schedule (and records the picks), falling back on the
 * seeded chooser: a copy of the runtime's, drawn at every pick so that, once the schedule is spent
 * or the safety phase over, it picks what the runtime itself would have.
 */
function followSchedule(rt: Cluster["runtime"], schedule: readonly string[] | undefined, record: string[] | undefined, phase: { safety: boolean }): void {
  if (!schedule && !record) return;
  const chooser = new Rng(rt.chooserState);
  const used = new Uint8Array(schedule?.length ?? 0);
  let pos = 0;
  rt.choose = (n) => {
    const drawn = chooser.int(n);
    if (!phase.safety) return drawn;
    const keys = rt.readyKeys();
    // The first entry not yet taken whose channel is ready: an entry whose channel has nothing
    // yet waits for it (a cut upstream delivery makes its messages come later, not never).
    for (let j = pos; schedule && j < schedule.length && j < pos + scheduleLookahead; j++) {
      if (used[j]) continue;
      const i = keys.indexOf(schedule[j]!);
      if (i < 0) continue;
      used[j] = 1;
      while (pos < used.length && used[pos]) pos++;
      record?.push(keys[i]!);
      return i;
    }
    if (schedule && pos < schedule.length && pos + scheduleLookahead <= schedule.length) {
      // nothing in reach is ready: the oldest entry is given up
      used[pos] = 1;
      while (pos < used.length && used[pos]) pos++;
    }
    record?.push(keys[drawn]!);
    return drawn;
  };
}

/** How far ahead of its oldest waiting entry a schedule is searched for a ready channel. */
const scheduleLookahead = 256;

/** The fault settings a spec runs with. */
export function faultSettingsOf(spec: RunSpec): FaultSettings {
  // a spec recorded before a fault came lacks its settings: the defaults fill them in
  return { ...defaultFaultSettings, ...spec.faultSettings };
}

/** livenessUnderFairness: without faults, under the seeded uniform (fair) chooser, the cluster must converge within the budget. */
function converge(cluster: Cluster, budgetMs: number, step: () => void): void {
  const rt = cluster.runtime;
  const deadline = rt.now + budgetMs;
  for (;;) {
    if (rt.queued === 0) {
      const why = notConverged(cluster);
      if (why === undefined) return;
      if (rt.now >= deadline || !rt.fireNextTimer(deadline)) throw new ViolationError([{ invariant: livenessInvariant, message: notConvergedMessage(budgetMs, why) }]);
      step();
      continue;
    }
    if (rt.now >= deadline) {
      // a periodic message due at the deadline (a heartbeat, a metrics scrape) is the steady state: what is not converged is the news
      const why = notConverged(cluster);
      throw new ViolationError([{ invariant: livenessInvariant, message: notConvergedMessage(budgetMs, why ?? "messages still flowing (objects look converged)") }]);
    }
    if (!stepOnce(cluster)) throw new ViolationError([{ invariant: livenessInvariant, message: "messages are queued on clogged channels but no timer is left" }]);
    step();
  }
}

/**
 * deletionReversesCreation's phase: delete what the workload applied and still exists (newest
 * first; owned objects go with their owners through the garbage collector), let the cluster
 * settle, a simulated minute pass for graceful terminations, and settle again.
 */
function deleteEverything(cluster: Cluster, commands: Command[], nextId: () => number): void {
  const rt = cluster.runtime;
  const applied = commands.filter((c): c is Extract<Command, { op: "apply" }> => c.op === "apply").reverse();
  for (const c of applied) {
    // in the object's own namespace (the docs' DaemonSet lives in kube-system)
    const ns = resourceForKind(c.obj.kind)?.namespaced ? c.obj.metadata.namespace ?? "default" : undefined;
    if (cluster.get(c.obj.kind, c.obj.metadata.name, ns)) send(cluster, { op: "delete", at: 0, kind: c.obj.kind, name: c.obj.metadata.name, ...(ns ? { namespace: ns } : {}) }, nextId());
  }
  // What a --cascade=orphan delete left without an owner (its ReplicaSet made again too late to
  // adopt it, or the ReplicaSet of the Deployment web) is the user's to delete, as `kubectl delete
  // pods,rs -l set` (or `-l app=web`) would.
  const deleteOrphans = () => {
    for (const kind of ["ReplicaSet", "Pod"]) {
      for (const o of cluster.list(kind)) {
        if (!(o.metadata?.labels?.set || o.metadata?.labels?.app === "web") || o.metadata.deletionTimestamp || (o.metadata.ownerReferences ?? []).some((r: any) => r.controller)) continue;
        send(cluster, { op: "delete", at: 0, kind, name: o.metadata.name, namespace: o.metadata.namespace }, nextId());
      }
    }
  };
  deleteOrphans();
  // settle, a simulated minute, settle: through stepOnce, so a livelock lets time pass, bounded by
  // the liveness budget (what is then left behind is the violation)
  const runWhile = (busy: () => boolean, deadline: number) => {
    while (busy() && rt.now <= deadline && stepOnce(cluster));
  };
  const busy = () => rt.queued > 0 || rt.pendingWork > 0;
  runWhile(busy, rt.now + 600_000);
  runWhile(() => true, rt.now + 60_000);
  // an orphan-delete still under way when the sweep ran (its owner held by the orphan finalizer)
  // has orphaned its dependents since: they are the user's to delete too
  deleteOrphans();
  runWhile(busy, rt.now + 600_000);
}

export { notConverged } from "./invariants/liveness.js";

const scenarioNodes = 2;

/** The built-in scenarios: every example manifest, plus random workloads. */
export function scenarioNames(): string[] {
  const examples = readdirSync(examplesDir()).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5));
  return [...examples.sort(), "random"];
}

/** v1 Nodes of one shape, named and labelled as createCluster names its own; podCIDRs as the node IPAM controller hands them out. */
export function shapedNodes(count: number, shape: NodeShape, nodeTaints: RunSpec["nodeTaints"] = [], first = 0, firstCIDR = first): any[] {
  const capacity = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.pods), "ephemeral-storage": "100Gi" };
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    const name = `node-${i + 1}`;
    const taints = nodeTaints.find((t) => t.node === name)?.taints ?? [];
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } },
      spec: { podCIDR: podCIDRFor("10.244.0.0/16", firstCIDR + k, shape.podCIDRPrefix), ...(taints.length > 0 ? { taints: structuredClone(taints) } : {}) },
      status: { capacity, allocatable: capacity },
    };
  });
}

/** The batch node of a spec (none without one): node-<nodes+1>, registered with the batch taint. */
function batchNodes(spec: RunSpec): any[] {
  if (!spec.batchNode || !spec.nodeShape) return [];
  const name = batchNodeName(spec.nodes);
  // its range is the first of its size past the other nodes' ranges, so none overlap
  const taken = spec.nodes * 2 ** (32 - spec.nodeShape.podCIDRPrefix);
  const index = Math.ceil(taken / 2 ** (32 - spec.batchNode.podCIDRPrefix));
  return shapedNodes(1, spec.batchNode, [{ node: name, taints: [{ ...batchTaint, effect: "NoSchedule" }] }], spec.nodes, index);
}

const batchNodeName = (nodes: number) => `node-${nodes + 1}`;

/** The taint of the batch node: only the IP-churn Job's pods tolerate it. */
const batchTaint = { key: "example.com/batch", value: "churn" };

/** The batch node's shape: 4 pods, a /29 (5 addresses host-local hands out), so the churn wraps it within a dozen pods. */
const batchShape: NodeShape = { cpu: "1", memory: "2Gi", pods: 4, podCIDRPrefix: 29 };

/** The taint random workloads put on a dedicated node, and the tolerations their pods may carry. */
const dedicatedTaint = { key: "example.com/dedicated", value: "infra" };

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/**
 * The cluster of a random run: 1 to 3 nodes of one shape. Small nodes get a range of twice their
 * maxPods addresses, as GKE sizes them (/28 for 8 pods), so under churn their round robin wraps
 * (13 usable addresses on a /28, 5 on a /29) but the range never runs out.
 */
export function nodesFromSeed(seed: number): { nodes: number; nodeShape: NodeShape; nodeTaints?: RunSpec["nodeTaints"]; batchNode: NodeShape } {
  const rng = new Rng(seedFor(seed, "cluster"));
  const shapes: NodeShape[] = [
    { cpu: "4", memory: "16Gi", pods: 110, podCIDRPrefix: 24 },
    { cpu: "2", memory: "4Gi", pods: 8, podCIDRPrefix: 28 },
    { cpu: "1", memory: "2Gi", pods: 4, podCIDRPrefix: 29 },
  ];
  const nodeShape = pick(rng, shapes);
  // Fewer small nodes: the churn of one workload lands on one or two of them and wraps their range.
  const nodes = 1 + rng.int(nodeShape.pods > 8 ? 3 : 2);
  // Half the clusters have a dedicated node-1 that registers tainted NoSchedule, NoExecute or both
  // (drawn apart, so the draws above are the same with or without it).
  const edges = new Rng(seedFor(seed, "cluster-taints"));
  const effects = [["NoSchedule"], ["NoExecute"], ["NoSchedule", "NoExecute"]][edges.int(3)]!;
  // Every cluster has a batch node of its own for the IP churn (churnWorkload).
  const batchNode = { ...batchShape };
  if (edges.int(2) === 0) return { nodes, nodeShape, batchNode };
  // No timeAdded, as kubelet --register-with-taints writes them (regression taint-eviction-without-timeAdded.json).
  const taints = effects.map((effect) => ({ ...dedicatedTaint, effect }));
  return { nodes, nodeShape, nodeTaints: [{ node: "node-1", taints }], batchNode };
}

/**
 * Tolerations of the dedicated node's taint, drawn apart from the object itself: none, forever
 * (the pod may run there), or NoExecute for a few seconds (a bare pod only: scheduled there, then
 * evicted by taint eviction; a controller's pod would come back and be evicted again, forever).
 */
function addDedicatedTolerations(rng: Rng, obj: any): void {
  const spec = obj.kind === "Pod" ? obj.spec : obj.spec?.template?.spec;
  if (!spec) return;
  const which = rng.int(obj.kind === "Pod" ? 4 : 3);
  if (which === 0) return;
  const tolerations: any[] = which === 3
    ? [{ key: dedicatedTaint.key, operator: "Exists", effect: "NoSchedule" }, { key: dedicatedTaint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 + rng.int(30) }]
    : which === 2 ? [{ key: dedicatedTaint.key, operator: "Equal", value: dedicatedTaint.value }] : [];
  if (tolerations.length > 0) spec.tolerations = [...(spec.tolerations ?? []), ...tolerations];
}

/** A container: nginx serving, or busybox sleeping, or running to completion (exit 0) or failure (exit 1). */
function randomContainer(rng: Rng, completes: boolean, shape: NodeShape): any {
  // Shares of a node: two of the larger ones overfill it, and a scheduler that miscounts shows it.
  const share = () => pick(rng, [0.05, 0.125, 0.25, 0.45, 0.55, 0.95]);
  const cpu = `${Math.floor(share() * milliValue(shape.cpu))}m`;
  const memory = `${Math.floor((share() * parseQuantity(shape.memory)) / 2 ** 20)}Mi`;
  const c: any = { name: "c", image: "busybox:1.36", resources: { requests: { cpu, memory } }, ports: [{ containerPort: 80, name: "http" }] };
  const kind = rng.int(completes ? 4 : 2);
  if (kind === 0) {
    c.image = "nginx:1.27";
    // A readiness probe that passes only after a delay: Ready comes late, as on a real rollout.
    if (rng.int(2) === 0) c.readinessProbe = { httpGet: { path: "/", port: 80 }, initialDelaySeconds: rng.int(15), periodSeconds: 1 + rng.int(5) };
  } else if (kind === 1) c.command = ["sh", "-c", "sleep 3600"];
  else c.command = ["sh", "-c", `sleep ${1 + rng.int(30)}; exit ${kind - 2}`];
  return c;
}

/** A pod spec: sometimes a priority class, a short toleration of an unreachable node, a grace period. */
function randomPodSpec(rng: Rng, restartPolicy: string, shape: NodeShape): any {
  const spec: any = { restartPolicy, containers: [randomContainer(rng, restartPolicy !== "Always", shape)] };
  if (rng.int(3) === 0) spec.priorityClassName = pick(rng, ["low", "high"]);
  if (rng.int(3) === 0) {
    // Evicted within seconds of the node going Unknown or NotReady, not the default 300 s.
    const tolerationSeconds = rng.int(60);
    spec.tolerations = ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"].map((key) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds }));
  }
  if (rng.int(3) === 0) spec.terminationGracePeriodSeconds = pick(rng, [0, 2, 10, 30]);
  return spec;
}

/** createCluster's nodes: 4 cpu, 16Gi, 110 pods, a /24. */
const defaultShape: NodeShape = { cpu: "4", memory: "16Gi", pods: 110, podCIDRPrefix: 24 };

/** A random workload object: a Pod, ReplicaSet, Deployment or Service over app=<label>; names carry the index; requests are shares of a node of this shape. */
export function randomObject(rng: Rng, i: number, shape: NodeShape = defaultShape): any {
  const app = pick(rng, ["a", "b"]);
  const which = rng.int(8);
  if (which < 3) return { apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, labels: { app } }, spec: randomPodSpec(rng, pick(rng, ["Always", "OnFailure", "Never"]), shape) };
  const replicas = 1 + rng.int(6);
  const labels = { app, set: `s${i}` };
  const template = { metadata: { labels }, spec: randomPodSpec(rng, "Always", shape) };
  if (which === 3) return { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `rs${i}` }, spec: { replicas, selector: { matchLabels: labels }, template } };
  if (which < 6) {
    // maxSurge and maxUnavailable are never both 0 (validation refuses it).
    const maxSurge = pick(rng, [0, 1, 2, "25%", "50%"]);
    const maxUnavailable = maxSurge === 0 ? pick(rng, [1, "25%"]) : pick(rng, [0, 1, "25%"]);
    return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `d${i}` }, spec: { replicas, selector: { matchLabels: labels }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } }, template } };
  }
  return { apiVersion: "v1", kind: "Service", metadata: { name: `svc${i}` }, spec: { selector: { app }, ports: [{ port: 80, targetPort: "http" }] } };
}

/** What random objects need to exist first: the priority classes their pods name. */
export function workloadPrelude(objs: readonly any[]): any[] {
  return JSON.stringify(objs).includes("priorityClassName") ? structuredClone(priorityClasses) : [];
}

/** The two priority classes random pods name (preemption needs a higher one to push a lower one out). */
const priorityClasses = [
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "low" }, value: 10, description: "podflow random workloads: evicted first" },
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000, description: "podflow random workloads: preempts low" },
];

/**
 * A random workload that reaches the edges: nodes filled past capacity, pods that complete and
 * fail, deletes that race the creation of dependents, rollouts under scale changes, preemption,
 * and kubelets cut off long enough (minutes) for their node to go Unknown and its pods evicted.
 */
function randomWorkload(rng: Rng, seed: number, steps: number): Command[] {
  const { nodes, nodeShape } = nodesFromSeed(seed);
  const objs = Array.from({ length: 3 + rng.int(8) }, (_, i) => randomObject(rng, i, nodeShape));
  // The edges drawn apart (so the draws of the objects and commands are as before): tolerations of
  // a dedicated node's taints, and ReplicaSets deleted with --cascade=orphan and created again.
  const edges = new Rng(seedFor(seed, "workload-edges"));
  for (const obj of objs) addDedicatedTolerations(edges, obj);
  const half = Math.max(1, steps >> 1);
  const out: Command[] = workloadPrelude(objs).map((obj) => ({ op: "apply", at: 0, obj }));
  // A third of the workloads live partly in a namespace of their own. Deleting it while they run is
  // left out for now: on main, resourceVersionConflictsNeverLoseAnUpdate misreads the finalize that
  // ends a namespace's deletion (the reply carries the version it sent) and every such run fails.
  const team = rng.int(3) === 0;
  if (team) {
    out.push({ op: "apply", at: 0, obj: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } } });
    for (const obj of objs) if (rng.int(2) === 0) obj.metadata.namespace = "team";
  }
  for (const obj of objs) {
    const at = rng.int(half);
    const name = obj.metadata.name;
    const ns = obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace as string } : {};
    out.push({ op: "apply", at, obj });
    const later = () => at + 1 + rng.int(Math.max(1, steps - at));
    // A delete soon after the create lands while the owner's dependents are still being made.
    if (rng.int(3) === 0) out.push({ op: "delete", at: rng.int(2) === 0 ? at + 1 + rng.int(60) : later(), kind: obj.kind, name, ...ns });
    if (obj.kind === "ReplicaSet" || obj.kind === "Deployment") {
      for (let n = rng.int(6); n > 0; n--) out.push({ op: "scale", at: later(), kind: obj.kind, name, replicas: rng.int(8), ...ns });
    }
    if (obj.kind === "Deployment") {
      // kubectl rollout restart: a new template, so a new ReplicaSet rolls out beside the scaling.
      for (let n = rng.int(5); n > 0; n--) {
        const t = later();
        out.push({ op: "patch", at: t, kind: "Deployment", name, body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": `step-${t}` } } } } }, ...ns });
      }
    }
  }
  for (const c of [...out]) {
    if (c.op !== "apply" || c.obj.kind !== "ReplicaSet" || edges.int(3) !== 0) continue;
    // kubectl delete --cascade=orphan, then the same ReplicaSet again: it adopts the orphaned pods
    // (a patch of their ownerReferences) while the garbage collector may not have seen it yet.
    const ns = c.obj.metadata.namespace !== undefined ? { namespace: c.obj.metadata.namespace as string } : {};
    const at = c.at + 1 + edges.int(100);
    out.push({ op: "delete", at, kind: "ReplicaSet", name: c.obj.metadata.name, propagationPolicy: "Orphan", ...ns });
    out.push({ op: "apply", at: at + 20 + edges.int(200), obj: c.obj });
  }
  if (edges.int(3) === 0) {
    // A kubelet restarted late in the run, when pods have completed: it rebuilds its pods from the
    // API server and the container runtime (recovery), finished ones included.
    out.push({ op: "restart", at: half + edges.int(half), actor: `kubelet/node-${1 + edges.int(nodes)}`, ms: 1 + edges.int(10_000) });
  }
  // A node rebooted late in the run, when pods have completed (drawn apart, as the edges below):
  // its runtime comes back without containers, and its kubelet rebuilds its pods from the API server.
  const late = new Rng(seedFor(seed, "workload-reboot"));
  if (late.int(3) === 0) out.push({ op: "reboot", at: half + late.int(half), node: `node-${1 + late.int(nodes)}`, ms: 1 + late.int(20_000) });
  if (rng.int(3) === 0) {
    // Past the node monitor's 40 s grace, up to four minutes: Unknown, tainted, pods evicted.
    out.push({ op: "partition", at: rng.int(half), node: `node-${1 + rng.int(nodes)}`, ms: 30_000 + rng.int(210_000) });
  }
  out.push(...churnWorkload(seed, nodes));
  out.push(...edgeWorkload(seed, steps, nodesFromSeed(seed).nodeTaints));
  out.push(...leaseWorkload(seed, steps, nodes));
  out.push(...setWorkload(seed, steps));
  out.push(...jobWorkload(seed, steps));
  out.push(...invalidWorkload(seed, steps));
  out.push(...graceWorkload(seed, steps));
  out.push(...clientWorkload(seed, steps, nodes));
  // kubectl delete --cascade=foreground for some of the deletes drawn above: the owner stays, with
  // the foregroundDeletion finalizer, until its blocking dependents (pods in their grace) are gone.
  const fg = new Rng(seedFor(seed, "workload-foreground"));
  for (const c of out) if (c.op === "delete" && c.propagationPolicy === undefined && (c.kind === "ReplicaSet" || c.kind === "Deployment") && fg.int(2) === 0) c.propagationPolicy = "Foreground";
  // The Deployment web (pods ignoring SIGTERM for a 5 to 30 s grace) deleted late in the run: in
  // half the runs in the foreground (it and its ReplicaSet wait, with the foregroundDeletion
  // finalizer, until the pods in their grace period are gone), in a quarter with --cascade=orphan
  // (the garbage collector must release its ReplicaSet before it drops the orphan finalizer). Drawn apart.
  const web = new Rng(seedFor(seed, "workload-foreground-web"));
  const how = web.int(4);
  const when = half + web.int(half);
  if (how < 3) out.push({ op: "delete", at: when, kind: "Deployment", name: "web", propagationPolicy: how < 2 ? "Foreground" : "Orphan" });
  return out;
}

/**
 * Objects the API server must refuse (drawn apart, so the rest of the workload is as before): creates
 * a user could mistype, each breaking one validation rule of Kubernetes (a negative
 * replica count, a container or object name that is not a DNS name, an unknown restartPolicy, a
 * port out of range ...). invalidObjectRefused judges the answers with its own rules.
 */
function invalidWorkload(seed: number, steps: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-invalid"));
  const labels = { app: "invalid" };
  const c = (name = "c") => ({ name, image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: { requests: { cpu: "10m", memory: "16Mi" } } });
  const template = (spec: any = {}) => ({ metadata: { labels }, spec: { containers: [c()], ...spec } });
  const meta = (i: number) => ({ name: `invalid-${i}`, labels });
  const workload = (kind: string, apiVersion: string, i: number, spec: any) => ({ apiVersion, kind, metadata: meta(i), spec: { selector: { matchLabels: labels }, template: template(), ...spec } });
  const makers: Array<(i: number) => any> = [
    (i) => workload("Deployment", "apps/v1", i, { replicas: -1 - rng.int(3) }),
    (i) => workload("ReplicaSet", "apps/v1", i, { replicas: -1 - rng.int(3) }),
    (i) => workload("StatefulSet", "apps/v1", i, { serviceName: "invalid", replicas: -1 }),
    (i) => workload("Deployment", "apps/v1", i, { replicas: 1, minReadySeconds: -5 }),
    (i) => ({ apiVersion: "batch/v1", kind: "Job", metadata: meta(i), spec: { parallelism: -1, template: template({ restartPolicy: "Never" }) } }),
    (i) => ({ apiVersion: "batch/v1", kind: "Job", metadata: meta(i), spec: { backoffLimit: -2, template: template({ restartPolicy: "Never" }) } }),
    (i) => ({ apiVersion: "v1", kind: "Pod", metadata: meta(i), spec: { containers: [c("Web_1")] } }),
    (i) => ({ apiVersion: "v1", kind: "Pod", metadata: meta(i), spec: { restartPolicy: "Sometimes", containers: [c()] } }),
    (i) => ({ apiVersion: "v1", kind: "Pod", metadata: { ...meta(i), name: `Invalid_${i}` }, spec: { containers: [c()] } }),
    (i) => ({ apiVersion: "v1", kind: "Pod", metadata: { ...meta(i), labels: { app: "-invalid-" } }, spec: { containers: [c()] } }),
    (i) => ({ apiVersion: "v1", kind: "Service", metadata: meta(i), spec: { selector: labels, ports: [{ port: 65536 + rng.int(1000) }] } }),
  ];
  // each maker in half the runs: a refused create costs the run nothing
  return makers.flatMap((make, i) => (rng.int(2) === 0 ? [{ op: "apply" as const, at: rng.int(Math.max(1, steps)), obj: make(i) }] : []));
}

/**
 * `kubectl delete pod hasty --grace-period=N` (drawn apart): a pod whose spec gives it 30 s (its
 * busybox sleep ignores SIGTERM) deleted with 1 to 5 s. The DELETE's grace period
 * is the pod's deletionGracePeriodSeconds, and the kubelet kills the pod within it.
 */
function graceWorkload(seed: number, steps: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-grace"));
  // it may run on the dedicated node too: a busy cluster must not leave it Pending until its DELETE
  // Its seccomp profiles differ by level (the pod RuntimeDefault, its container Unconfined): the
  // container's own profile is the one it runs with (containerRunsWithItsSeccompProfile).
  const hasty = { apiVersion: "v1", kind: "Pod", metadata: { name: "hasty" }, spec: { terminationGracePeriodSeconds: 30, securityContext: { seccompProfile: { type: "RuntimeDefault" } }, tolerations: [{ key: dedicatedTaint.key, operator: "Exists" }], containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], securityContext: { seccompProfile: { type: "Unconfined" } }, resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } };
  const at = rng.int(Math.max(1, steps >> 2));
  return [{ op: "apply", at, obj: hasty }, { op: "delete", at: at + (steps >> 1) + rng.int(Math.max(1, steps >> 1)), kind: "Pod", name: "hasty", gracePeriodSeconds: 1 + rng.int(5) }];
}

/**
 * Jobs that end and are cleaned up, and a pod initialized before it runs (drawn apart, so the rest
 * of the workload is as before): a Job whose pods all fail (restartPolicy Never), so it fails once
 * more pods failed than its backoffLimit, after the pod-failure back-off; a short Job of a few
 * completions; both removed by the TTL-after-finished controller seconds after they finish (in the
 * foreground, past their pods' job-tracking finalizers); and a pod whose init container runs for
 * seconds before its app container may start.
 */
function jobWorkload(seed: number, steps: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-jobs"));
  const small = { requests: { cpu: "10m", memory: "16Mi" } };
  const tolerations = [{ key: dedicatedTaint.key, operator: "Exists" }];
  const job = (name: string, spec: any, command: string): any => ({
    apiVersion: "batch/v1", kind: "Job", metadata: { name },
    spec: { ...spec, ttlSecondsAfterFinished: 1 + rng.int(20), template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 2, tolerations, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", command], resources: small }] } } },
  });
  const doomed = job("doomed", { completions: 3, parallelism: 1 + rng.int(2), backoffLimit: 1 + rng.int(2) }, `sleep ${1 + rng.int(3)}; exit 1`);
  const short = job("short", { completions: 2 + rng.int(3), parallelism: 1 + rng.int(2) }, `sleep ${1 + rng.int(3)}; exit 0`);
  const prepared = {
    apiVersion: "v1", kind: "Pod", metadata: { name: "prepared" },
    spec: {
      terminationGracePeriodSeconds: 2, tolerations,
      initContainers: [{ name: "init", image: "busybox:1.36", command: ["sh", "-c", `sleep ${1 + rng.int(5)}; exit 0`], resources: small }],
      containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }],
    },
  };
  const at = () => rng.int(Math.max(1, steps >> 1));
  return [{ op: "apply", at: at(), obj: doomed }, { op: "apply", at: at(), obj: short }, { op: "apply", at: at(), obj: prepared }];
}

/**
 * In every run an OrderedReady StatefulSet behind a headless Service, whose nginx pods turn Ready
 * only seconds after they start (a readiness probe's initial delay), scaled up and down and rolled
 * out; a DaemonSet of a small agent that tolerates the dedicated node's taint or not, and never
 * the batch node's (its controller must leave that node alone); and a pod whose container fails
 * three times before it runs (CrashLoopBackOff). Drawn apart, so the rest of the workload is as before.
 */
function setWorkload(seed: number, steps: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-sets"));
  const at = () => 1 + rng.int(Math.max(1, steps));
  const small = { requests: { cpu: "10m", memory: "16Mi" } };
  const labels = { app: "db" };
  const set = {
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" },
    spec: {
      serviceName: "db", replicas: 2 + rng.int(3), selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: pick(rng, [2, 10]), tolerations: [{ key: dedicatedTaint.key, operator: "Exists" }],
          containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, name: "web" }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 2 + rng.int(9), periodSeconds: 1 + rng.int(3) } }],
        },
      },
    },
  };
  const out: Command[] = [
    { op: "apply", at: 0, obj: { apiVersion: "v1", kind: "Service", metadata: { name: "db" }, spec: { clusterIP: "None", selector: labels, ports: [{ port: 80, name: "web" }] } } },
    { op: "apply", at: rng.int(100), obj: set },
  ];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const t = at();
    if (rng.int(3) === 0) out.push({ op: "patch", at: t, kind: "StatefulSet", name: "db", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": `step-${t}` } } } } } });
    else out.push({ op: "scale", at: t, kind: "StatefulSet", name: "db", replicas: rng.int(5) });
  }
  {
    // One more rollout restart in every run, once the set is up: its pods replaced highest ordinal
    // first. Drawn apart, so the draws of the sets are as before.
    const restart = new Rng(seedFor(seed, "workload-sets-restart"));
    const t = 200 + restart.int(Math.max(1, steps >> 1));
    out.push({ op: "patch", at: t, kind: "StatefulSet", name: "db", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": `step-${t}` } } } } } });
  }
  const agentLabels = { app: "agent" };
  // In half the runs the agent tolerates every taint (as node agents do) but runs on node-1 only,
  // a nodeSelector every other node misses (the batch node at least); drawn apart, so the draws of
  // the sets are as before.
  const agentNodeSelector = new Rng(seedFor(seed, "workload-agent-selector")).int(2) === 0 ? { nodeSelector: { "kubernetes.io/hostname": "node-1" }, tolerations: [{ operator: "Exists" }] } : {};
  const agent = {
    apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent" },
    spec: {
      selector: { matchLabels: agentLabels },
      template: {
        metadata: { labels: agentLabels },
        spec: { ...(rng.int(2) === 0 ? { tolerations: [{ key: dedicatedTaint.key, operator: "Exists" }] } : {}), ...agentNodeSelector, terminationGracePeriodSeconds: 2, containers: [{ name: "agent", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] },
      },
    },
  };
  out.push({ op: "apply", at: rng.int(200), obj: agent });
  // A container that fails three times, seconds apart, and then runs (it counts its starts in an
  // emptyDir, which outlives a container restart): CrashLoopBackOff, whose back-off (10 s, then 20 s)
  // the kubelet must wait out between restarts; then no more restarts, events or status writes.
  const flaky = {
    apiVersion: "v1", kind: "Pod", metadata: { name: "flaky" },
    spec: {
      restartPolicy: pick(rng, ["Always", "OnFailure"]), terminationGracePeriodSeconds: 2, tolerations: [{ key: dedicatedTaint.key, operator: "Exists" }], volumes: [{ name: "starts", emptyDir: {} }],
      containers: [{ name: "c", image: "busybox:1.36", volumeMounts: [{ name: "starts", mountPath: "/starts" }], command: ["sh", "-c", `test -f /starts/3 && sleep 3600; test -f /starts/2 && touch /starts/3; test -f /starts/1 && touch /starts/2; touch /starts/1; sleep ${1 + rng.int(5)}; exit 1`], resources: small }],
    },
  };
  out.push({ op: "apply", at: rng.int(200), obj: flaky });
  if (rng.int(2) === 0) {
    const t = at();
    out.push({ op: "patch", at: t, kind: "DaemonSet", name: "agent", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": `step-${t}` } } } } } });
  }
  return out;
}

/**
 * A node's Lease written by someone other than its kubelet (`kubectl annotate lease -n
 * kube-node-lease node-1 ...`, as an admin or an inventory tool does), once or twice a run: the
 * kubelet's next renewal carries a stale resourceVersion and is refused with 409 Conflict, and it
 * must read the latest Lease and renew from that. Drawn apart, so the rest of the workload is as before.
 */
function leaseWorkload(seed: number, steps: number, nodes: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-lease"));
  return Array.from({ length: 1 + rng.int(2) }, (): Command => {
    const t = rng.int(Math.max(1, steps));
    return { op: "patch", at: t, kind: "Lease", name: `node-${1 + rng.int(nodes)}`, namespace: "kube-node-lease", body: { metadata: { annotations: { "example.com/audited": `step-${t}` } } } };
  });
}

/**
 * Edges a random mix seldom reaches (drawn apart, so the rest of the workload is as before): in
 * every run a Deployment behind a Service rolled out and scaled again and again, so pods terminate
 * while their Service's endpoints change (a terminating pod must leave the ready addresses);
 * wherever a node is tainted NoExecute, a bare pod there that tolerates the taint for a few
 * seconds, so taint eviction must evict it; and in half the runs pods in a namespace of their
 * own that is deleted while they run, their grace periods still running (the namespace controller
 * must empty it before it removes it).
 */
function edgeWorkload(seed: number, steps: number, nodeTaints: RunSpec["nodeTaints"]): Command[] {
  const rng = new Rng(seedFor(seed, "workload-edges-2"));
  const out: Command[] = [];
  const small = { requests: { cpu: "10m", memory: "16Mi" } };
  // Every effect of the dedicated node's taint: a one-node cluster whose node is NoExecute would leave these pods unschedulable.
  const tolerateDedicated = [{ key: dedicatedTaint.key, operator: "Exists" }];
  const at = () => rng.int(Math.max(1, steps));
  {
    const labels = { app: "web" };
    // busybox's sleep ignores SIGTERM: a deleted pod stays Ready through its grace period.
    const container = { name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], ports: [{ containerPort: 80, name: "http" }], resources: small };
    const deployment = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
      spec: { replicas: 2 + rng.int(3), selector: { matchLabels: labels }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: pick(rng, [0, 1]) } }, template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: pick(rng, [5, 10, 30]), tolerations: tolerateDedicated, containers: [container] } } },
    };
    out.push({ op: "apply", at: 0, obj: { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: labels, ports: [{ port: 80, targetPort: "http" }] } } });
    out.push({ op: "apply", at: rng.int(50), obj: deployment });
    for (let n = 2 + rng.int(4); n > 0; n--) {
      const t = at();
      if (rng.int(2) === 0) out.push({ op: "patch", at: t, kind: "Deployment", name: "web", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": `step-${t}` } } } } } });
      else out.push({ op: "scale", at: t, kind: "Deployment", name: "web", replicas: 1 + rng.int(5) });
    }
  }
  const noExecute = (nodeTaints ?? []).find((t) => t.taints.some((x: any) => x.effect === "NoExecute"));
  if (noExecute) {
    const visitor = {
      apiVersion: "v1", kind: "Pod", metadata: { name: "visitor" },
      spec: {
        nodeSelector: { "kubernetes.io/hostname": noExecute.node },
        tolerations: [{ key: dedicatedTaint.key, operator: "Exists", effect: "NoSchedule" }, { key: dedicatedTaint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 + rng.int(20) }],
        containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }],
      },
    };
    out.push({ op: "apply", at: rng.int(Math.max(1, steps >> 1)), obj: visitor });
  }
  {
    // kubectl label pod lame set=front --overwrite: a pod that is Running but never Ready (nginx does
    // not listen on 81) joins a ReplicaSet's selector; the ReplicaSet adopts it, has one pod too
    // many and deletes the one not Ready (ActivePodsWithRanks). Drawn apart, so the draws around it
    // are as before.
    const adopt = new Rng(seedFor(seed, "workload-adopt"));
    const labels = { app: "front", set: "front" };
    const front = {
      apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "front" },
      spec: { replicas: 2 + adopt.int(2), selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 2, tolerations: tolerateDedicated, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } } },
    };
    const lame = {
      apiVersion: "v1", kind: "Pod", metadata: { name: "lame", labels: { app: "front", set: "lame" } },
      spec: { terminationGracePeriodSeconds: 2, tolerations: tolerateDedicated, containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, name: "http" }], resources: small, readinessProbe: { httpGet: { path: "/", port: 81 }, periodSeconds: 1 + adopt.int(3) } }] },
    };
    // created first and relabelled late in the run, so that on a crowded cluster the pods have had time to start
    out.push({ op: "apply", at: 0, obj: front }, { op: "apply", at: 0, obj: lame });
    out.push({ op: "patch", at: ((steps * 3) >> 2) + adopt.int(Math.max(1, steps >> 3)), kind: "Pod", name: "lame", body: { metadata: { labels: { set: "front" } } } });
  }
  if (rng.int(2) === 0) {
    const ns = "scratch";
    const start = rng.int(Math.max(1, steps >> 2));
    out.push({ op: "apply", at: 0, obj: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } });
    for (let i = 2 + rng.int(4); i > 0; i--) {
      const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: `w${i}`, namespace: ns }, spec: { terminationGracePeriodSeconds: pick(rng, [5, 10, 30]), tolerations: tolerateDedicated, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } };
      out.push({ op: "apply", at: start + rng.int(20), obj: pod });
    }
    // A Deployment in it too (an /apis group's objects, which the namespace controller must empty
    // as well as the core ones); drawn apart, so the draws above are as before.
    const apps = new Rng(seedFor(seed, "workload-scratch-apps"));
    const appLabels = { app: "scratch" };
    const scratchWeb = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "scratch-web", namespace: ns },
      spec: { replicas: 1 + apps.int(2), selector: { matchLabels: appLabels }, template: { metadata: { labels: appLabels }, spec: { terminationGracePeriodSeconds: 2, tolerations: tolerateDedicated, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } } },
    };
    out.push({ op: "apply", at: start + apps.int(20), obj: scratchWeb });
    // A pod that runs out a minute's grace: the namespace controller lists what is left once a
    // second for that long, so a list failed by server-error is likely to come while pods remain.
    const slow = { apiVersion: "v1", kind: "Pod", metadata: { name: "slow", namespace: ns }, spec: { terminationGracePeriodSeconds: 60, tolerations: tolerateDedicated, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } };
    out.push({ op: "apply", at: start + apps.int(20), obj: slow });
    out.push({ op: "delete", at: start + 50 + rng.int(Math.max(1, steps >> 1)), kind: "Namespace", name: ns });
  }
  return out;
}

/**
 * Clients and volumes the other workloads lack (drawn apart, so the rest of the workload is as
 * before): a claim a pod mounts readOnly (PersistentVolumeClaimVolumeSource.readOnly forces every
 * mount of it read-only); a pod without the automounted token that projects a token for an
 * audience of its own (as vault-agent does); a client listing the pods not on a node
 * (`kubectl get pods -A --field-selector spec.nodeName!=node-1`); and PodDisruptionBudgets, one
 * over the Deployment web that `kubectl drain` evictions go through, one over the pod lame that its
 * relabel late in the run takes out of the budget.
 */
function clientWorkload(seed: number, steps: number, nodes: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-clients"));
  const small = { requests: { cpu: "10m", memory: "16Mi" } };
  const tolerations = [{ key: dedicatedTaint.key, operator: "Exists" }];
  const at = () => rng.int(Math.max(1, steps));
  const claim = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "archive" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
  const reader = {
    apiVersion: "v1", kind: "Pod", metadata: { name: "archive-reader" },
    spec: {
      terminationGracePeriodSeconds: 2, tolerations, volumes: [{ name: "archive", persistentVolumeClaim: { claimName: "archive", readOnly: true } }],
      containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], volumeMounts: [{ name: "archive", mountPath: "/archive" }], resources: small }],
    },
  };
  const vault = {
    apiVersion: "v1", kind: "Pod", metadata: { name: "vault-agent" },
    spec: {
      automountServiceAccountToken: false, terminationGracePeriodSeconds: 2, tolerations,
      volumes: [{ name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 3600 + rng.int(3600), path: "token" } }] } }],
      containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], volumeMounts: [{ name: "vault-token", mountPath: "/var/run/secrets/vault", readOnly: true }], resources: small }],
    },
  };
  const budget = (name: string, spec: object) => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name }, spec });
  const out: Command[] = [
    { op: "apply", at: 0, obj: claim },
    { op: "apply", at: rng.int(200), obj: reader },
    { op: "apply", at: rng.int(200), obj: vault },
    { op: "apply", at: 0, obj: budget("web", { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } }) },
    { op: "apply", at: 0, obj: budget("lame", { minAvailable: 1, selector: { matchLabels: { set: "lame" } } }) },
  ];
  for (let n = 1 + rng.int(3); n > 0; n--) out.push({ op: "evict", at: at(), labelSelector: { app: "web" } });
  for (let n = 1 + rng.int(3); n > 0; n--) out.push({ op: "list", at: at(), kind: "Pod", fieldSelector: `spec.nodeName!=node-${1 + rng.int(nodes)}` });
  return out;
}

/**
 * On the batch node (a /29: 5 addresses), two long-running pods holding addresses, then a Job of
 * many short pods (two to three times the addresses), so host-local's round robin wraps the range
 * while those addresses are still held; and on the other nodes a batch Job of short pods. Drawn
 * apart, so the rest of the workload is as before.
 */
function churnWorkload(seed: number, nodes: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload-churn"));
  // network, gateway and broadcast are not handed out
  const usable = 2 ** (32 - batchShape.podCIDRPrefix) - 3;
  const small = { requests: { cpu: "10m", memory: "16Mi" } };
  const placed = { nodeSelector: { "kubernetes.io/hostname": batchNodeName(nodes) }, tolerations: [{ key: batchTaint.key, operator: "Exists", effect: "NoSchedule" }] };
  // Two long-running pods and up to two short ones fill the node's 4 pods: 4 of the 5 addresses are
  // held most of the time, so the round robin keeps wrapping onto held addresses.
  const anchors = ["anchor-0", "anchor-1"].map((name) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "anchor" } }, spec: { ...structuredClone(placed), containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small }] } }));
  const job = {
    apiVersion: "batch/v1", kind: "Job", metadata: { name: "churn" },
    spec: {
      completions: 2 * usable + rng.int(usable), parallelism: 1 + rng.int(batchShape.pods - anchors.length), backoffLimit: 6,
      template: { spec: { ...structuredClone(placed), restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", `sleep ${1 + rng.int(3)}; exit 0`], resources: small }] } },
    },
  };
  return [...anchors.map((obj): Command => ({ op: "apply", at: 0, obj })), { op: "apply", at: 1 + rng.int(20), obj: job }, ...batchWorkload(rng)];
}

/**
 * A batch Job of 16 to 32 short pods, two to four at a time, as a CI system submits them. Every
 * pod is one more scheduling cycle and Binding, where a retried or repeated Binding meets a pod
 * already bound (the API server must answer 409 Conflict).
 */
function batchWorkload(rng: Rng): Command[] {
  const job = {
    apiVersion: "batch/v1", kind: "Job", metadata: { name: "batch" },
    spec: {
      completions: 16 + rng.int(17), parallelism: 2 + rng.int(3), backoffLimit: 6,
      template: { spec: { restartPolicy: "Never", tolerations: [{ key: dedicatedTaint.key, operator: "Exists" }], containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", `sleep ${1 + rng.int(3)}; exit 0`], resources: { requests: { cpu: "50m", memory: "32Mi" } } }] } },
    },
  };
  return [{ op: "apply", at: 1 + rng.int(200), obj: job }];
}

/** The commands of a scenario, drawn from a seed: the manifest (or a random workload) at step 0, then deletes and scales. */
export function commandsFromSeed(scenario: string, seed: number, steps: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload"));
  if (scenario === "random") return randomWorkload(rng, seed, steps);
  const objs = exampleObjects(scenario);
  const out: Command[] = objs.map((obj) => ({ op: "apply", at: 0, obj }));
  for (const o of objs) {
    const ns = o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace as string } : {};
    if (rng.int(3) === 0) out.push({ op: "delete", at: rng.int(Math.max(1, steps)), kind: o.kind, name: o.metadata.name, ...ns });
    else if ((o.kind === "ReplicaSet" || o.kind === "Deployment" || o.kind === "StatefulSet" || o.kind === "ReplicationController") && rng.int(2) === 0) out.push({ op: "scale", at: rng.int(Math.max(1, steps)), kind: o.kind, name: o.metadata.name, replicas: rng.int(4) });
    else if ((o.kind === "DaemonSet" || o.kind === "StatefulSet") && rng.int(2) === 0) {
      // kubectl rollout restart ds/<name> or sts/<name>: a new template, rolled out node by node or ordinal by ordinal
      const t = rng.int(Math.max(1, steps));
      out.push({ op: "patch", at: t, kind: o.kind, name: o.metadata.name, body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": `step-${t}` } } } } }, ...ns });
    }
  }
  return out;
}

/** The spec `podflow replay <seed>` and the CI fuzzer run for a seed. */
export function specFromSeed(seed: number, opts: { scenario: string; steps: number; faults: FaultName[]; nodes?: number }): RunSpec {
  const cluster = opts.scenario === "random" && opts.nodes === undefined ? nodesFromSeed(seed) : { nodes: opts.nodes ?? scenarioNodes };
  return { scenario: opts.scenario, seed, ...cluster, steps: opts.steps, faults: opts.faults, faultSettings: faultSettingsFromSeed(seed), commands: commandsFromSeed(opts.scenario, seed, opts.steps) };
}
