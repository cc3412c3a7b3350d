// PodControllerRefManager.ClaimPods (pkg/controller/controller_ref_manager.go): which pods a
// controller keeps, adopts and releases, by its selector and its controller ownerReference.
// Shared by the ReplicaSet, Deployment (its ReplicaSets), StatefulSet, DaemonSet and Job controllers;
// StatefulSet and DaemonSet claim their ControllerRevisions too. Adoptions wait for canAdopt's live GET of the owner.

import type { Pod } from "kubernetes-types/core/v1";
import type { LabelSelector, ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { compileLabelSelector } from "./labels.js";
import { controllerRefOf } from "./owners.js";
import { mutant } from "./mutation.js";
import { goTimeString, toMs } from "./time.js";
import type { ApiRequest, ApiResponse } from "../messages.js";

export interface ClaimResult<T = Pod> {
  /** Objects the controller owns after this pass, adopted ones included. */
  claimed: T[];
  /** Orphans to patch with the controller ownerReference. */
  adopt: T[];
  /** Owned objects that no longer match: patch their ownerReference away. */
  release: T[];
}

/** Decides which pods (or ControllerRevisions: ClaimControllerRevisions) a controller claims, adopts (with ref) and releases, as ClaimPods does. */
export function claimPods<T extends { metadata?: ObjectMeta } = Pod>(owner: { metadata?: ObjectMeta; spec?: { selector?: LabelSelector } }, ref: OwnerReference, pods: readonly T[]): ClaimResult<T> {
  const out: ClaimResult<T> = { claimed: [], adopt: [], release: [] };
  const uid = owner.metadata?.uid;
  const deleting = !!owner.metadata?.deletionTimestamp;
  const ns = owner.metadata?.namespace;
  // A nil selector selects nothing, an empty one everything (metav1.LabelSelectorAsSelector);
  // converted once, not once per pod.
  const matches = compileLabelSelector(owner.spec?.selector);
  for (const pod of pods) {
    const d = claimDecision(pod, uid, deleting, ns, matches(pod.metadata?.labels));
    if (d === CLAIM) out.claimed.push(pod);
    else if (d === RELEASE) out.release.push(pod);
    else if (d === ADOPT) {
      out.adopt.push(pod);
      out.claimed.push({ ...pod, metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata?.ownerReferences ?? []), ref] } });
    }
  }
  return out;
}

/** What ClaimPods does with one object: passes it by, keeps it (owned and matching), adopts it or releases it. */
export const SKIP = 0, CLAIM = 1, ADOPT = 2, RELEASE = 3;
export type ClaimDecision = typeof SKIP | typeof CLAIM | typeof ADOPT | typeof RELEASE;

/** ClaimPods' decision for one object, given its owner's uid, namespace, whether it is being deleted, and whether its selector matches. */
export function claimDecision(pod: { metadata?: ObjectMeta }, uid: string | undefined, deleting: boolean, ns: string | undefined, match: boolean): ClaimDecision {
  const podRef = controllerRefOf(pod);
  if (podRef) {
    if (podRef.uid !== uid) return SKIP; // someone else's pod
    if (match) return CLAIM;
    return deleting && !mutant("claim.dying-owner-releases") ? SKIP : RELEASE; // a dying owner does not bother releasing
  }
  // Orphan: adopt only if we are alive, it matches, it is alive and in our namespace.
  // the mutant adopts an orphan that is being deleted
  if (deleting || !match || (pod.metadata?.deletionTimestamp && !mutant("claim.adopts-terminating-orphan"))) return SKIP;
  // the mutant adopts a matching orphan in another namespace
  if (ns && pod.metadata?.namespace && ns !== pod.metadata.namespace && !mutant("claim.adopts-other-namespace")) return SKIP;
  return ADOPT;
}

/**
 * ownerRefControllerPatch (AdoptPod, AdoptControllerRevision): a strategic merge patch adding the
 * controller's reference, guarded by the object's uid only; ownerReferences merge by uid, so a
 * reference another writer added meanwhile stays.
 */
export function adoptPatch(resource: ClaimResource, obj: { metadata?: ObjectMeta }, ref: unknown, finalizers: readonly string[] = []) {
  // the manager's finalizers (the Job controller's tracking one) go on with the reference; finalizers merge as a set
  return patchOf(resource, obj, [ref], finalizers.length > 0 ? { finalizers } : {});
}

/** deleteOwnerRefStrategicMergePatch (ReleasePod, ReleaseControllerRevision): the controller's reference deleted by uid, and the manager's finalizers with it. */
export function releasePatch(resource: ClaimResource, obj: { metadata?: ObjectMeta }, ownerUid: string, finalizers: readonly string[] = []) {
  return patchOf(resource, obj, [{ $patch: "delete", uid: ownerUid }], finalizers.length > 0 ? { "$deleteFromPrimitiveList/finalizers": finalizers } : {});
}

/** What a controller claims: pods, ControllerRevisions (StatefulSet, DaemonSet), ReplicaSets (Deployment). */
export type ClaimResource = "pods" | "controllerrevisions" | "replicasets";

function patchOf(resource: ClaimResource, obj: { metadata?: ObjectMeta }, ownerReferences: readonly unknown[], more: Record<string, readonly string[]>) {
  return {
    verb: "patch" as const, group: resource === "pods" ? "" : "apps", resource, namespace: obj.metadata?.namespace, name: obj.metadata?.name, patchType: "strategic" as const,
    body: { metadata: { ownerReferences, uid: obj.metadata?.uid, ...more } },
  };
}

/** The owner whose controller claims: its kind as errors name it, where the API server keeps it, and the object as the sync read it. */
export interface ClaimOwner {
  kind: string;
  group: string;
  resource: string;
  object: { metadata?: ObjectMeta };
}

/** The purpose of canAdopt's live GET among a controller's pending requests. */
export const RECHECK = "can-adopt";
/** The purpose of an adopt or release patch; a release carries `release: true` in its data. */
export const CLAIM_PATCH = "claim";

/**
 * What an adopt or release patch's answer means for the sync that sent it (ClaimObject). "done": the
 * patched object's watch event brings the sync that counts it. "resync": no error, yet no event comes
 * (an object gone meanwhile, NotFound; a release refused as Invalid, no such reference left or the
 * object made again under its name: ReleasePod, ReleaseReplicaSet, ReleaseControllerRevision), so the
 * key is synced again, as Kubernetes' sync goes on past it. "failed": the sync fails, rate-limited.
 */
export type ClaimAnswer = "done" | "resync" | "failed";

export function claimAnswer(res: ApiResponse, release: boolean): ClaimAnswer {
  if (res.ok) return "done";
  return res.code === 404 || (release && res.code === 422) ? "resync" : "failed";
}

type ClaimRequest = Omit<ApiRequest, "type" | "id" | "token">;
type SendClaim = (r: ClaimRequest, purpose: string, data?: Record<string, unknown>) => void;

/** What canAdopt's GET carries to its answer: the adoptions it holds back, and who the owner was. */
export interface RecheckData {
  adopt: readonly ClaimRequest[];
  owner: { kind: string; namespace?: string; name?: string; uid?: string };
}

/**
 * ClaimObject's patches: releases at once; adoptions only once canAdopt passed, the owner read live
 * from the API server (RecheckDeletionTimestamp: an uncached GET, not the informer) before the first
 * of them, so an owner the cache still shows alive never takes back what the garbage collector just
 * orphaned. True when anything was sent.
 */
export function sendClaims(send: SendClaim, owner: ClaimOwner, adopt: readonly ClaimRequest[], release: readonly ClaimRequest[]): boolean {
  for (const r of release) send(r, CLAIM_PATCH, { release: true });
  if (adopt.length > 0) {
    const m = owner.object.metadata;
    const data: RecheckData = { adopt, owner: { kind: owner.kind, namespace: m?.namespace, name: m?.name, uid: m?.uid } };
    send({ verb: "get", group: owner.group, resource: owner.resource, namespace: m?.namespace, name: m?.name }, RECHECK, data as unknown as Record<string, unknown>);
  }
  return adopt.length > 0 || release.length > 0;
}

/** canAdopt's GET answered: the held adoptions go out, or none does and the error that fails the sync is returned. */
export function onRecheck(send: SendClaim, data: RecheckData, res: ApiResponse): string | undefined {
  const err = canAdoptError(data.owner, res);
  if (err === undefined) for (const r of data.adopt) send(r, CLAIM_PATCH);
  return err;
}

/**
 * RecheckDeletionTimestamp over the controller's getObject (a GET that also checks the uid): undefined
 * when the owner may adopt, else the error each AdoptX returns ("can't adopt ...: <this>").
 */
export function canAdoptError(owner: RecheckData["owner"], res: ApiResponse): string | undefined {
  const path = `${owner.namespace ?? ""}/${owner.name ?? ""}`;
  if (!res.ok) return `can't recheck DeletionTimestamp: ${res.status.message ?? ""}`;
  const fresh: ObjectMeta | undefined = res.object?.metadata;
  if (fresh?.uid !== owner.uid) return `can't recheck DeletionTimestamp: original ${owner.kind} ${path} is gone: got uid ${fresh?.uid ?? ""}, wanted ${owner.uid ?? ""}`;
  const deleted = toMs(fresh?.deletionTimestamp);
  if (deleted !== undefined) return `${fresh?.namespace ?? ""}/${fresh?.name ?? ""} has just been deleted at ${goTimeString(deleted)}`;
  return undefined;
}
