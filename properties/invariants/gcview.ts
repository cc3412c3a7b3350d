// The garbage collector's finalizers judged on its own informer view (observe.ts controllerView),
// so they need no informer slack (the etcd-judged rules in api.ts need 30 s of it):
//
// orphanFinalizerRemovedOnlyAfterKnownDependentsReleased: the garbage collector's attemptToOrphan
// removes the owner's ownerReference from every dependent in its graph (orphanDependents) and only
// once those patches succeeded removes the `orphan` finalizer from the owner. So when it sends the
// write that drops `orphan`, every object its informers had delivered to it with a reference to
// the owner (as of the step that began that chain of writes: observe.ts controllerView) has had a
// patch from it releasing that reference. orphanFinalizerRemovedOnlyAfterDependentsReleased judges
// the same rule on etcd, with a blanket informer slack; this one needs none.

import type { InvariantSpec } from "./index.js";
import type { Runtime } from "../../runtime/runtime.js";
import { controllerView, type ControllerView, watching } from "./observe.js";

//
// foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone: processDeletingDependentsItem
// removes `foregroundDeletion` from an owner only when blockingDependents() is empty: no dependent
// in its graph refers to it with blockOwnerDeletion, terminating or not (a dependent leaves the
// graph only with its delete event). So when it sends that write, no such dependent is in the
// cache it had when that chain of writes began.

/** The actor that runs the garbage collector. */
const gc = "garbage-collector";
/** The kinds that are dependents in podflow's workloads (pods of ReplicaSets, Jobs and StatefulSets, ReplicaSets of Deployments, revisions). */
const dependentKinds = ["Pod", "ReplicaSet", "Job", "ControllerRevision"];

/** One view of the collector's cache per runtime, shared by both rules (it records every delivery to the collector). */
const views = new WeakMap<Runtime, ControllerView>();
function gcView(rt: Runtime): ControllerView {
  let v = views.get(rt);
  if (!v) views.set(rt, (v = controllerView(rt, gc)));
  return v;
}

/** Every object the API server's watch cache holds now. */
function* storedObjects(rt: Runtime): Generator<any> {
  for (const [, objs] of rt.snapshot("apiserver")?.context?.cache?.byKind ?? []) yield* objs.values();
}

/** The stored object a write of the collector's takes `finalizer` from: the one of that name that holds it. */
function ownerLosing(rt: Runtime, msg: any, finalizer: string): any {
  let owner: any;
  for (const o of storedObjects(rt)) {
    if (o.metadata?.name === msg.name && (o.metadata?.namespace ?? undefined) === (msg.namespace ?? undefined) && (o.metadata?.finalizers ?? []).includes(finalizer)) owner = o;
  }
  return owner;
}

/**
 * A collector's patch dropping `finalizer` from an owner: the owner, and the dependents the
 * collector's informers showed when it decided (the request's root) whose reference to it `refers` holds.
 */
function dependentsAtRemoval(rt: Runtime, view: ReturnType<typeof gcView>, msg: any, finalizer: string, refers: (r: any, ownerUid: string) => boolean): { owner: any; dependents: { kind: string; d: any }[] } | undefined {
  const owner = ownerLosing(rt, msg, finalizer);
  if (!owner) return undefined;
  const uid = owner.metadata.uid;
  const inc = rt.incarnation(gc);
  const k = view.rootOf(inc, msg.id);
  const dependents: { kind: string; d: any }[] = [];
  for (const kind of dependentKinds) {
    for (const d of view.allAt(kind, inc, k)) if ((d.metadata?.ownerReferences ?? []).some((r: any) => refers(r, uid))) dependents.push({ kind, d });
  }
  return { owner, dependents };
}

export const foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone: InvariantSpec = watching(
  "foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone",
  "the garbage collector removes an owner's foregroundDeletion finalizer only when no dependent in its informer cache refers to the owner with blockOwnerDeletion (terminating or not)",
  ({ rt, report }) => {
    const view = gcView(rt);
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== gc || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "patch") return;
      const finalizers = msg.body?.metadata?.finalizers;
      if (!Array.isArray(finalizers) || finalizers.includes("foregroundDeletion")) return;
      const found = dependentsAtRemoval(rt, view, msg, "foregroundDeletion", (r, uid) => r?.uid === uid && r.blockOwnerDeletion === true);
      if (!found) return;
      const { owner } = found;
      for (const { kind, d } of found.dependents) {
        report(`${gc} removed the foregroundDeletion finalizer of ${owner.kind} ${owner.metadata.namespace ?? ""}/${owner.metadata.name} while ${kind} ${d.metadata.namespace ?? ""}/${d.metadata.name}${d.metadata.deletionTimestamp ? " (terminating)" : ""}, in its cache, still blocks it`);
      }
    });
    return undefined;
  },
);

export const orphanFinalizerRemovedOnlyAfterKnownDependentsReleased: InvariantSpec = watching(
  "orphanFinalizerRemovedOnlyAfterKnownDependentsReleased",
  "the garbage collector removes an owner's orphan finalizer only after it has sent a patch releasing every dependent its informers showed referring to the owner",
  ({ rt, report }) => {
    const view = gcView(rt);
    /** `${dependent uid}|${owner uid}`: a patch of the collector's that left the dependent without a reference to the owner */
    const released = new Set<string>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== gc || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "patch") return;
      const meta = msg.body?.metadata;
      if (!meta) return;
      if (meta.ownerReferences !== undefined && typeof meta.uid === "string") {
        // a strategic patch names the references it deletes ({"$patch": "delete", "uid": ...})
        if (msg.patchType === "strategic") {
          for (const r of Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []) if (r?.$patch === "delete") released.add(`${meta.uid}|${r.uid}`);
          return;
        }
        // a merge patch names the references it keeps: every owner it names no more was released
        const kept = new Set((meta.ownerReferences ?? []).map((r: any) => r?.uid));
        for (const o of storedObjects(rt)) {
          if (o.metadata?.uid !== meta.uid) continue;
          for (const r of o.metadata?.ownerReferences ?? []) if (!kept.has(r.uid)) released.add(`${meta.uid}|${r.uid}`);
        }
        return;
      }
      if (!Array.isArray(meta.finalizers) || meta.finalizers.includes("orphan")) return;
      const found = dependentsAtRemoval(rt, view, msg, "orphan", (r, uid) => r?.uid === uid);
      if (!found) return;
      const { owner } = found;
      const uid = owner.metadata.uid;
      for (const { kind, d } of found.dependents) {
        if (!released.has(`${d.metadata.uid}|${uid}`)) {
          report(`${gc} removed the orphan finalizer of ${owner.kind} ${owner.metadata.namespace ?? ""}/${owner.metadata.name} while ${kind} ${d.metadata.namespace ?? ""}/${d.metadata.name}, in its cache with a reference to it, was never released`);
        }
      }
    });
    return undefined;
  },
);
