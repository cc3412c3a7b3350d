// In-place pod resize on the node (pkg/kubelet/allocation, kuberuntime's computePodResizeAction):
// the allocation manager admits the spec's new cpu and memory against the node's allocatable and
// the other pods' allocations (PodResizePending Deferred or Infeasible, else allocated), and the pod
// worker applies an allocation to each running container: UpdateContainerResources, or a restart
// where the container's resizePolicy asks for one (RestartContainer).

import type { Container, Pod, PodCondition, ResourceRequirements } from "kubernetes-types/core/v1";
import { defaultMachine } from "../common/kernel.js";
import { intValue, milliValue } from "../common/quantity.js";
import { stateName } from "../common/lifecycle.js";
import { valueLifecycle } from "./lifecycles.js";
import { resizeMachine, type ResizeEvent } from "./resize.machine.js";
import { isStaticPod } from "./status.js";
import type { ContainerRecord, KubeletContext, PodWorker, ResizeSnapshot } from "./types.js";
import { view } from "./view.js";
import { isDraft } from "mutative";
import { anyMutant, mutant } from "../common/mutation.js";

/** The resources of one container as the allocation manager keeps them: requests and limits only. */
export type Allocation = Readonly<Record<string, ResourceRequirements>>;

const resizable = ["cpu", "memory"] as const;

/** IsResizableContainer: regular containers and sidecars (restartable init containers). */
export function isResizable(c: Pick<ContainerRecord, "kind">): boolean {
  return c.kind === "regular" || c.kind === "sidecar";
}

/** A container's requests and limits, as a value (a list present in the spec stays, even empty). */
export function resourcesOf(c: Container | undefined): ResourceRequirements {
  const r = c?.resources;
  return { ...(r?.limits !== undefined ? { limits: { ...r.limits } } : {}), ...(r?.requests !== undefined ? { requests: { ...r.requests } } : {}) };
}

/** allocationFromPod: each resizable container's resources as the pod's spec has them. */
export function allocationFromPod(pod: Pod): Allocation {
  const out: Record<string, ResourceRequirements> = {};
  for (const c of pod.spec?.containers ?? []) out[c.name] = resourcesOf(c);
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === "Always") out[c.name] = resourcesOf(c);
  return out;
}

// quantities compared by value ("1" and "1000m" are the same cpu), cpu in millicores, memory in bytes
function amount(name: string, q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  return name === "cpu" ? milliValue(q) : intValue(q);
}

function sameList(a: Record<string, string | number> | undefined, b: Record<string, string | number> | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  for (const k of keys) if (amount(k, a?.[k]) !== amount(k, b?.[k])) return false;
  return true;
}

/** Whether two resource requirements are the same amounts (apiequality of the quantities). */
export function sameResources(a: ResourceRequirements | undefined, b: ResourceRequirements | undefined): boolean {
  return sameList(a?.requests as never, b?.requests as never) && sameList(a?.limits as never, b?.limits as never);
}

// A container's allocation and what the runtime applied (c.actuated) are values replaced whole,
// never changed in place (the status memo reads them by identity too), and every sync of a running
// pod compares the same two again: the last answer per first operand is kept, by identity of both.
const sameByPair = new WeakMap<object, { b: object; same: boolean }>();

/** sameResources, answered again from the last comparison of the same two values. */
function sameResourcesKept(a: ResourceRequirements | undefined, b: ResourceRequirements | undefined): boolean {
  // never while a mutant is on: one changes how quantities are read
  if (a === undefined || b === undefined || isDraft(a) || isDraft(b) || anyMutant()) return sameResources(a, b);
  const known = sameByPair.get(a);
  if (known !== undefined && known.b === b) return known.same;
  const same = sameResources(a, b);
  sameByPair.set(a, { b, same });
  return same;
}

// handlePodResize runs at every sync (15 a pod in the bench), and what it compares is the spec's
// resources (a stored pod's spec is a frozen value its later versions keep) against the allocation
// (replaced whole): the containers that differ are found once per spec and allocation.
const changedBySpec = new WeakMap<object, { allocation: Allocation; changed: readonly string[] }>();

/** The resources of a resizable container whose spec differs from the allocation, by name. */
function changedContainers(pod: Pod, allocation: Allocation): readonly string[] {
  const spec = pod.spec;
  const keep = spec !== undefined && Object.isFrozen(spec) && !isDraft(spec) && !isDraft(allocation) && !anyMutant();
  const known = keep ? changedBySpec.get(spec) : undefined;
  if (known !== undefined && known.allocation === allocation) return known.changed;
  const desired = allocationFromPod(pod);
  const changed = Object.freeze(Object.keys(desired).filter((name) => Object.hasOwn(allocation, name) && !sameResources(desired[name], allocation[name])));
  if (keep) changedBySpec.set(spec, { allocation, changed });
  return changed;
}

/** The pod with its resizable containers' resources as allocated (UpdatePodFromAllocation). */
export function podFromAllocation(pod: Pod, allocation: Allocation): Pod {
  const put = (c: Container): Container => (Object.hasOwn(allocation, c.name) ? { ...c, resources: allocation[c.name]! } : c);
  return { ...pod, spec: { ...pod.spec!, containers: (pod.spec?.containers ?? []).map(put), ...(pod.spec?.initContainers ? { initContainers: pod.spec.initContainers.map(put) } : {}) } };
}

/**
 * resource.GetResourceRequest for cpu (millicores) or memory (bytes): the sum of the regular
 * containers and sidecars, or the largest init container with the sidecars started before it.
 */
export function podRequest(pod: Pod, name: "cpu" | "memory"): number {
  const req = (c: Container) => amount(name, c.resources?.requests?.[name]) ?? 0;
  let sum = 0;
  for (const c of pod.spec?.containers ?? []) sum += req(c);
  let sidecars = 0;
  let initMax = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy === "Always") {
      sum += req(c);
      sidecars += req(c);
      initMax = Math.max(initMax, sidecars);
    } else initMax = Math.max(initMax, req(c) + sidecars);
  }
  return Math.max(sum, initMax);
}

/** What the node gives pods (its allocatable cpu in millicores and memory in bytes). */
export interface NodeCapacity {
  cpu: number;
  memory: number;
}

export type ResizeDecision = { fit: true } | { fit: false; reason: "Deferred" | "Infeasible"; message: string };

/**
 * canResizePod: a static pod is never resized; a pod asking more than the node's allocatable is
 * Infeasible (memory named first); one that does not fit beside the other pods' allocations now is
 * Deferred, with the predicate admit handler's InsufficientResourceError (cpu checked first).
 */
export function canResizePod(pod: Pod, others: readonly Pod[], node: NodeCapacity): ResizeDecision {
  if (isStaticPod(pod)) return { fit: false, reason: "Infeasible", message: "In-place resize of static-pods is not supported" };
  const cpu = podRequest(pod, "cpu");
  const memory = podRequest(pod, "memory");
  if (memory > node.memory) return { fit: false, reason: "Infeasible", message: `Node didn't have enough capacity: memory, requested: ${memory}, capacity: ${node.memory}` };
  if (cpu > node.cpu) return { fit: false, reason: "Infeasible", message: `Node didn't have enough capacity: cpu, requested: ${cpu}, capacity: ${node.cpu}` };
  const usedCpu = others.reduce((s, p) => s + podRequest(p, "cpu"), 0);
  const usedMemory = others.reduce((s, p) => s + podRequest(p, "memory"), 0);
  if (mutant("kubelet.resize-exact-fit-deferred") ? cpu + usedCpu >= node.cpu : cpu + usedCpu > node.cpu) return { fit: false, reason: "Deferred", message: `Node didn't have enough resource: cpu, requested: ${cpu}, used: ${usedCpu}, capacity: ${node.cpu}` };
  if (memory + usedMemory > node.memory) return { fit: false, reason: "Deferred", message: `Node didn't have enough resource: memory, requested: ${memory}, used: ${usedMemory}, capacity: ${node.memory}` };
  return { fit: true };
}

// ---- the lifecycle -----------------------------------------------------------------------------

const resizeLifecycle = valueLifecycle(resizeMachine);
let fresh: ResizeSnapshot | undefined;

/** A pod's resize lifecycle when none was ever asked (one value, shared). */
export function noResize(): ResizeSnapshot {
  return (fresh ??= resizeLifecycle.start(undefined).snapshot);
}

/** Moves the pod's resize lifecycle by one event. */
export function stepResize(w: PodWorker, event: ResizeEvent): void {
  w.resize = resizeLifecycle.step(view(w.resize) ?? noResize(), event).snapshot;
}

/** "noResize", "pending.deferred", "pending.infeasible" or "inProgress". */
export function resizeState(w: PodWorker): string {
  return stateName(view(w.resize ?? noResize()).value);
}

// ---- the allocation manager ------------------------------------------------------------------

function nodeCapacity(ctx: KubeletContext): NodeCapacity {
  const given = ctx.given.status;
  const list: Record<string, string> = { ...defaultMachine, ...(given?.capacity ?? {}), ...(given?.allocatable ?? {}) };
  return { cpu: milliValue(list.cpu), memory: intValue(list.memory) };
}

/** The other pods this node admitted, each with its allocated resources (getAllocatedPods of the active pods). */
export function otherAllocatedPods(ctx: KubeletContext, uid: string): Pod[] {
  const out: Pod[] = [];
  for (const o of ctx.workers.values()) {
    const allocation = view(o.allocation);
    // a rejected pod was never admitted (its status is Failed from the start)
    if (o.uid === uid || o.gone || o.rejected || allocation === undefined) continue;
    const phase = view(o.pod).status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    out.push(allocatedPod(view(o.pod), allocation));
  }
  return out;
}

// The node's other pods as their allocations admit them, per pod value: every admission lists
// them, most unchanged since the last (a pod and its allocation are replaced whole, never changed
// in place), so the same object comes back while both are, frozen at its top and spec.
const allocatedPods = new WeakMap<Pod, { readonly allocation: Allocation; readonly pod: Pod }>();

/** podFromAllocation, the same object again for the same frozen pod and allocation. */
export function allocatedPod(pod: Pod, allocation: Allocation): Pod {
  const keep = Object.isFrozen(pod) && Object.isFrozen(allocation) && !isDraft(allocation) && !anyMutant();
  const hit = keep ? allocatedPods.get(pod) : undefined;
  if (hit !== undefined && hit.allocation === allocation) return hit.pod;
  const made = podFromAllocation(pod, allocation);
  if (keep) {
    Object.freeze(made.spec);
    allocatedPods.set(pod, { allocation, pod: Object.freeze(made) });
  }
  return made;
}

/**
 * handlePodResourcesResize: when the spec's cpu or memory differ from the allocation, the pod is
 * admitted again as it would be resized; if it fits, the allocation takes the spec's resources
 * (PodResizeInProgress), else PodResizePending says why. A spec back at the allocation withdraws a
 * pending resize. True when the pod's allocation shrank, which may let a deferred resize fit.
 */
export function handlePodResize(ctx: KubeletContext, w: PodWorker): boolean {
  const pod = view(w.pod);
  const allocation = view(w.allocation);
  if (allocation === undefined) return false;
  const generation = pod.metadata?.generation ?? 0;
  const changed = changedContainers(pod, allocation);
  if (changed.length === 0) {
    if (resizeState(w).startsWith("pending")) stepResize(w, { type: "ResizeWithdrawn" });
    return false;
  }
  const wanted = allocationFromPod(pod);
  const next: Record<string, ResourceRequirements> = { ...allocation };
  for (const name of changed) next[name] = wanted[name]!;
  const decision = canResizePod(podFromAllocation(pod, next), otherAllocatedPods(ctx, w.uid), nodeCapacity(ctx));
  if (decision.fit) {
    w.allocation = Object.freeze(next);
    stepResize(w, { type: "ResizeAllocated", generation, now: ctx.now });
    const before = podFromAllocation(pod, allocation);
    const after = podFromAllocation(pod, next);
    return podRequest(after, "cpu") < podRequest(before, "cpu") || podRequest(after, "memory") < podRequest(before, "memory");
  }
  stepResize(w, { type: decision.reason === "Deferred" ? "ResizeDeferred" : "ResizeInfeasible", generation, now: ctx.now, message: decision.message });
  return false;
}

/** Deferred resizes are tried again when an allocation on the node shrinks or a pod leaves (RetryPendingResizes). */
export function deferredWorkers(ctx: KubeletContext): string[] {
  const out: string[] = [];
  for (const w of ctx.workers.values()) if (resizeState(w) === "pending.deferred") out.push(w.uid);
  return out;
}

// ---- actuation -------------------------------------------------------------------------------

/** The container's resizePolicy for a resource: NotRequired unless it says RestartContainer. */
function restartPolicyFor(spec: Container, name: string): string {
  return spec.resizePolicy?.find((p) => p.resourceName === name)?.restartPolicy ?? "NotRequired";
}

/**
 * computePodResizeAction for one running container: nothing when the runtime has its allocation,
 * a restart when a changed resource's resizePolicy is RestartContainer, else an update in place.
 */
export function resizeAction(spec: Container, actuated: ResourceRequirements | undefined, allocated: ResourceRequirements | undefined): "none" | "restart" | "update" {
  if (allocated === undefined || sameResourcesKept(actuated, allocated)) return "none";
  for (const name of resizable) {
    const moved = !sameList(pick(actuated?.requests, name), pick(allocated.requests, name)) || !sameList(pick(actuated?.limits, name), pick(allocated.limits, name));
    if (moved && restartPolicyFor(spec, name) === "RestartContainer" && !mutant("kubelet.resize-restart-policy-ignored")) return "restart";
  }
  return "update";
}

function pick(list: Record<string, unknown> | undefined, name: string): Record<string, string | number> | undefined {
  const v = list?.[name];
  return v === undefined ? undefined : { [name]: v as string | number };
}

/** The PodResizePending or PodResizeInProgress condition the lifecycle shows, if any (GetPodResizeConditions). */
export function resizeConditions(w: PodWorker, timeText: (ms: number) => string): PodCondition[] {
  const life = view(w.resize ?? noResize());
  const state = stateName(life.value);
  const ctx = life.context;
  const at = ctx.since !== undefined ? timeText(ctx.since) : undefined;
  const times = at !== undefined ? { lastProbeTime: at, lastTransitionTime: at } : {};
  const gen = ctx.generation !== undefined ? { observedGeneration: ctx.generation } : {};
  if (state === "inProgress") return [{ type: "PodResizeInProgress", status: "True", ...gen, ...times } as PodCondition];
  if (state.startsWith("pending")) {
    const reason = state === "pending.infeasible" ? "Infeasible" : "Deferred";
    return [{ type: "PodResizePending", status: "True", ...gen, ...times, reason, message: ctx.message ?? "" } as PodCondition];
  }
  return [];
}

/** Whether a running container still lacks its allocation (IsPodResizeInProgress), so the lifecycle is in progress. */
export function hasUnactuated(w: PodWorker, running: (c: ContainerRecord) => boolean): boolean {
  const allocation = view(w.allocation) ?? {};
  return w.containers.some((c) => isResizable(c) && running(c) && Object.hasOwn(allocation, c.name) && !sameResourcesKept(view(c.actuated), allocation[c.name]));
}

/** The container as the runtime creates it: its resources are the allocated ones, not the spec's desired ones. */
export function allocatedContainer(w: PodWorker, spec: Container): Container {
  const allocation = view(w.allocation);
  if (allocation === undefined || !Object.hasOwn(allocation, spec.name)) return spec;
  return { ...spec, resources: allocation[spec.name]! };
}

export type { ResizeEvent };
