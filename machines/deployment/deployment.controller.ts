// The Deployment controller's steps (pkg/controller/deployment): informer handlers that queue
// Deployment keys, and syncDeployment, which finds or creates the ReplicaSet of the current
// template (pod-template-hash), scales ReplicaSets by strategy (RollingUpdate within
// maxSurge/maxUnavailable, Recreate) or in proportion on a scale event, and writes status.
// Functions over the machine's context; the decisions are in deployment.logic.ts.

import { Map as IMap } from "immutable";
import type { Fx } from "../common/effects.js";
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { newClient, objectKey, recordEvent, request, startInformer, storeClaimCandidates, storeControlledBy, type ClientState, type InformerDelta, type PendingRequest, type Store } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { controllerRefOf } from "../common/owners.js";
import { CLAIM_PATCH, RECHECK, adoptPatch, claimAnswer, claimPods, onRecheck, releasePatch, sendClaims, type RecheckData } from "../common/claim.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./deployment.logic.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { rolloutMachine } from "./rollout.machine.js";

export const controllerName = "deployment-controller";
const DEPLOYMENTS = 1;
const RSS = 2;
const PODS = 3;

export interface DeploymentControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** Deployment key -> its rollout chart (rollout.machine.ts), kept as a value; persistent, one per Deployment */
  rollouts: IMap<string, KeptLifecycle<typeof rolloutMachine>>;
}

export interface DeploymentControllerInput {
  token: string;
  address?: string;
}

export type DeploymentControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "RolloutTimer"; key: string; event: { type: string } } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller with empty caches. */
export function initialDeploymentController(input: DeploymentControllerInput): DeploymentControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), rollouts: IMap() };
}

/** Informers on Deployments, ReplicaSets and Pods in every namespace. */
export function startInformers(ctx: DeploymentControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, DEPLOYMENTS, { group: "apps", resource: "deployments" });
  startInformer(ctx.client, fx, RSS, { group: "apps", resource: "replicasets", indexed: true });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
}

function store<T>(ctx: DeploymentControllerContext, id: number): Store<T> {
  return ctx.client.informers.get(id)!.store;
}

/** resolveControllerRef: the key of the Deployment a controller ref names, when it is in the cache with the same uid. */
function resolveControllerRef(ctx: DeploymentControllerContext, namespace: string | undefined, ref: OwnerReference | undefined): string | undefined {
  if (!ref || ref.kind !== "Deployment") return undefined;
  const key = `${namespace ?? ""}/${ref.name}`;
  return store<Deployment>(ctx, DEPLOYMENTS).get(key)?.metadata?.uid === ref.uid ? key : undefined;
}

/** The Deployment key owning a ReplicaSet, when that Deployment is in the cache with the same uid. */
function deploymentKeyOf(ctx: DeploymentControllerContext, obj: { metadata?: any }): string | undefined {
  return resolveControllerRef(ctx, obj.metadata?.namespace, controllerRefOf(obj));
}

/** Routes a delta to the Deployment it concerns (addReplicaSet, updateReplicaSet, deletePod, ...). */
export function onDelta(ctx: DeploymentControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === DEPLOYMENTS) return W.add(ctx.q, objectKey(d.object));
  if (watchId === RSS) {
    const ns = d.object.metadata?.namespace;
    const t = L.replicaSetEventTargets(d);
    for (const ref of t.refs) {
      const key = resolveControllerRef(ctx, ns, ref);
      if (key) W.add(ctx.q, key);
    }
    // an orphan: the Deployments selecting it are synced so one may adopt it (getDeploymentsForReplicaSet)
    if (t.orphan) for (const dep of L.deploymentsForReplicaSet(d.object, store<Deployment>(ctx, DEPLOYMENTS).values())) W.add(ctx.q, objectKey(dep));
    return;
  }
  // Pods matter only to Recreate (deletePod): its Deployment is synced once none of its pods is left.
  if (d.type !== "DELETED") return;
  const rsRef = controllerRefOf(d.object);
  if (!rsRef) return;
  const ns = d.object.metadata?.namespace;
  const rs = store<ReplicaSet>(ctx, RSS).get(`${ns}/${rsRef.name}`);
  const key = rs ? deploymentKeyOf(ctx, rs) : undefined;
  const dep = key ? store<Deployment>(ctx, DEPLOYMENTS).get(key) : undefined;
  if (!key || dep?.spec?.strategy?.type !== "Recreate") return;
  const pods = [...store<Pod>(ctx, PODS).values()].filter((p) => p.metadata?.namespace === ns);
  if (L.podsOfReplicaSets(dep, ownedReplicaSets(ctx, dep), pods).length === 0) W.add(ctx.q, key);
}

// ---- one sync ----------------------------------------------------------------------------

/** The writes one sync makes, collected so two changes to one ReplicaSet become one update. */
interface Plan {
  key: string;
  /** the Deployment as cached: its status is what a status write would change */
  stored: Deployment;
  d: Deployment;
  rsWrites: Map<string, { rs: ReplicaSet; events: string[] }>;
  create?: ReplicaSet;
  deleteRSs: string[];
}

function track(ctx: DeploymentControllerContext, fx: Fx, key: string, r: Parameters<typeof request>[2], purpose: string, data: Record<string, unknown> = {}): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, r, purpose, { key, ...data });
}

/** Processes the next key of the queue (processNextWorkItem + syncDeployment). */
export function processNext(ctx: DeploymentControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncDeployment(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

// The ReplicaSets this Deployment controls, in store order, through the informer's controller-uid index (not a scan of every ReplicaSet).
function ownedReplicaSets(ctx: DeploymentControllerContext, d: Deployment): ReplicaSet[] {
  return storeControlledBy(ctx.client.informers.get(RSS)!, d.metadata?.namespace, d.metadata?.uid);
}

/**
 * getReplicaSetsForDeployment's ClaimReplicaSets: a live Deployment adopts the orphan ReplicaSets
 * its selector matches and releases those it controls that no longer match, by strategic merge
 * patches of their ownerReferences guarded by the ReplicaSet's uid (ownerRefControllerPatch), adoptions
 * once canAdopt's live GET finds the Deployment alive. A sync that claims only claims: the patched
 * ReplicaSets' watch events sync the Deployment again, with them.
 */
function claimReplicaSets(ctx: DeploymentControllerContext, key: string, d: Deployment, fx: Fx): boolean {
  const ref = L.deploymentControllerRef(d);
  const claim = claimPods(d, ref, storeClaimCandidates(ctx.client.informers.get(RSS)!, d.metadata?.namespace, d.spec?.selector, d.metadata?.uid) as ReplicaSet[]);
  return sendClaims((r, purpose, data) => track(ctx, fx, key, r, purpose, data), { kind: "Deployment", group: "apps", resource: "deployments", object: d },
    claim.adopt.map((rs) => adoptPatch("replicasets", rs, ref)), claim.release.map((rs) => releasePatch("replicasets", rs, d.metadata?.uid ?? "")));
}

function applyScaleLocally(plan: Plan, current: ReplicaSet, a: L.ScaleAction): ReplicaSet {
  const w = plan.rsWrites.get(a.rs) ?? { rs: current, events: [] };
  w.rs = { ...w.rs, metadata: { ...w.rs.metadata, annotations: { ...(w.rs.metadata?.annotations ?? {}), ...a.annotations } }, spec: { ...w.rs.spec!, replicas: a.replicas } };
  if (a.event) w.events.push(a.event.message);
  plan.rsWrites.set(a.rs, w);
  return w.rs;
}

function withWrites(plan: Plan, list: readonly ReplicaSet[]): ReplicaSet[] {
  return list.map((rs) => plan.rsWrites.get(rs.metadata?.name ?? "")?.rs ?? rs);
}

/** One sync of a Deployment (syncDeployment): status only while deleting, scale on a scale event or pause, else roll out. */
export function syncDeployment(ctx: DeploymentControllerContext, key: string, now: number, fx: Fx): void {
  const d = store<Deployment>(ctx, DEPLOYMENTS).get(key);
  if (!d) {
    ctx.rollouts = ctx.rollouts.delete(key);
    return W.doneIfIdle(ctx.q, key);
  }
  if (claimReplicaSets(ctx, key, d, fx)) return W.doneIfIdle(ctx.q, key);
  const rsList = ownedReplicaSets(ctx, d);
  const plan: Plan = { key, stored: d, d, rsWrites: new Map(), deleteRSs: [] };
  let status: DeploymentStatus;
  if (d.metadata?.deletionTimestamp) {
    const g = L.getNewReplicaSet(d, rsList, false, now);
    status = L.calculateStatus(d, rsList, g.newRS, now);
  } else {
    // Pausing or resuming is a Progressing condition first, so a resumed rollout is not timed out for its pause.
    plan.d = L.checkPausedConditions(d, now) ?? d;
    if (d.spec?.paused || L.isScalingEvent(d, rsList)) status = scaleOnly(plan, rsList, now);
    else if (d.spec?.strategy?.type === "Recreate") status = rolloutRecreate(ctx, plan, rsList, now);
    else status = rolloutRolling(plan, rsList, now);
  }
  perform(ctx, plan, status, fx);
  observeRollout(ctx, plan, status, now, fx);
  W.doneIfIdle(ctx.q, key);
}

function noteNewRS(plan: Plan, g: L.GetNewReplicaSetResult): ReplicaSet | undefined {
  if (!g.newRS) return undefined;
  if (g.write === "create") plan.create = g.newRS;
  else if (g.write === "update") plan.rsWrites.set(g.newRS.metadata?.name ?? "", { rs: g.newRS, events: [] });
  return g.newRS;
}

function withCondition(d: Deployment, g: L.GetNewReplicaSetResult): Deployment {
  if (!g.condition) return d;
  return { ...d, status: { ...d.status, conditions: L.setDeploymentCondition(d.status?.conditions ?? [], g.condition) } };
}

function scaleOnly(plan: Plan, rsList: ReplicaSet[], now: number): DeploymentStatus {
  const g = L.getNewReplicaSet(plan.d, rsList, false, now);
  const newRS = noteNewRS(plan, g);
  for (const a of L.proportionalScale(plan.d, newRS, g.oldRSs)) applyScaleLocally(plan, rsList.find((r) => r.metadata?.name === a.rs)!, a);
  // sync(): old ReplicaSets are cleaned up here only while paused (a complete rollout's cleanup is rolloutRolling's)
  if (plan.d.spec?.paused) plan.deleteRSs = L.cleanupOldReplicaSets(plan.d, g.oldRSs);
  const all = withWrites(plan, [...g.oldRSs, ...(newRS ? [newRS] : [])]);
  return L.calculateStatus(plan.d, all, newRS && (plan.rsWrites.get(newRS.metadata?.name ?? "")?.rs ?? newRS), now);
}

function rolloutRolling(plan: Plan, rsList: ReplicaSet[], now: number): DeploymentStatus {
  const g = L.getNewReplicaSet(plan.d, rsList, true, now);
  const newRS = noteNewRS(plan, g)!;
  const d = withCondition(plan.d, g);
  if (!plan.create) {
    const step = L.rolloutRolling(d, newRS, g.oldRSs);
    for (const a of step.actions) applyScaleLocally(plan, [...g.oldRSs, newRS].find((r) => r.metadata?.name === a.rs)!, a);
    plan.deleteRSs = step.deleteRSs;
  }
  const all = withWrites(plan, [...g.oldRSs, newRS]);
  const status = L.syncDeploymentStatus(d, all, all[all.length - 1], now);
  if (g.deploymentRevision) plan.d = { ...plan.d, metadata: { ...plan.d.metadata, annotations: { ...plan.d.metadata?.annotations, [L.REVISION_ANNOTATION]: g.deploymentRevision } } };
  return status;
}

function rolloutRecreate(ctx: DeploymentControllerContext, plan: Plan, rsList: ReplicaSet[], now: number): DeploymentStatus {
  let g = L.getNewReplicaSet(plan.d, rsList, false, now);
  const pods = [...store<Pod>(ctx, PODS).values()].filter((p) => p.metadata?.namespace === plan.d.metadata?.namespace);
  const r = L.rolloutRecreate(plan.d, g.newRS, g.oldRSs, pods);
  if (r.needNewRS) g = L.getNewReplicaSet(plan.d, rsList, true, now);
  const newRS = noteNewRS(plan, g);
  const d = withCondition(plan.d, g);
  if (!r.needNewRS) {
    for (const a of r.actions) applyScaleLocally(plan, rsList.find((x) => x.metadata?.name === a.rs)!, a);
    plan.deleteRSs = r.deleteRSs;
  }
  const all = withWrites(plan, [...g.oldRSs, ...(newRS ? [newRS] : [])]);
  const status = L.syncDeploymentStatus(d, all, newRS && withWrites(plan, [newRS])[0], now);
  if (g.deploymentRevision) plan.d = { ...plan.d, metadata: { ...plan.d.metadata, annotations: { ...plan.d.metadata?.annotations, [L.REVISION_ANNOTATION]: g.deploymentRevision } } };
  return status;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${k}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** One write of a sync, and what its answer is for. */
interface Write {
  r: Parameters<typeof request>[2];
  purpose: string;
  data?: Record<string, unknown>;
}

/**
 * Sends a sync's writes one after another, as syncDeployment's calls do: the next goes out when
 * the one before it succeeded, and the first failure ends the sync (its error requeues the key).
 * Sent together, a dropped scale-down could land after the scale-up that counted on it.
 */
function sendInOrder(ctx: DeploymentControllerContext, fx: Fx, key: string, writes: readonly Write[]): void {
  const [first, ...next] = writes;
  if (first) track(ctx, fx, key, first.r, first.purpose, { ...first.data, next });
}

/** The writes of a sync, in order: the new ReplicaSet, ReplicaSet updates, deletions, status, then the revision annotation. */
function perform(ctx: DeploymentControllerContext, plan: Plan, status: DeploymentStatus, fx: Fx): void {
  const { key, d } = plan;
  const ns = d.metadata?.namespace;
  const writes: Write[] = [];
  if (plan.create) writes.push({ r: { verb: "create", group: "apps", resource: "replicasets", namespace: ns, body: plan.create }, purpose: "create-rs", data: { d, rs: plan.create } });
  for (const [name, w] of plan.rsWrites) {
    writes.push({ r: { verb: "update", group: "apps", resource: "replicasets", namespace: ns, name, body: w.rs }, purpose: "scale-rs", data: { d, events: w.events } });
  }
  for (const name of plan.deleteRSs) writes.push({ r: { verb: "delete", group: "apps", resource: "replicasets", namespace: ns, name }, purpose: "delete-rs" });
  // Status first: it carries the cached resourceVersion, which the annotation patch below would change.
  if (canonical(plan.stored.status ?? {}) !== canonical(status)) {
    writes.push({ r: { verb: "update", group: "apps", resource: "deployments", subresource: "status", namespace: ns, name: d.metadata?.name, body: { ...d, status } }, purpose: "status" });
  }
  const cached = store<Deployment>(ctx, DEPLOYMENTS).get(key);
  const rev = d.metadata?.annotations?.[L.REVISION_ANNOTATION];
  if (rev !== undefined && cached?.metadata?.annotations?.[L.REVISION_ANNOTATION] !== rev) {
    writes.push({ r: { verb: "patch", group: "apps", resource: "deployments", namespace: ns, name: d.metadata?.name, patchType: "merge", body: { metadata: { annotations: { [L.REVISION_ANNOTATION]: rev } } } }, purpose: "revision" });
  }
  sendInOrder(ctx, fx, key, writes);
}

const rollout = lifecycleOf(rolloutMachine);

/**
 * The rollout's chart sees what this sync left: its Progressing reason. While Progressing, its
 * deadline timer (a background one: a stuck rollout must not keep settle() busy) requeues the key.
 */
function observeRollout(ctx: DeploymentControllerContext, plan: Plan, status: DeploymentStatus, now: number, fx: Fx): void {
  const event = L.rolloutObservation(plan.d, status, now);
  if (!event) return;
  const s = stepKept(rollout, ctx.rollouts.get(plan.key) ?? keep(rollout.start(undefined).snapshot), event);
  ctx.rollouts = ctx.rollouts.set(plan.key, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `rollout/${plan.key}`, s, (e) => ({ type: "RolloutTimer", key: plan.key, event: e }), true);
}

/** A rollout's progress deadline passed (requeueStuckDeployment): its chart moves on, and the key is synced again. */
export function onRolloutTimer(ctx: DeploymentControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.rollouts.get(key);
  if (kept) ctx.rollouts = ctx.rollouts.set(key, keep(stepKept(rollout, kept, event as never).snapshot));
  C.requeueAndKick(ctx, key, fx);
}

/** Where a Deployment's rollout chart is: "Progressing.ReplicaSetUpdated", "Complete", "Paused" ... (undefined before its first sync). */
export function rolloutState(ctx: DeploymentControllerContext, key: string): string | undefined {
  const kept = ctx.rollouts.get(key);
  if (!kept) return undefined;
  return typeof kept.value === "string" ? kept.value : `Progressing.${stateName((kept.value as { Progressing: { reason: unknown } }).Progressing.reason)}`;
}

const source = { component: controllerName };

/** Handles an API response: lists, ReplicaSet writes (ScalingReplicaSet events), status writes. */
export function onResponse(ctx: DeploymentControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: DeploymentControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  let ours = false;
  if (p.purpose === RECHECK) {
    if (onRecheck((r, purpose) => track(ctx, fx, key, r, purpose), p.data as RecheckData, res) !== undefined) W.addRateLimited(ctx.q, fx, key, res.now);
  } else if (p.purpose === CLAIM_PATCH) {
    const answer = claimAnswer(res, p.data.release === true);
    if (answer === "failed") W.addRateLimited(ctx.q, fx, key, res.now);
    else if (answer === "resync") W.add(ctx.q, key);
  } else if (res.ok) {
    if (p.purpose === "create-rs") {
      const n = res.object.spec?.replicas ?? 0;
      if (n > 0) recordEvent(ctx.client, fx, p.data.d, "Normal", "ScalingReplicaSet", `Scaled up replica set ${res.object.metadata.name} from 0 to ${n}`, source, res.now);
    }
    if (p.purpose === "scale-rs") for (const m of p.data.events as string[]) recordEvent(ctx.client, fx, p.data.d, "Normal", "ScalingReplicaSet", m, source, res.now);
  } else if (p.purpose === "create-rs" && res.code === 409 && res.status.reason === "AlreadyExists") {
    ours = onCollision(ctx, key, p.data.d, p.data.rs, res.now, fx);
  } else if (p.purpose === "create-rs") {
    const msg = `Failed to create new replica set "${p.data.rs.metadata.name}": ${res.status.message}`;
    recordEvent(ctx.client, fx, p.data.d, "Warning", L.FailedRSCreateReason, msg, source, res.now);
    W.addRateLimited(ctx.q, fx, key, res.now);
  } else if (!(p.purpose === "delete-rs" && res.code === 404)) {
    W.addRateLimited(ctx.q, fx, key, res.now);
  }
  // The sync goes on past its own ReplicaSet found already created (a slow cache) and, in
  // cleanupDeployment, past one already deleted; any other failure ends it.
  if (res.ok || ours || (p.purpose === "delete-rs" && res.code === 404)) sendInOrder(ctx, fx, key, p.data.next ?? []);
  W.untrack(ctx.q, key);
}

/**
 * The create found a ReplicaSet of that name (getNewReplicaSet): true when it is this Deployment's
 * own with the same template; with another template, a hash collision raises collisionCount.
 */
function onCollision(ctx: DeploymentControllerContext, key: string, d: Deployment, rs: ReplicaSet, now: number, fx: Fx): boolean {
  const existing = store<ReplicaSet>(ctx, RSS).get(`${d.metadata?.namespace}/${rs.metadata?.name}`);
  if (existing && controllerRefOf(existing)?.uid === d.metadata?.uid && L.equalIgnoreHash(existing.spec?.template, d.spec?.template)) return true;
  if (!existing) {
    W.addRateLimited(ctx.q, fx, key, now); // not in our cache yet: look again
    return false;
  }
  const status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
  track(ctx, fx, key, { verb: "update", group: "apps", resource: "deployments", subresource: "status", namespace: d.metadata?.namespace, name: d.metadata?.name, body: { ...d, status } }, "status");
  return false;
}

/** Handles a watch event from any informer. */
export function onWatch(ctx: DeploymentControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}
