// The disruption controller's steps (pkg/controller/disruption/disruption.go): informers on
// PodDisruptionBudgets, pods, ReplicaSets, Deployments, StatefulSets and ReplicationControllers; a pod's change queues the budgets that
// select it; sync computes a budget's expected pods, desired and current healthy pods and the
// disruptions it allows, and writes them with the DisruptionAllowed condition through the status
// subresource (failSafe when that cannot be computed). A pod the eviction API marked disrupted
// and that is still here after DeletionTimeout counts again, and the budget is rechecked then.
// The context is a value: these steps run on a draft (draftStepOf).

import type { Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod, ReplicationController } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "kubernetes-types/policy/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest, type Store } from "../common/client.js";
import { deepEqual } from "../common/equal.js";
import { labelSelectorAsRequirements, matchesRequirements } from "../common/labels.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./disruption.logic.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "disruption-controller";
const PDBS = 1;
const PODS = 2;
const REPLICASETS = 3;
const DEPLOYMENTS = 4;
const STATEFULSETS = 5;
const REPLICATIONCONTROLLERS = 6;
const source = { component: "controllermanager" };

export interface DisruptionControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface DisruptionControllerInput {
  token: string;
  address?: string;
}

export type DisruptionControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller. */
export function initialDisruptionController(input: DisruptionControllerInput): DisruptionControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue() };
}

/** Informers on budgets, pods, and the controllers whose scale a budget may count. */
export function startInformers(ctx: DisruptionControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, PDBS, { group: "policy", resource: "poddisruptionbudgets" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  startInformer(ctx.client, fx, REPLICASETS, { group: "apps", resource: "replicasets" });
  startInformer(ctx.client, fx, DEPLOYMENTS, { group: "apps", resource: "deployments" });
  startInformer(ctx.client, fx, STATEFULSETS, { group: "apps", resource: "statefulsets" });
  startInformer(ctx.client, fx, REPLICATIONCONTROLLERS, { group: "", resource: "replicationcontrollers" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
const store = <T>(ctx: DisruptionControllerContext, id: number): Store<T> => ctx.client.informers.get(id)!.store;

/** The pods of the budget's namespace its selector matches (a null selector matches none). */
function podsFor(ctx: DisruptionControllerContext, pdb: PodDisruptionBudget): Pod[] | { error: string } {
  const reqs = labelSelectorAsRequirements(pdb.spec?.selector);
  if (reqs === null) return [];
  if ("error" in reqs) return reqs;
  const ns = pdb.metadata?.namespace;
  return [...store<Pod>(ctx, PODS).values()].filter((p) => p.metadata?.namespace === ns && matchesRequirements(reqs, p.metadata?.labels));
}

/** getPdbForPod's candidates: the budgets of the pod's namespace that select it. */
function budgetsFor(ctx: DisruptionControllerContext, pod: Pod): string[] {
  const out: string[] = [];
  for (const pdb of store<PodDisruptionBudget>(ctx, PDBS).values()) {
    if (pdb.metadata?.namespace !== pod.metadata?.namespace) continue;
    const reqs = labelSelectorAsRequirements(pdb.spec?.selector);
    if (reqs === null || "error" in reqs) continue;
    if (matchesRequirements(reqs, pod.metadata?.labels)) out.push(keyOf(pdb));
  }
  return out;
}

/** Routes an informer delta to the budgets it concerns. */
export function onDelta(ctx: DisruptionControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === PDBS) return W.add(ctx.q, keyOf(d.object));
  if (watchId !== PODS) return; // controllers are read for their scale only, as the real controller's listers
  for (const key of budgetsFor(ctx, d.object)) W.add(ctx.q, key);
  // the mutant forgets the budgets of the pod's old labels: a pod relabelled out of a budget leaves it stale
  if (d.old && !mutant("disruption.relabelled-pod-old-budget-not-queued")) for (const key of budgetsFor(ctx, d.old)) W.add(ctx.q, key);
}

/**
 * The finders (getPodDeployment, getPodReplicaSet, getPodReplicationController,
 * getPodStatefulSet): a pod's controlling ReplicaSet counts its replicas, or its Deployment's when
 * a Deployment controls it; a ReplicationController or StatefulSet its own. Other controllers have
 * no scale here, as a DaemonSet or Job has no scale subresource.
 */
function scaleFinder(ctx: DisruptionControllerContext): L.ScaleFinder {
  return (pod) => {
    const ref = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    if (!ref) return undefined;
    const ns = pod.metadata?.namespace ?? "";
    if ((ref.kind === "StatefulSet" && /^apps\//.test(ref.apiVersion)) || (ref.kind === "ReplicationController" && ref.apiVersion === "v1")) {
      const owner = store<StatefulSet | ReplicationController>(ctx, ref.kind === "StatefulSet" ? STATEFULSETS : REPLICATIONCONTROLLERS).get(`${ns}/${ref.name}`);
      return owner && owner.metadata?.uid === ref.uid ? { uid: owner.metadata.uid, scale: owner.spec?.replicas ?? 1 } : undefined;
    }
    if (ref.kind !== "ReplicaSet" || !/^(apps|extensions)\//.test(ref.apiVersion)) return undefined;
    const rs = store<ReplicaSet>(ctx, REPLICASETS).get(`${pod.metadata?.namespace ?? ""}/${ref.name}`);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    const dref = (rs.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    // the mutant counts the ReplicaSet's replicas though a Deployment controls it (a rollout's old ReplicaSet is scaled down)
    if (dref && dref.kind === "Deployment" && !mutant("disruption.deployment-pod-scale-from-replicaset")) {
      const d = store<Deployment>(ctx, DEPLOYMENTS).get(`${rs.metadata?.namespace ?? ""}/${dref.name}`);
      return d && d.metadata?.uid === dref.uid ? { uid: d.metadata.uid, scale: d.spec?.replicas ?? 1 } : undefined;
    }
    return { uid: rs.metadata!.uid!, scale: rs.spec?.replicas ?? 1 };
  };
}

/** Go's %v of a *metav1.LabelSelector, as the UnmanagedPods event prints it. */
export function selectorString(sel: LabelSelector | undefined): string {
  if (!sel) return "nil";
  const labels = Object.keys(sel.matchLabels ?? {}).sort().map((k) => `${k}: ${sel.matchLabels![k]},`).join("");
  const exprs = (sel.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(" ")}],},`).join("");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** processNextWorkItem: sync the next budget key. */
export function processNext(ctx: DisruptionControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

/** sync: trySync, or failSafe when the budget's numbers cannot be computed. */
function sync(ctx: DisruptionControllerContext, key: string, now: number, fx: Fx): void {
  const pdb = store<PodDisruptionBudget>(ctx, PDBS).get(key);
  if (!pdb) return W.done(ctx.q, key);
  const r = trySync(ctx, pdb, now, fx);
  if (r !== undefined && "error" in r) {
    const st = L.failSafeStatus(pdb, r.error, now);
    // The API server stores an unchanged status as a no-op: no write, only the retry.
    if (deepEqual(st, pdb.status)) W.addRateLimited(ctx.q, fx, key, now);
    else writeStatus(ctx, key, pdb, st, "failsafe", fx);
  }
  else if (r !== undefined) {
    writeStatus(ctx, key, pdb, r.status, "status", fx, r.recheckAtMs === undefined ? undefined : r.recheckAtMs - now);
  }
  W.doneIfIdle(ctx.q, key);
}

function trySync(ctx: DisruptionControllerContext, pdb: PodDisruptionBudget, now: number, fx: Fx): { status: PodDisruptionBudgetStatus | undefined; recheckAtMs?: number } | { error: string } | undefined {
  const pods = podsFor(ctx, pdb);
  if ("error" in pods) {
    recordEvent(ctx.client, fx, pdbRef(pdb), "Warning", "NoPods", `Failed to get pods: ${pods.error}`, source, now);
    return pods;
  }
  if (pods.length === 0) recordEvent(ctx.client, fx, pdbRef(pdb), "Normal", "NoPods", "No matching pods found", source, now);
  const expected = L.expectedPodCount(pdb, pods, scaleFinder(ctx));
  if ("error" in expected) {
    recordEvent(ctx.client, fx, pdbRef(pdb), "Warning", "CalculateExpectedPodCountFailed", `Failed to calculate the number of expected pods: ${expected.error}`, source, now);
    return expected;
  }
  if (expected.unmanagedPods.length > 0) {
    recordEvent(ctx.client, fx, pdbRef(pdb), "Warning", "UnmanagedPods", `Pods selected by this PodDisruptionBudget (selector: ${selectorString(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`, source, now);
  }
  const marks = L.buildDisruptedPodMap(pods, pdb, now);
  for (const pod of marks.notDeleted) {
    // Kubernetes prints the budget's namespace twice here.
    recordEvent(ctx.client, fx, { kind: "Pod", apiVersion: "v1", metadata: pod.metadata }, "Warning", "NotDeleted", `Pod was expected by PDB ${pdb.metadata?.namespace}/${pdb.metadata?.namespace} to be deleted but it wasn't`, source, now);
  }
  const healthy = L.countHealthyPods(pods, marks.disrupted, now);
  const status = L.nextStatus(pdb, healthy, expected.desiredHealthy, expected.expectedCount, marks.disrupted, now);
  return marks.recheckAtMs === undefined ? { status } : { status, recheckAtMs: marks.recheckAtMs };
}

const pdbRef = (pdb: PodDisruptionBudget) => ({ kind: "PodDisruptionBudget", apiVersion: "policy/v1", metadata: pdb.metadata });

function writeStatus(ctx: DisruptionControllerContext, key: string, pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus | undefined, purpose: string, fx: Fx, recheckMs?: number): void {
  if (status === undefined) {
    if (recheckMs !== undefined) W.addAfter(fx, key, recheckMs, true);
    return;
  }
  W.track(ctx.q, key);
  request(ctx.client, fx, {
    verb: "update", group: "policy", resource: "poddisruptionbudgets", subresource: "status", namespace: pdb.metadata?.namespace, name: pdb.metadata?.name,
    body: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", ...pdb, status },
  }, purpose, { key, recheckMs });
}

/** Handles a watch event. */
export function onWatch(ctx: DisruptionControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists and the status writes. */
export function onResponse(ctx: DisruptionControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: DisruptionControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return; // events: fire and forget
  if (res.ok) {
    if (p.purpose === "failsafe") W.addRateLimited(ctx.q, fx, key, res.now); // sync returned the error: retried
    else {
      W.forget(ctx.q, key);
      // enqueuePdbForRecheck: a disrupted pod's DeletionTimeout runs out then (a watchdog: it does not hold settle up).
      if (p.data.recheckMs !== undefined) W.addAfter(fx, key, p.data.recheckMs, true);
    }
  } else if (res.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
