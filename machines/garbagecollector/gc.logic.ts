// Pure decision logic of the garbage collector (pkg/controller/garbagecollector, v1.35) and of the
// API server's finalizer handling on DELETE (registry/generic/registry/store.go).
import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { mutant } from "../common/mutation.js";

export type PropagationPolicy = "Foreground" | "Background" | "Orphan";
/** Finalizer that keeps an owner until its blocking dependents are gone. */
export const FOREGROUND_FINALIZER = "foregroundDeletion";
/** Finalizer that keeps an owner until its dependents' ownerReferences to it are removed. */
export const ORPHAN_FINALIZER = "orphan";

/** Any Kubernetes object: only its metadata matters here. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** Identifies the object an action applies to. */
export interface ObjRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name: string;
  uid: string;
}

export type GcAction =
  /** DELETE with a uid precondition, so a recreated namesake is never hit. */
  | { type: "delete"; target: ObjRef; propagationPolicy: PropagationPolicy }
  /** PATCH the dependent to drop ownerReferences with these uids. */
  | { type: "removeOwnerReferences"; target: ObjRef; ownerUids: string[] }
  /** PATCH the owner to drop a GC finalizer, letting the API server finish the deletion. */
  | { type: "removeFinalizer"; target: ObjRef; finalizer: string };

/** The reference by which actions name an object. */
export function refOf(o: KObject): ObjRef {
  const r: ObjRef = { name: o.metadata?.name ?? "", uid: o.metadata?.uid ?? "" };
  if (o.apiVersion) r.apiVersion = o.apiVersion;
  if (o.kind) r.kind = o.kind;
  if (o.metadata?.namespace) r.namespace = o.metadata.namespace;
  return r;
}

function hasFinalizer(o: KObject, f: string): boolean {
  return o.metadata?.finalizers?.includes(f) ?? false;
}

/** Being deleted in the foreground: deletionTimestamp plus the foregroundDeletion finalizer (isDeletingDependents). */
export function isDeletingDependents(o: KObject): boolean {
  return !!o.metadata?.deletionTimestamp && hasFinalizer(o, FOREGROUND_FINALIZER);
}

/**
 * What the API server does on DELETE with a propagation policy: Foreground adds foregroundDeletion,
 * Orphan adds orphan, Background strips both; the object goes at once only when no finalizer remains.
 */
export function finalizersOnDelete(o: KObject, policy: PropagationPolicy = "Background"): { finalizers: string[]; deleteNow: boolean } {
  // the mutant strips only foregroundDeletion: a Background delete after an Orphan one keeps the orphan finalizer
  // the second mutant keeps foregroundDeletion when an Orphan delete follows a Foreground one
  const rest = (o.metadata?.finalizers ?? []).filter((f) => (f !== FOREGROUND_FINALIZER || (policy === "Orphan" && mutant("gc.orphan-keeps-foreground-finalizer"))) && (f !== ORPHAN_FINALIZER || (policy === "Background" && mutant("gc.background-keeps-orphan-finalizer"))));
  const finalizers = policy === "Foreground" ? [...rest, FOREGROUND_FINALIZER] : policy === "Orphan" ? [...rest, ORPHAN_FINALIZER] : rest;
  return { finalizers, deleteNow: finalizers.length === 0 };
}

/** Objects with an ownerReference to owner's uid. */
export function dependentsOf(owner: KObject, all: readonly KObject[]): KObject[] {
  const uid = owner.metadata?.uid;
  return all.filter((o) => uid !== undefined && o.metadata?.ownerReferences?.some((r) => r.uid === uid));
}

function refTo(dep: KObject, ownerUid: string | undefined): OwnerReference | undefined {
  return dep.metadata?.ownerReferences?.find((r) => r.uid === ownerUid);
}

/** Dependents whose reference to owner has blockOwnerDeletion: true (blockingDependents). */
export function blockingDependents(owner: KObject, all: readonly KObject[]): KObject[] {
  return dependentsOf(owner, all).filter((d) => (mutant("gc.foreground-waits-for-non-blocking") || refTo(d, owner.metadata?.uid)?.blockOwnerDeletion === true) && !(mutant("gc.foreground-terminating-dependent-gone") && d.metadata?.deletionTimestamp));
}

/**
 * attemptToDeleteItem for one object: with a live ("solid") owner only dangling or foreground-
 * deleting owner refs are removed; with none, the object is deleted, in the foreground when an owner
 * waits on it and it has dependents of its own, else by its own finalizer's policy.
 */
export function attemptToDeleteItem(item: KObject, all: readonly KObject[]): GcAction[] {
  if (isDeletingDependents(item)) return processDeletingDependents(item, all);
  if (item.metadata?.deletionTimestamp) return []; // already on its way out
  const refs = item.metadata?.ownerReferences ?? [];
  if (refs.length === 0) return [];
  const byUid = new Map(all.map((o) => [o.metadata?.uid, o] as const));
  const solid: OwnerReference[] = [], dangling: OwnerReference[] = [], waiting: OwnerReference[] = [];
  for (const r of refs) {
    // the mutant finds an owner by kind and name: a namesake made after the owner was deleted keeps its dependents alive
    const owner = byUid.get(r.uid) ?? (mutant("gc.owner-matched-by-name") ? all.find((o) => o.kind === r.kind && o.metadata?.name === r.name && o.metadata?.namespace === item.metadata?.namespace) : undefined);
    if (!owner) dangling.push(r);
    else if (isDeletingDependents(owner)) waiting.push(r);
    else solid.push(r);
  }
  if (solid.length > 0 && !mutant("gc.deletes-with-remaining-owner")) {
    if (dangling.length === 0 && waiting.length === 0) return [];
    return [{ type: "removeOwnerReferences", target: refOf(item), ownerUids: [...dangling, ...waiting].map((r) => r.uid) }];
  }
  if (waiting.length > 0 && dependentsOf(item, all).length > 0) {
    // the mutant deletes it in the background: its own dependents no longer block the owner
    return [{ type: "delete", target: refOf(item), propagationPolicy: mutant("gc.waiting-owner-dependent-deleted-background") ? "Background" : "Foreground" }];
  }
  const policy: PropagationPolicy = hasFinalizer(item, ORPHAN_FINALIZER) && !mutant("gc.dependent-orphan-finalizer-ignored") ? "Orphan" : hasFinalizer(item, FOREGROUND_FINALIZER) ? "Foreground" : "Background";
  return [{ type: "delete", target: refOf(item), propagationPolicy: policy }];
}

/** An owner in foreground deletion: delete its dependents; drop the finalizer once no blocking dependent is left. */
export function processDeletingDependents(owner: KObject, all: readonly KObject[]): GcAction[] {
  const blocking = blockingDependents(owner, all);
  if (blocking.length === 0) return [{ type: "removeFinalizer", target: refOf(owner), finalizer: FOREGROUND_FINALIZER }];
  const others = all.filter((o) => o.metadata?.uid !== owner.metadata?.uid);
  return dependentsOf(owner, all)
    .filter((d) => mutant("gc.foreground-reprocesses-deleting-dependent") || !isDeletingDependents(d)) // those already progress on their own
    .flatMap((d) => attemptToDeleteItem(d, [owner, ...others]));
}

/** An owner with the orphan finalizer: strip its ownerReferences from every dependent, then drop the finalizer (orphanDependents). */
export function orphanDependents(owner: KObject, all: readonly KObject[]): GcAction[] {
  const uid = owner.metadata?.uid ?? "";
  const patches: GcAction[] = dependentsOf(owner, all).filter(() => !mutant("gc.orphan-keeps-owner-references")).map((d) => ({ type: "removeOwnerReferences", target: refOf(d), ownerUids: [uid] }));
  return [...patches, { type: "removeFinalizer", target: refOf(owner), finalizer: ORPHAN_FINALIZER }];
}

/**
 * One garbage-collector pass after owner was deleted with policy. Background: owner is already
 * gone (pass the cluster without it) and every dependent left ownerless is deleted. Foreground:
 * owner stays with deletionTimestamp and foregroundDeletion while dependents are deleted.
 * Orphan: dependents lose the reference and survive.
 */
export function dependentsToDelete(owner: KObject, all: readonly KObject[], policy: PropagationPolicy): GcAction[] {
  const others = all.filter((o) => o.metadata?.uid !== owner.metadata?.uid);
  switch (policy) {
    case "Orphan":
      return orphanDependents(owner, all);
    case "Foreground":
      return processDeletingDependents(owner, [owner, ...others]);
    case "Background":
      return dependentsOf(owner, others).flatMap((d) => attemptToDeleteItem(d, others));
  }
}
